package dev.daff.slo.history;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the SLO history endpoint answers. */
public final class HistoryApi {

    private HistoryApi() {
    }

    /** Error ratio and burn rate of one alert window ending at a step; {@code total} is the events it holds. */
    public record WindowPoint(double errorRatio, double burnRate, long total) {
    }

    /**
     * The figures at one step: the budget left over the SLO window ending {@code at} (1 with no events, negative
     * once overspent) and each alert window ("5m" … "3d").
     */
    public record HistoryPoint(Instant at, double budgetRemaining, long good, long total,
            Map<String, WindowPoint> windows) {
    }

    /** {@code step} in whole seconds; {@code stepWidened} says the step was chosen by the service, not asked for. */
    public record SloHistory(String slo, double objective, String window, Instant from, Instant to, long stepSeconds,
            boolean stepWidened, List<HistoryPoint> points) {
    }
}
