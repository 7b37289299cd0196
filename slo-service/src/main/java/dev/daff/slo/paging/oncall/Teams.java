package dev.daff.slo.paging.oncall;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

/** Teams and their on-call definitions ({@code team}), each definition stored as one JSON document. */
@ApplicationScoped
public class Teams implements PanacheRepositoryBase<Team, String> {

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
