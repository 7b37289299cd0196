package dev.daff.slo.burn;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;

/**
 * The arithmetic of the budget alerts, kept apart so a plain test can check it to the second.
 *
 * <p><b>Time to exhaustion</b> is the linear forecast of {@link BurnCalculator}: at burn rate b a whole period's
 * budget lasts period / b, so the remaining fraction r lasts r × period / b. At b ≤ 1 nothing is forecast (a
 * sliding window at that rate never runs dry). A budget already spent (r ≤ 0) is exhausted now, but only while the
 * rate still exceeds 1: the alert is about the budget running out, and once nothing more is being overspent there
 * is nothing left for anyone to stop.
 *
 * <p><b>Budget dropped</b> is the share of a whole period's budget that the window's error ratio spends within the
 * window: burn rate × window / period. It is the drop a steady-traffic SLO sees in its remaining budget, without
 * the artefact of a young SLO, whose few days of events make a tiny budget that any error looks like a cliff in.
 */
public final class BudgetForecast {

    private BudgetForecast() {
    }

    /** How long the remaining budget lasts at {@code burnRate}; null when it is not forecast to run out. */
    public static Duration timeToExhaustion(double budgetRemaining, double burnRate, Duration period) {
        if (burnRate <= 1.0) {
            return null;
        }
        if (budgetRemaining <= 0.0) {
            return Duration.ZERO;
        }
        return Duration.ofMillis(Math.round(budgetRemaining * period.toMillis() / burnRate));
    }

    /**
     * The share of a whole period's budget left, for a forecast. The budget remaining is of the events seen, and an SLO
     * with less history than its period has seen only part of the period's events: what it spent counts for history /
     * period of the whole. A day-old 30-day SLO at burn 1.5 has spent 5 % of its period's budget, not 150 %: forecast
     * from the events seen, it was paged as exhausted now.
     */
    public static double periodRemaining(double budgetRemaining, SliWindows windows, Instant now) {
        Instant first = windows.firstEventMinute();
        if (first == null) {
            return budgetRemaining;
        }
        double seen = Math.min(1.0, Math.max(0, Duration.between(first, now).toSeconds())
                / (double) windows.sloWindow().toSeconds());
        return 1.0 - (1.0 - budgetRemaining) * seen;
    }

    /** Whether the budget runs out within {@code horizon} at {@code burnRate}. */
    public static boolean exhaustedWithin(double budgetRemaining, double burnRate, Duration period, Duration horizon) {
        Duration left = timeToExhaustion(budgetRemaining, burnRate, period);
        return left != null && left.compareTo(horizon) <= 0;
    }

    /** The share of a whole period's budget burned within {@code window} at that window's burn rate. */
    public static double droppedFraction(double burnRate, Duration window, Duration period) {
        return burnRate * window.toSeconds() / (double) period.toSeconds();
    }

    /**
     * "5%", "0.0123%": four significant digits, at most four decimals — the label is part of an alert's tier,
     * stored in 20 characters, and one that did not fit failed every evaluation of its SLO.
     */
    static String percentLabel(double fraction) {
        BigDecimal percent = new BigDecimal(fraction * 100);
        BigDecimal rounded = percent.round(new MathContext(4));
        if (rounded.scale() > 4) {
            rounded = percent.setScale(4, RoundingMode.HALF_UP);
        }
        return rounded.stripTrailingZeros().toPlainString() + "%";
    }
}
