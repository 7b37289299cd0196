package dev.daff.events;

import java.time.Instant;

/**
 * What every daff event carries, whatever its topic: an id that stays the same across redeliveries (consumers
 * apply an event once per id), its type and contract version (a consumer refuses what it does not know rather
 * than guess), and when it happened.
 *
 * <p>Events from outside daff (SLI observations and change events sent by telemetry and CI/CD straight to
 * Kafka) may lack the envelope; daff's consumers then derive what they need, as each topic's consumer says.
 */
public interface EventEnvelope {

    String eventId();

    String type();

    int version();

    Instant occurredAt();
}
