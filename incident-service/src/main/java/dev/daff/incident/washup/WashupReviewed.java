package dev.daff.incident.washup;

import java.time.Instant;
import java.util.UUID;

/**
 * An incident's washup was reviewed: fired (CDI, synchronously) inside the transaction that recorded the review,
 * for the rules that read it (the finalisation gate observes it). {@code IncidentEvent.WASHUP_REVIEWED} tells other
 * services the same through the outbox.
 */
public record WashupReviewed(UUID incidentId, Instant reviewedAt) {
}
