package dev.daff.slo.burn;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The budget alerts an SLO may add to the Workbook tiers, as Honeycomb and Nobl9 users know them; both are off
 * unless enabled.
 *
 * <ul>
 * <li><b>Exhaustion time</b>: at the burn rate of {@code exhaustionRateWindow} (6 h by default) the remaining
 * budget runs out within {@code ticketWithin} (24 h) → TICKET, within {@code pageWithin} (4 h) → PAGE.</li>
 * <li><b>Budget drop</b>: {@code dropFraction} (5 %) or more of a whole period's budget burned within
 * {@code dropWindow} (1 h), at that window's error ratio → {@code dropSeverity}.</li>
 * </ul>
 *
 * @param exhaustionEnabled    whether BUDGET_EXHAUSTION is evaluated
 * @param exhaustionRateWindow the window whose burn rate forecasts exhaustion; one of the alerting windows
 * @param ticketWithin         a forecast exhaustion this close opens a ticket
 * @param pageWithin           a forecast exhaustion this close pages
 * @param dropEnabled          whether BUDGET_DROP is evaluated
 * @param dropFraction         the share of the period's budget, in (0, 1]
 * @param dropWindow           the window it must be burned in; one of the alerting windows
 * @param dropSeverity         who hears of it
 */
public record BudgetAlerts(boolean exhaustionEnabled, Duration exhaustionRateWindow, Duration ticketWithin,
        Duration pageWithin, boolean dropEnabled, double dropFraction, Duration dropWindow, Severity dropSeverity) {

    public static final Duration DEFAULT_RATE_WINDOW = SliWindows.SIX_HOURS;
    public static final Duration DEFAULT_TICKET_WITHIN = Duration.ofHours(24);
    public static final Duration DEFAULT_PAGE_WITHIN = Duration.ofHours(4);
    public static final double DEFAULT_DROP_FRACTION = 0.05;
    public static final Duration DEFAULT_DROP_WINDOW = SliWindows.ONE_HOUR;
    public static final Severity DEFAULT_DROP_SEVERITY = Severity.TICKET;

    /** Windows the running sums can read besides the SLO window itself. */
    public static final List<Duration> RATE_WINDOWS = List.of(SliWindows.FIVE_MINUTES, SliWindows.THIRTY_MINUTES,
            SliWindows.ONE_HOUR, SliWindows.TWO_HOURS, SliWindows.SIX_HOURS, SliWindows.ONE_DAY, SliWindows.THREE_DAYS);

    /** Neither alert: what an SLO gets unless it asks. */
    public static final BudgetAlerts NONE = new BudgetAlerts(false, DEFAULT_RATE_WINDOW, DEFAULT_TICKET_WITHIN,
            DEFAULT_PAGE_WITHIN, false, DEFAULT_DROP_FRACTION, DEFAULT_DROP_WINDOW, DEFAULT_DROP_SEVERITY);

    public BudgetAlerts {
        Objects.requireNonNull(dropSeverity, "dropSeverity");
        if (!RATE_WINDOWS.contains(exhaustionRateWindow)) {
            throw new IllegalArgumentException("exhaustion rate window must be one of " + RATE_WINDOWS + ": "
                    + exhaustionRateWindow);
        }
        if (!RATE_WINDOWS.contains(dropWindow)) {
            throw new IllegalArgumentException("drop window must be one of " + RATE_WINDOWS + ": " + dropWindow);
        }
        if (!positive(ticketWithin) || !positive(pageWithin)) {
            throw new IllegalArgumentException("exhaustion horizons must be positive: " + ticketWithin + ", " + pageWithin);
        }
        if (!(dropFraction > 0.0 && dropFraction <= 1.0)) {
            throw new IllegalArgumentException("drop fraction must be in (0, 1]: " + dropFraction);
        }
    }

    private static boolean positive(Duration duration) {
        return duration != null && !duration.isNegative() && !duration.isZero();
    }

    /** "24h@6h": exhausted within 24 h at the 6 h rate. */
    public String exhaustionLabel(Severity severity) {
        return WindowLabels.of(severity == Severity.PAGE ? pageWithin : ticketWithin) + "@"
                + WindowLabels.of(exhaustionRateWindow);
    }

    /** "5%/1h". */
    public String dropLabel() {
        return BudgetForecast.percentLabel(dropFraction) + "/" + WindowLabels.of(dropWindow);
    }
}
