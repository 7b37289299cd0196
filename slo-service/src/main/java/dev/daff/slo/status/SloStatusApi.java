package dev.daff.slo.status;

import java.time.Duration;
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

    /**
     * The exhaustion-time alerts' forecast: at the burn rate of {@code rateWindow}, the budget runs out in
     * {@code exhaustionIn} (null: not forecast to run out); TICKET within {@code ticketWithin}, PAGE within
     * {@code pageWithin}.
     */
    public record ExhaustionForecast(String rateWindow, double burnRate, Duration exhaustionIn, Instant exhaustionAt,
            Duration ticketWithin, Duration pageWithin) {
    }

    /** The budget-drop alert's figure: {@code droppedPercent} of the budget burned within {@code window}. */
    public record BudgetDrop(String window, double droppedPercent, double alertPercent, String severity) {
    }

    /**
     * @param exhaustionForecast null unless the SLO's exhaustion-time alerts are enabled
     * @param budgetDrop         null unless its budget-drop alert is enabled
     */
    public record SloStatus(String slo, double objective, String window, Events events, Budget budget,
            Map<String, Burn> burnRates, List<AlertView> activeAlerts, Instant exhaustionAt, boolean tooFewEvents,
            ExhaustionForecast exhaustionForecast, BudgetDrop budgetDrop) {
    }
}
