package dev.daff.slo.burn;

import java.time.Instant;

/**
 * An alert firing or resolving. FIRED and RESOLVED of one episode share {@code alertId} and {@code dedupKey}.
 *
 * @param dedupKey       slo:severity:kind:epoch-second of firedAt — stable for the episode, new for the next
 * @param tier           BURN_RATE: the tier that fired, "1h/5m"; NO_DATA: the silence that fires, "15m";
 *                       VOLUME_DROP: "30m/24h"; BUDGET_EXHAUSTION: horizon@rate window, "4h@6h";
 *                       BUDGET_DROP: share/window, "5%/1h"
 * @param burnRateLong   BURN_RATE: the tier's long-window burn rate; BUDGET_EXHAUSTION: the rate window's;
 *                       BUDGET_DROP: the drop window's; other kinds: the 1h burn rate, as context
 * @param burnRateShort  BURN_RATE: the tier's short-window burn rate; BUDGET_EXHAUSTION: the 1h burn rate; other
 *                       kinds: the 5m burn rate
 * @param threshold      BURN_RATE: the tier's burn factor; VOLUME_DROP: the volume ratio; NO_DATA: 0;
 *                       BUDGET_EXHAUSTION: the horizon in hours; BUDGET_DROP: the share of the budget (0.05)
 * @param budgetRemaining budget remaining over the SLO window when this transition happened
 * @param exhaustionAt   forecast budget exhaustion when this transition happened, or null (BUDGET_EXHAUSTION: at
 *                       the rate window's burn rate; other kinds: at the 1h rate)
 * @param resolvedAt     null when FIRED
 */
public record AlertTransition(TransitionType type, String alertId, String dedupKey, String slo,
        Severity severity, AlertKind kind, String tier, double burnRateLong, double burnRateShort,
        double threshold, double budgetRemaining, Instant exhaustionAt, Instant firedAt, Instant resolvedAt) {

    public static String dedupKey(String slo, Severity severity, AlertKind kind, Instant firedAt) {
        return slo + ":" + severity + ":" + kind + ":" + firedAt.getEpochSecond();
    }
}
