package dev.daff.incident.lifecycle;

import java.util.UUID;

/**
 * An incident moved from one status to another: fired (CDI, synchronously) inside the transaction of the change,
 * after the timeline says so, for rules that must follow every transition (the finalisation gate observes it).
 */
public record IncidentTransitioned(UUID incidentId, IncidentStatus from, IncidentStatus to) {
}
