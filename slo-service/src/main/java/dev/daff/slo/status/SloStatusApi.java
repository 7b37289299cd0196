package dev.daff.slo.status;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.daff.slo.evaluation.AlertApi.AlertView;

/** What the SLO status endpoint answers. */
public final class SloStatusApi {

    private SloStatusApi() {
    }

    /** Events counted over the SLO window. */
    public record Events(long good, long total) {
    }

    public record Budget(double remaining, double consumedFraction) {
    }

    /** Error ratio and burn rate of one window ("5m", "1h", ..., and the SLO window itself). */
    public record Burn(double errorRatio, double burnRate, long total) {
    }

    public record SloStatus(String slo, double objective, String window, Events events, Budget budget,
            Map<String, Burn> burnRates, List<AlertView> activeAlerts, Instant exhaustionAt, boolean tooFewEvents) {
    }
}
