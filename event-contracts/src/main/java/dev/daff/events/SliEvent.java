package dev.daff.events;

import java.time.Instant;

/**
 * Counts of good and total events for one SLO observed at one instant ({@code at} may be null: "now").
 * Telemetry producing straight to Kafka may send only {@code slo, at, good, total}; daff's HTTP ingest fills the
 * envelope, with an {@code eventId} derived from the client's Idempotency-Key when it sent one.
 */
public record SliEvent(
        String eventId,
        String type,
        int version,
        Instant occurredAt,
        String slo,
        Instant at,
        long good,
        long total) implements EventEnvelope {

    public static final int CURRENT_VERSION = 1;
    public static final String OBSERVED = "SliObserved";

    public static SliEvent observed(String eventId, Instant occurredAt, String slo, Instant at, long good, long total) {
        return new SliEvent(eventId, OBSERVED, CURRENT_VERSION, occurredAt, slo, at, good, total);
    }
}
