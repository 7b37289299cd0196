package dev.daff.incident.review;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class DurationStatsTest {

    @Test
    void meanAndNearestRankPercentiles() {
        DurationStats stats = DurationStats.of(List.of(Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofMinutes(4),
                Duration.ofMinutes(2), Duration.ofMinutes(3)));
        assertEquals(5, stats.count());
        assertEquals(240.0, stats.meanSeconds());
        assertEquals(180.0, stats.p50Seconds());
        assertEquals(600.0, stats.p90Seconds());
    }

    @Test
    void oneValueIsEveryPercentileAndNoneIsNothing() {
        assertEquals(new DurationStats(1, 1.5, 1.5, 1.5), DurationStats.of(List.of(Duration.ofMillis(1500))));
        assertEquals(new DurationStats(0, null, null, null), DurationStats.of(List.of()));
    }
}
