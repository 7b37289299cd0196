package dev.daff.incident.review;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.scheduler.Scheduled;

import dev.daff.incident.lifecycle.Severity;
import dev.daff.incident.review.MetaReviewApi.MetaReview;

/**
 * The meta-review's headline numbers as gauges over a rolling window ({@code daff.meta-review.metrics-window}),
 * recomputed on a schedule from the same code as {@code GET /api/meta-review}, so dashboards and the API agree:
 * {@code daff_incident_mttr_seconds{severity,stat}}, {@code daff_incident_mttd_seconds{stat}},
 * {@code daff_incident_mtta_seconds{stat}} (stat = mean, p50, p90), and {@code daff_incident_unfinalised_overdue}: every
 * incident not FINALISED {@code unfinalised-after} after its detection, whenever that was.
 */
@ApplicationScoped
public class MetaReviewMetrics {

    private final MetaReviewService review;
    private final MetaReviewConfig config;
    private final MeterRegistry registry;
    private final Map<String, Double> values = new ConcurrentHashMap<>();

    public MetaReviewMetrics(MetaReviewService review, MetaReviewConfig config, MeterRegistry registry) {
        this.review = review;
        this.config = config;
        this.registry = registry;
    }

    @Scheduled(every = "${daff.meta-review.metrics-interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        publish(review.review(null, null, config.metricsWindow()));
        // Not the window's: an incident left unfinalised for longer than the window dropped out of it, and the count
        // of overdue incidents went down as the backlog got older.
        set("daff.incident.unfinalised.overdue", Tags.empty(), (double) review.unfinalisedOverdue());
    }

    /**
     * Sets every gauge from one meta-review. Each severity has its MTTR gauges from the start, and one with no resolved
     * incident in the window reads NaN (no data): only the severities in the review were set, so once the window slid
     * past a severity's last incident its gauges went on showing that incident's figures.
     */
    void publish(MetaReview current) {
        stats("daff.incident.mttd.seconds", Tags.empty(), current.mttd());
        stats("daff.incident.mtta.seconds", Tags.empty(), current.mtta());
        for (Severity severity : Severity.values()) {
            stats("daff.incident.mttr.seconds", Tags.of("severity", severity.name()),
                    current.mttrBySeverity().getOrDefault(severity.name(), DurationStats.of(List.of())));
        }
    }

    private void stats(String name, Tags tags, DurationStats stats) {
        set(name, tags.and("stat", "mean"), stats.meanSeconds());
        set(name, tags.and("stat", "p50"), stats.p50Seconds());
        set(name, tags.and("stat", "p90"), stats.p90Seconds());
    }

    private void set(String name, Tags tags, Double value) {
        String key = name + tags;
        if (values.put(key, value == null ? Double.NaN : value) == null) {
            Gauge.builder(name, values, v -> v.getOrDefault(key, Double.NaN)).tags(tags).register(registry);
        }
    }
}
