package dev.daff.slo.evaluation;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

import dev.daff.slo.burn.BurnSnapshot;
import dev.daff.slo.burn.SliWindows;
import dev.daff.slo.burn.WindowLabels;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * An SLO's Prometheus gauges: burn rate per paging window, budget remaining and alerts firing. A replica that does
 * not evaluate the SLO reports NaN (no sample), so summing over replicas never counts an SLO twice.
 */
final class SloGauges {

    private static final List<Duration> WINDOWS = List.of(SliWindows.FIVE_MINUTES, SliWindows.THIRTY_MINUTES,
            SliWindows.ONE_HOUR, SliWindows.TWO_HOURS, SliWindows.SIX_HOURS, SliWindows.ONE_DAY, SliWindows.THREE_DAYS);

    private SloGauges() {
    }

    static void register(MeterRegistry registry, String slo, Function<String, Optional<BurnSnapshot>> latest,
            ToDoubleFunction<String> firing) {
        for (Duration window : WINDOWS) {
            Gauge.builder("daff.slo.burn.rate", () -> latest.apply(slo).map(s -> s.window(window).burnRate()).orElse(Double.NaN))
                    .tags(Tags.of("slo", slo, "window", WindowLabels.of(window))).register(registry);
        }
        Gauge.builder("daff.slo.budget.remaining", () -> latest.apply(slo).map(BurnSnapshot::budgetRemaining).orElse(Double.NaN))
                .tags(Tags.of("slo", slo)).register(registry);
        Gauge.builder("daff.slo.alerts.firing", () -> firing.applyAsDouble(slo)).tags(Tags.of("slo", slo)).register(registry);
    }
}
