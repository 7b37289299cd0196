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
    /**
     * The most events one minute of one SLO may hold (also the most one observation may carry): 16.7 billion
     * events a second, far above any real service, yet low enough that a 30-day window of full minutes
     * (43,200 × 10^12) stays far below {@code Long.MAX_VALUE}, so no running sum can overflow. The database
     * holds the same limit as a CHECK.
     */
    public static final long MAX_EVENTS_PER_MINUTE = dev.daff.slo.burn.SliWindows.MAX_EVENTS_PER_MINUTE;

    private SliRules() {
    }

    /** Answers why the observation is refused, or empty when it is acceptable. */
    public static Optional<String> rejection(long good, long total, Instant at, Instant now, Duration window) {
        if (good < 0 || total < 0) {
            return Optional.of("good and total must not be negative");
        }
        if (total > MAX_EVENTS_PER_MINUTE) {
            return Optional.of("total (" + total + ") exceeds the limit of " + MAX_EVENTS_PER_MINUTE + " events per observation");
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

    /**
     * The time a batch record's observations are judged at: when daff's HTTP ingest accepted them
     * ({@code acceptedAtHeader}, epoch milliseconds), so that a consumer reading the record late, or on a replica
     * whose clock runs ahead, does not refuse what the client was told is counted. Only a time within the window
     * before {@code now} and the allowed skew after it is taken; any other (a record from elsewhere) is judged now.
     */
    public static Instant judgedAt(String acceptedAtHeader, Instant now, Duration window) {
        if (acceptedAtHeader == null || acceptedAtHeader.isEmpty() || acceptedAtHeader.length() > 18
                || !acceptedAtHeader.chars().allMatch(Character::isDigit)) {
            return now;
        }
        Instant accepted = Instant.ofEpochMilli(Long.parseLong(acceptedAtHeader));
        return accepted.isAfter(now.minus(window)) && !accepted.isAfter(now.plus(MAX_CLOCK_SKEW)) ? accepted : now;
    }

    /** Totals per minute within one batch, to refuse a batch that alone would overfill a minute. */
    public static final class MinuteTotals {
        private final java.util.Map<Instant, Long> totals = new java.util.HashMap<>();

        /** Adds an acceptable observation's total; answers why it is refused when its minute would overfill. */
        public Optional<String> add(Instant at, long total) {
            Instant minute = minuteOf(at);
            long sum = totals.merge(minute, total, Long::sum);
            if (sum > MAX_EVENTS_PER_MINUTE) {
                return Optional.of("the minute " + minute + " would hold more than " + MAX_EVENTS_PER_MINUTE + " events");
            }
            return Optional.empty();
        }
    }

    /** The start of the minute bucket an observation counts in. */
    public static Instant minuteOf(Instant at) {
        return Instant.ofEpochSecond(Math.floorDiv(at.getEpochSecond(), 60) * 60);
    }
}
