package dev.daff.incident.review;

import java.time.Duration;
import java.util.List;

/**
 * Mean, p50 and p90 of a set of durations, in seconds (millisecond resolution). Percentiles are nearest-rank:
 * the smallest value with at least p of the values at or below it, so every figure is a real incident's.
 * Plain logic, no framework.
 */
public record DurationStats(int count, Double meanSeconds, Double p50Seconds, Double p90Seconds) {

    public static DurationStats of(List<Duration> durations) {
        if (durations.isEmpty()) {
            return new DurationStats(0, null, null, null);
        }
        long[] millis = durations.stream().mapToLong(Duration::toMillis).sorted().toArray();
        long sum = 0;
        for (long m : millis) {
            sum += m;
        }
        return new DurationStats(millis.length, sum / (double) millis.length / 1000.0, percentile(millis, 50) / 1000.0,
                percentile(millis, 90) / 1000.0);
    }

    /** Nearest rank of sorted {@code values}: index ceil(p/100 × n) − 1. */
    static long percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
