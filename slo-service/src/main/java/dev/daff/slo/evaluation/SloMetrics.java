package dev.daff.slo.evaluation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.daff.slo.burn.BurnSnapshot;
import dev.daff.slo.burn.SliWindows;
import dev.daff.slo.burn.WindowLabels;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import io.quarkus.runtime.StartupEvent;

/**
 * Every SLO's Prometheus gauges — burn rate per paging window, budget remaining, alerts firing — written at scrape
 * time from what the evaluator holds, for the SLOs this replica evaluates only (summing over replicas never counts an
 * SLO twice). One collector instead of nine Micrometer gauges per SLO: with 10,000 SLOs those were 90,000 meters and
 * tens of megabytes of ids and tags, registered one by one at start-up.
 */
@ApplicationScoped
public class SloMetrics extends Collector {

    private static final List<Duration> WINDOWS = List.of(SliWindows.FIVE_MINUTES, SliWindows.THIRTY_MINUTES,
            SliWindows.ONE_HOUR, SliWindows.TWO_HOURS, SliWindows.SIX_HOURS, SliWindows.ONE_DAY, SliWindows.THREE_DAYS);
    private static final List<String> WINDOW_LABELS = WINDOWS.stream().map(WindowLabels::of).toList();

    private final SloEvaluator evaluator;

    public SloMetrics(SloEvaluator evaluator) {
        this.evaluator = evaluator;
    }

    /** With the registry the scrape reads: an injected {@code CollectorRegistry} was not that one. */
    void register(@Observes StartupEvent startup, PrometheusMeterRegistry prometheus) {
        prometheus.getPrometheusRegistry().register(this);
    }

    @Override
    public List<MetricFamilySamples> collect() {
        GaugeMetricFamily burnRate = new GaugeMetricFamily("daff_slo_burn_rate",
                "Error rate over the window divided by the error budget (1 = burning exactly the budget)",
                List.of("slo", "window"));
        GaugeMetricFamily budgetRemaining = new GaugeMetricFamily("daff_slo_budget_remaining",
                "Share of the SLO window's error budget left (negative once overspent)", List.of("slo"));
        GaugeMetricFamily firing = new GaugeMetricFamily("daff_slo_alerts_firing",
                "Alert episodes of the SLO firing now", List.of("slo"));
        for (SloEvaluator.Evaluated slo : evaluator.evaluated()) {
            firing.addMetric(List.of(slo.name()), slo.firing().size());
            BurnSnapshot snapshot = slo.snapshot();
            if (snapshot == null) {
                continue; // loaded, not evaluated yet
            }
            for (int i = 0; i < WINDOWS.size(); i++) {
                burnRate.addMetric(List.of(slo.name(), WINDOW_LABELS.get(i)), snapshot.window(WINDOWS.get(i)).burnRate());
            }
            budgetRemaining.addMetric(List.of(slo.name()), snapshot.budgetRemaining());
        }
        List<MetricFamilySamples> families = new ArrayList<>(3);
        families.add(burnRate);
        families.add(budgetRemaining);
        families.add(firing);
        return families;
    }
}
