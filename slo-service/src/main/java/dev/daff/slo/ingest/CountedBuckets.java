package dev.daff.slo.ingest;

import java.time.Instant;
import java.util.Map;

/**
 * Per-minute counts just committed by the SLI consumer, fired after the commit so the evaluator's running
 * window sums only ever include what is durably stored.
 */
public record CountedBuckets(Map<String, Map<Instant, MinuteCount>> bySlo) {

    /** Good and total events in one minute. */
    public record MinuteCount(long good, long total) {
        public MinuteCount plus(MinuteCount other) {
            return new MinuteCount(good + other.good, total + other.total);
        }
    }
}
