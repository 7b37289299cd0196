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
        ActionSummary summary) implements EventEnvelope {

    public static final int CURRENT_VERSION = 1;
    public static final String CREATED = "ActionCreated";
    public static final String UPDATED = "ActionUpdated";
    public static final String CLOSED = "ActionClosed";
    public static final String OVERDUE = "ActionOverdue";
}
