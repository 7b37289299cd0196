package dev.daff.action.followup;

import java.time.Instant;
import java.util.UUID;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.databind.JsonNode;

import dev.daff.action.followup.ActionTypes.Kind;
import dev.daff.action.followup.ActionTypes.Priority;
import dev.daff.action.followup.ActionTypes.Scope;
import dev.daff.action.followup.ActionTypes.Status;
import dev.daff.kit.json.Written;

public final class ActionApi {

    private ActionApi() {
    }

    /**
     * {@code ownerTeam} is read as raw JSON so that a list of teams is answered with why it is refused, not
     * with a type error.
     */
    public record CreateAction(
            @NotNull UUID incidentId,
            @Written @Size(max = 200) String title,
            @Size(max = 4000) String description,
            JsonNode ownerTeam,
            @Size(max = 200) String assignee,
            @NotNull Kind kind,
            @NotNull Scope scope,
            @Size(max = 4000) String systemicRationale,
            @NotNull Priority priority,
            Instant dueAt) {
    }

    /**
     * A partial update of an open action: absent fields stay as they are. {@code version} must be the one the client
     * read; {@code ownerTeam} is raw JSON for the reason {@link CreateAction} says.
     */
    public record EditAction(
            @NotNull Long version,
            @Written(absentAllowed = true) @Size(max = 200) String title,
            @Size(max = 4000) String description,
            JsonNode ownerTeam,
            @Size(max = 200) String assignee,
            Priority priority,
            Instant dueAt,
            @Size(max = 4000) String systemicRationale) {
    }

    public record ActionTransition(@NotNull Status to, @Size(max = 4000) String reason) {
    }

    public record ActionView(
            UUID id,
            UUID incidentId,
            String title,
            String description,
            String ownerTeam,
            String assignee,
            Kind kind,
            Scope scope,
            String systemicRationale,
            Priority priority,
            Status status,
            String wontDoReason,
            Instant dueAt,
            boolean overdue,
            Instant createdAt,
            String createdBy,
            String createdBySubject,
            Instant updatedAt,
            String updatedBy,
            String updatedBySubject,
            Instant closedAt,
            String closedBy,
            String closedBySubject,
            long version) {
    }
}
