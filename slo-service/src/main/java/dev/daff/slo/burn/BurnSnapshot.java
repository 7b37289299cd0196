package dev.daff.slo.burn;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The burn of one SLO at one instant: every alerting window and the budget over the SLO window.
 *
 * @param objectivePercent the SLO, e.g. 99.9
 * @param errorBudget      1 − SLO as a ratio, e.g. 0.001
 * @param budgetRemaining  1 − bad / (total × errorBudget) over the SLO window; 1.0 without events; negative
 *                         once the budget is overspent (by how much is worth showing, so it is not clamped)
 * @param consumedFraction 1 − budgetRemaining
 * @param periodBudgetRemaining the share of a whole period's budget left, which forecasts run from: of a young SLO,
 *                         what it spent counts for its history's share of the period ({@link BudgetForecast#periodRemaining})
 * @param exhaustionAt     when the remaining budget reaches zero at the current 1h burn rate; {@code at} when
 *                         it already has; null when the 1h burn rate is at most 1 (see {@link BurnCalculator})
 * @param tooFewEvents     the SLO window cannot hold one budgeted error: budget numbers are noise
 */
public record BurnSnapshot(Instant at, double objectivePercent, double errorBudget, WindowBurn fiveMinutes,
        WindowBurn thirtyMinutes, WindowBurn oneHour, WindowBurn twoHours, WindowBurn sixHours,
        WindowBurn oneDay, WindowBurn threeDays, WindowBurn sloWindow, double budgetRemaining,
        double consumedFraction, double periodBudgetRemaining, Instant exhaustionAt, boolean tooFewEvents) {

    /** The burn of {@code window}, one of the alerting windows or the SLO window. */
    public WindowBurn window(Duration window) {
        for (WindowBurn burn : windows()) {
            if (burn.window().equals(window)) {
                return burn;
            }
        }
        throw new IllegalArgumentException("no burn for window " + window);
    }

    public List<WindowBurn> windows() {
        return List.of(fiveMinutes, thirtyMinutes, oneHour, twoHours, sixHours, oneDay, threeDays, sloWindow);
    }
}
