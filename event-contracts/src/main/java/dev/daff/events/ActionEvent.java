package dev.daff.events;

import java.time.Instant;

/** A follow-up action changed; every event carries the incident's {@link ActionSummary} after the change. */
public record ActionEvent(
        String eventId,
        String type,
        int version,
        String actionId,
        String incidentId,
        Instant occurredAt,
        String title,
        String ownerTeam,
        String kind,
        String scope,
        String status,
        Instant dueAt,
        ActionSummary summary,
        /*
         * The order in which action-service committed this incident's action events: increasing per incident (read
         * under the incident's lock), where occurredAt is one replica's clock. Null from versions before it.
         */
        Long sequence) implements EventEnvelope {

    public static final int CURRENT_VERSION = 1;
    public static final String CREATED = "ActionCreated";
    public static final String UPDATED = "ActionUpdated";
    public static final String CLOSED = "ActionClosed";
    public static final String OVERDUE = "ActionOverdue";
}
