package dev.daff.slo.evaluation;

import java.time.Instant;

/** What the alert and ticket lists answer. */
public final class AlertApi {

    private AlertApi() {
    }

    public record AlertView(String alertId, String dedupKey, String slo, String severity, String kind, String tier,
            String state, double burnRateLong, double burnRateShort, double threshold, double budgetRemaining,
            Instant exhaustionAt, Instant firedAt, Instant resolvedAt) {

        static AlertView of(SloAlert alert) {
            return new AlertView(alert.alertId, alert.dedupKey, alert.sloName, alert.severity, alert.kind, alert.tier,
                    alert.resolvedAt == null ? "FIRING" : "RESOLVED", alert.burnRateLong, alert.burnRateShort,
                    alert.threshold, alert.budgetRemaining, alert.exhaustionAt, alert.firedAt, alert.resolvedAt);
        }
    }
}
