package dev.daff.slo.burn;

import java.time.Duration;

/** The conditions of the budget alerts ({@link BudgetAlerts}) for {@link AlertEvaluator}. */
final class BudgetSignals {

    private BudgetSignals() {
    }

    /**
     * Exhaustion within the severity's horizon at the rate window's burn rate; like a tier, judged only with at least
     * {@code minEvents} events in the rate window.
     */
    static AlertSignal exhaustion(SloAlertSettings settings, Severity severity, BurnSnapshot snapshot,
            SliWindows windows) {
        BudgetAlerts budget = settings.budgetAlerts();
        WindowBurn rate = snapshot.window(budget.exhaustionRateWindow());
        Duration horizon = severity == Severity.PAGE ? budget.pageWithin() : budget.ticketWithin();
        Duration left = BudgetForecast.timeToExhaustion(snapshot.periodBudgetRemaining(), rate.burnRate(),
                windows.sloWindow());
        boolean holds = rate.total() >= settings.minEvents() && left != null && left.compareTo(horizon) <= 0;
        return new AlertSignal(holds, budget.exhaustionLabel(severity), rate.burnRate(), snapshot.oneHour().burnRate(),
                horizon.toSeconds() / 3600.0, null, left == null ? null : snapshot.at().plus(left));
    }

    /** A share of the period's budget burned within the drop window, with at least {@code minEvents} events in it. */
    static AlertSignal drop(SloAlertSettings settings, BurnSnapshot snapshot, Duration period) {
        BudgetAlerts budget = settings.budgetAlerts();
        WindowBurn window = snapshot.window(budget.dropWindow());
        boolean holds = window.total() >= settings.minEvents() && BudgetForecast.droppedFraction(window.burnRate(),
                budget.dropWindow(), period) >= budget.dropFraction();
        return new AlertSignal(holds, budget.dropLabel(), window.burnRate(), snapshot.fiveMinutes().burnRate(),
                budget.dropFraction());
    }
}
