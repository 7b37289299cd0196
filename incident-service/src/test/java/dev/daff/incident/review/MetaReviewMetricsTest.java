package dev.daff.incident.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.daff.incident.review.MetaReviewApi.MetaReview;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class MetaReviewMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MetaReviewMetrics metrics = new MetaReviewMetrics(null, null, registry);

    /** The window slid past the last SEV2 incident: its gauges say "no data", not that incident's figures. */
    @Test
    void aSeverityWithNoResolvedIncidentLeftInTheWindowReadsNoData() {
        metrics.publish(review(Map.of("SEV2", DurationStats.of(List.of(Duration.ofMinutes(30), Duration.ofMinutes(90))))));
        assertEquals(3_600, mttr("SEV2", "mean"));
        assertEquals(1_800, mttr("SEV2", "p50"));
        assertTrue(Double.isNaN(mttr("SEV1", "p50")), "a severity never seen has its gauges too, without data");

        metrics.publish(review(Map.of("SEV3", DurationStats.of(List.of(Duration.ofMinutes(5))))));
        for (String stat : List.of("mean", "p50", "p90")) {
            assertTrue(Double.isNaN(mttr("SEV2", stat)), stat + " " + mttr("SEV2", stat));
        }
        assertEquals(300, mttr("SEV3", "p90"));
    }

    private double mttr(String severity, String stat) {
        return registry.get("daff.incident.mttr.seconds").tag("severity", severity).tag("stat", stat).gauge().value();
    }

    private static MetaReview review(Map<String, DurationStats> mttrBySeverity) {
        DurationStats none = DurationStats.of(List.of());
        return new MetaReview(null, null, 0, Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), none, none, none,
                mttrBySeverity, none, List.of(), List.of(), null, List.of(), List.of(), List.of());
    }
}
