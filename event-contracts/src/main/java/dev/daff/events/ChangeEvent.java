package dev.daff.events;

import java.time.Instant;

/** A change to a service (deploy, config, feature flag, ...) as CI/CD systems report it. */
public record ChangeEvent(
        String service,
        String kind,
        String summary,
        String author,
        Instant startedAt,
        Instant endedAt,
        String ref,
        String environment) {
}
