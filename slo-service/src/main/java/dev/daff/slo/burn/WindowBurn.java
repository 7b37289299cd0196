package dev.daff.slo.burn;

import java.time.Duration;

/**
 * How fast one window spends the error budget.
 *
 * @param errorRatio   bad / total; 0 for an empty window (no events is no evidence of errors)
 * @param burnRate     errorRatio / (1 − SLO): 1 spends exactly the budget over the SLO period
 * @param tooFewEvents (1 − SLO) × total &lt; 1: the window cannot hold even one budgeted error, so a single
 *                     failure is a burn rate above 1 and the ratio says little
 */
public record WindowBurn(Duration window, long good, long total, double errorRatio, double burnRate,
        boolean tooFewEvents) {

    /** Slack for the budget's binary rounding: (1 − 0.999) × 1000 is 0.99999…, yet one error fits. */
    private static final double ROUNDING = 1e-9;

    public static WindowBurn of(Duration window, long good, long total, double errorBudget) {
        long bad = total - good;
        double errorRatio = total == 0 ? 0.0 : bad / (double) total;
        return new WindowBurn(window, good, total, errorRatio, errorRatio / errorBudget,
                errorBudget * total < 1.0 - ROUNDING);
    }

    public long bad() {
        return total - good;
    }
}
