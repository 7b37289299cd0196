package dev.daff.incident.washup;

import java.util.UUID;

/**
 * An incident's cause (class, seams, summary) was set or replaced: fired (CDI, synchronously) inside the transaction
 * that stored it, for the rules that read it (the recurrence check observes it).
 */
public record CauseSet(UUID incidentId) {
}
