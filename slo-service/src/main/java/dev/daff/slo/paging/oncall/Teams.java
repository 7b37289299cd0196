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

    /** The stored definition, channel secrets sealed. */
    TeamDefinition definitionOf(Team team) {
        try {
            return json.readValue(team.definition, TeamDefinition.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored team definition is unreadable", e);
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
