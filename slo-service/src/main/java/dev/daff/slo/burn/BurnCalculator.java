package dev.daff.slo.burn;

import java.time.Duration;
import java.time.Instant;

/**
 * Turns window counts into burn rates and budget, O(1) per SLO.
 *
 * <p><b>Exhaustion forecast.</b> At burn rate b the budget of a whole SLO period is spent in period / b, so
 * the remaining fraction r lasts r × period / b. This is linear on purpose: it ignores old errors leaving the
 * window, which makes it a little early, the safe side for a forecast shown to on-call. With b ≤ 1 the
 * budget is not forecast to run out at all: a sliding window at burn ≤ 1 settles at or above zero remaining,
 * so any instant would be made up, and the forecast is null. An already spent budget (r ≤ 0) is exhausted
 * now, whatever the current rate. The 1h rate is used because it is the shortest window that is not mostly
 * noise and the one the fast page tier watches.
 */
public final class BurnCalculator {

    private BurnCalculator() {
    }

    /**
     * Brings {@code windows} to {@code now} (it is cheap and a stale window would under-report) and reads the
     * burn.
     *
     * @param objectivePercent the SLO in percent, strictly between 0 and 100
     */
    public static BurnSnapshot snapshot(SliWindows windows, double objectivePercent, Instant now) {
        double errorBudget = errorBudget(objectivePercent);
        windows.advance(now);
        WindowBurn slo = burn(windows, windows.sloWindow(), errorBudget);
        WindowBurn oneHour = burn(windows, SliWindows.ONE_HOUR, errorBudget);
        double budgetRemaining = slo.total() == 0 ? 1.0 : 1.0 - slo.bad() / (slo.total() * errorBudget);
        double periodBudgetRemaining = BudgetForecast.periodRemaining(budgetRemaining, windows, now);
        return new BurnSnapshot(now, objectivePercent, errorBudget,
                burn(windows, SliWindows.FIVE_MINUTES, errorBudget),
                burn(windows, SliWindows.THIRTY_MINUTES, errorBudget),
                oneHour,
                burn(windows, SliWindows.TWO_HOURS, errorBudget),
                burn(windows, SliWindows.SIX_HOURS, errorBudget),
                burn(windows, SliWindows.ONE_DAY, errorBudget),
                burn(windows, SliWindows.THREE_DAYS, errorBudget),
                slo, budgetRemaining, 1.0 - budgetRemaining, periodBudgetRemaining,
                exhaustionAt(periodBudgetRemaining, oneHour.burnRate(), windows.sloWindow(), now),
                slo.tooFewEvents());
    }

    /** 1 − SLO as a ratio: 99.9 → 0.001. */
    public static double errorBudget(double objectivePercent) {
        if (!(objectivePercent > 0.0 && objectivePercent < 100.0)) {
            throw new IllegalArgumentException("objective must be in (0, 100) percent: " + objectivePercent);
        }
        return 1.0 - objectivePercent / 100.0;
    }

    static Instant exhaustionAt(double budgetRemaining, double burnRate, Duration period, Instant now) {
        if (budgetRemaining <= 0.0) {
            return now;
        }
        if (burnRate <= 1.0) {
            return null;
        }
        double seconds = budgetRemaining * period.toSeconds() / burnRate;
        return now.plusMillis(Math.round(seconds * 1000.0));
    }

    private static WindowBurn burn(SliWindows windows, Duration window, double errorBudget) {
        return WindowBurn.of(window, windows.good(window), windows.total(window), errorBudget);
    }
}
