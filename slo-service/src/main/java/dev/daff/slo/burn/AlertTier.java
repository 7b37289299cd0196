package dev.daff.slo.burn;

import java.time.Duration;

/**
 * One multiwindow burn-rate condition of the SRE Workbook (ch. 5, table 5-8): fire when both the long and
 * the short window burn faster than {@code burnFactor} — the rate that spends {@code budgetFraction} of the
 * whole budget within the long window.
 */
public record AlertTier(String severity, Duration longWindow, Duration shortWindow, double budgetFraction,
        double burnFactor) {

    /** The Workbook's name for the tier: "1h/5m". */
    public String label() {
        return WindowLabels.of(longWindow) + "/" + WindowLabels.of(shortWindow);
    }

    /** The error ratio both windows must exceed: burnFactor × (1 − SLO). */
    public double threshold(double errorBudget) {
        return burnFactor * errorBudget;
    }

    /**
     * factor = budget fraction × SLO period / long window: 2 % of a 30-day budget in 1 h is 14.4, of a
     * 7-day budget 3.36.
     */
    public static AlertTier of(String severity, Duration period, Duration longWindow, Duration shortWindow,
            double budgetFraction) {
        double factor = budgetFraction * period.toSeconds() / (double) longWindow.toSeconds();
        return new AlertTier(severity, longWindow, shortWindow, budgetFraction, factor);
    }
}
