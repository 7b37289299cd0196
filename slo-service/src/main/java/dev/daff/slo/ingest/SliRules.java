package dev.daff.slo.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What makes an SLI observation acceptable. Pure rules, shared by the HTTP and Kafka paths so both refuse
 * exactly the same things.
 */
public final class SliRules {

    /** How far ahead of our clock a producer's clock may run. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(1);

    private SliRules() {
    }

    /** Answers why the observation is refused, or empty when it is acceptable. */
    public static Optional<String> rejection(long good, long total, Instant at, Instant now, Duration window) {
        if (good < 0 || total < 0) {
            return Optional.of("good and total must not be negative");
        }
        if (good > total) {
            return Optional.of("good (" + good + ") must not exceed total (" + total + ")");
        }
        if (at.isAfter(now.plus(MAX_CLOCK_SKEW))) {
            return Optional.of("at " + at + " is more than " + MAX_CLOCK_SKEW.toSeconds() + " s in the future");
        }
        if (!at.isAfter(now.minus(window))) {
            return Optional.of("at " + at + " is older than the SLO window (" + window.toDays() + " days)");
        }
        return Optional.empty();
    }

    /** The start of the minute bucket an observation counts in. */
    public static Instant minuteOf(Instant at) {
        return Instant.ofEpochSecond(Math.floorDiv(at.getEpochSecond(), 60) * 60);
    }
}
