package dev.daff.slo.burn;

import java.time.Instant;

/**
 * Whether a condition holds now, and the numbers to report with it; {@code exhaustionAt} only where the condition
 * has its own forecast (otherwise the snapshot's, at the 1h rate).
 */
record AlertSignal(boolean holds, String tier, double burnRateLong, double burnRateShort,
        double threshold, AlertTier sourceTier, Instant exhaustionAt) {

    AlertSignal(boolean holds, String tier, double burnRateLong, double burnRateShort, double threshold) {
        this(holds, tier, burnRateLong, burnRateShort, threshold, null, null);
    }

    Instant exhaustionAtOr(BurnSnapshot snapshot) {
        return exhaustionAt != null ? exhaustionAt : snapshot.exhaustionAt();
    }

    static AlertSignal quiet(BurnSnapshot snapshot) {
        return new AlertSignal(false, "", snapshot.oneHour().burnRate(), snapshot.fiveMinutes().burnRate(), 0.0);
    }

    static AlertSignal ofTier(boolean holds, AlertTier tier, BurnSnapshot snapshot) {
        return new AlertSignal(holds, tier.label(), snapshot.window(tier.longWindow()).burnRate(),
                snapshot.window(tier.shortWindow()).burnRate(), tier.burnFactor(), tier, null);
    }
}
