package dev.daff.events;

/** Where an incident's follow-up actions stand: what the finalisation gate reads. */
public record ActionSummary(
        String incidentId,
        int total,
        int open,
        int systemicDone,
        int systemicOpen,
        boolean washupDone) {
}
