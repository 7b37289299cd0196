package dev.daff.events;

import java.time.Instant;

/**
 * A change to a service (deploy, config, feature flag, ...) as CI/CD systems report it. Pipelines should send
 * the envelope ({@code eventId} above all, so a retried send is stored once); one without an id is recognised
 * by its content instead.
 */
public record ChangeEvent(
        String eventId,
        String type,
        int version,
        Instant occurredAt,
        String service,
        String kind,
        String summary,
        String author,
        Instant startedAt,
        Instant endedAt,
        String ref,
        String environment,
        /** Where a responder undoes this change (a pipeline's rollback job, a flag's page); optional, added later. */
        String rollbackUrl) implements EventEnvelope {

    public static final int CURRENT_VERSION = 1;
    public static final String REPORTED = "ChangeReported";
}
