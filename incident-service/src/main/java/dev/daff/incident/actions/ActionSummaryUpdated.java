package dev.daff.incident.actions;

import java.util.UUID;

/**
 * The stored action summary of an incident changed: fired (CDI, synchronously) inside the transaction that stored
 * it, for the rules that read it (the finalisation gate observes it).
 */
public record ActionSummaryUpdated(UUID incidentId) {
}
