package dev.daff.slo.paging.oncall;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

/** Teams and their on-call definitions ({@code team}), each definition stored as one JSON document. */
@ApplicationScoped
public class Teams implements PanacheRepositoryBase<Team, String> {

    private static final Logger LOG = Logger.getLogger(Teams.class);

    private final ObjectMapper json;

    public Teams(ObjectMapper json) {
        this.json = json;
    }

    /** A stored definition this version cannot use (another version's, or edited by hand); a PUT of the team mends it. */
    public static final class UnreadableDefinition extends IllegalStateException {
        UnreadableDefinition(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The stored definition, channel secrets sealed; one without members or rotation (written by another version, or
     * by hand) is as unreadable as broken JSON, never half a team.
     */
    TeamDefinition definitionOf(Team team) {
        TeamDefinition definition;
        try {
            definition = json.readValue(team.definition, TeamDefinition.class);
        } catch (JsonProcessingException e) {
            throw new UnreadableDefinition("stored team definition of " + team.name + " is unreadable", e);
        }
        if (definition.members() == null || definition.rotation() == null) {
            throw new UnreadableDefinition("stored team definition of " + team.name + " has no members or rotation", null);
        }
        return definition;
    }

    /**
     * As {@link #definitionOf}, but empty when the stored definition cannot be read (logged): for what can go on
     * without it — a PUT that mends it, an acknowledgement, counting or re-encrypting every team's secrets.
     */
    Optional<TeamDefinition> readable(Team team) {
        try {
            return Optional.of(definitionOf(team));
        } catch (UnreadableDefinition e) {
            LOG.warnf("%s; carrying on without it (a PUT of the team mends it)", e.getMessage());
            return Optional.empty();
        }
    }

    /** Stores the definition (secrets already sealed) in the team's row, new or not. */
    void store(Team team, TeamDefinition definition) {
        try {
            team.definition = json.writeValueAsString(definition);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        persist(team);
    }
}
