package dev.daff.incident.actions;

import java.time.Instant;

/**
 * An incident's follow-up actions as action-service last counted them (WASHUP actions are not open work: the
 * washup review is incident-service's own fact). {@code occurredAt} is when that count was true at action-service.
 */
public record ActionCounts(int total, int open, int systemicDone, int systemicOpen, Instant occurredAt) {
}
