package dev.daff.slo.burn;

import java.time.Duration;
import java.util.Objects;

/**
 * What the evaluator needs to know about one SLO.
 *
 * @param slo                the SLO's name, unique among those evaluated
 * @param objectivePercent   e.g. 99.9
 * @param tiers              the burn-rate tiers, scaled to the SLO period
 * @param minEvents          a tier whose long window holds fewer events does not fire: a handful of requests
 *                           with one failure is not an outage
 * @param noDataAfter        silence after the last event minute that fires NO_DATA
 * @param volumeDropEnabled  whether VOLUME_DROP is evaluated
 * @param volumeDropRatio    fire when the last 30 minutes hold fewer than this × the usual 30 minutes
 * @param volumeDropSeverity who hears of a volume drop; TICKET unless traffic is the SLO's whole point
 * @param budgetAlerts       the exhaustion-time and budget-drop alerts, {@link BudgetAlerts#NONE} unless enabled
 */
public record SloAlertSettings(String slo, double objectivePercent, AlertTiers tiers, long minEvents,
        Duration noDataAfter, boolean volumeDropEnabled, double volumeDropRatio, Severity volumeDropSeverity,
        BudgetAlerts budgetAlerts) {

    public SloAlertSettings {
        Objects.requireNonNull(slo, "slo");
        Objects.requireNonNull(budgetAlerts, "budgetAlerts");
        Objects.requireNonNull(tiers, "tiers");
        Objects.requireNonNull(volumeDropSeverity, "volumeDropSeverity");
        BurnCalculator.errorBudget(objectivePercent); // validates the range
        if (minEvents < 0) {
            throw new IllegalArgumentException("minEvents must be >= 0: " + minEvents);
        }
        if (noDataAfter == null || noDataAfter.isNegative() || noDataAfter.isZero()) {
            throw new IllegalArgumentException("noDataAfter must be positive: " + noDataAfter);
        }
        if (volumeDropEnabled && !(volumeDropRatio > 0.0 && volumeDropRatio < 1.0)) {
            throw new IllegalArgumentException("volumeDropRatio must be in (0, 1): " + volumeDropRatio);
        }
    }

    /** Without budget alerts. */
    public SloAlertSettings(String slo, double objectivePercent, AlertTiers tiers, long minEvents,
            Duration noDataAfter, boolean volumeDropEnabled, double volumeDropRatio, Severity volumeDropSeverity) {
        this(slo, objectivePercent, tiers, minEvents, noDataAfter, volumeDropEnabled, volumeDropRatio,
                volumeDropSeverity, BudgetAlerts.NONE);
    }

    /** Volume drops open a ticket. */
    public SloAlertSettings(String slo, double objectivePercent, AlertTiers tiers, long minEvents,
            Duration noDataAfter, boolean volumeDropEnabled, double volumeDropRatio) {
        this(slo, objectivePercent, tiers, minEvents, noDataAfter, volumeDropEnabled, volumeDropRatio,
                Severity.TICKET);
    }

    public double errorBudget() {
        return BurnCalculator.errorBudget(objectivePercent);
    }
}
