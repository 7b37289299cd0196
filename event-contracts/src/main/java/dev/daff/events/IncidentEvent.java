package dev.daff.events;

import java.time.Instant;
import java.util.List;

/**
 * Something happened to an incident. Carries the whole state consumers need (severity, services, team,
 * status, milestones, how it was detected) so none of them has to call back, and {@code sequence}: the order
 * incident-service committed the incident's events in (null from versions before it), by which a consumer knows a
 * replayed dead letter for older than what it has applied.
 */
public record IncidentEvent(
        String eventId,
        String type,
        int version,
        String incidentId,
        Instant occurredAt,
        String title,
        String severity,
        List<String> services,
        String team,
        String status,
        Instant impactStartedAt,
        Instant detectedAt,
        Instant acknowledgedAt,
        Instant identifiedAt,
        Instant resolvedAt,
        Instant finalisedAt,
        String detectionSource,
        Long sequence) implements EventEnvelope {

    public static final int CURRENT_VERSION = 1;
    public static final String OPENED = "IncidentOpened";
    public static final String UPDATED = "IncidentUpdated";
    public static final String STATUS_CHANGED = "IncidentStatusChanged";
    public static final String RESOLVED = "IncidentResolved";
    public static final String FINALISED = "IncidentFinalised";
    public static final String WASHUP_REVIEWED = "WashupReviewed";
    /** Every type this contract has; a consumer refuses any other. */
    public static final java.util.Set<String> TYPES = java.util.Set.of(OPENED, UPDATED, STATUS_CHANGED, RESOLVED,
            FINALISED, WASHUP_REVIEWED);
}
