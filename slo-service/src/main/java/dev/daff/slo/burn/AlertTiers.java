package dev.daff.slo.burn;

import java.time.Duration;
import java.util.List;

/**
 * The four Workbook tiers for one SLO, scaled to its period: two that page (1h/5m, 6h/30m) and two that
 * open a ticket (1d/2h, 3d/6h).
 */
public record AlertTiers(AlertTier pageFast, AlertTier pageSlow, AlertTier ticketFast, AlertTier ticketSlow) {

    public static final double DEFAULT_PAGE_FAST = 0.02;
    public static final double DEFAULT_PAGE_SLOW = 0.05;
    public static final double DEFAULT_TICKET_FAST = 0.10;
    public static final double DEFAULT_TICKET_SLOW = 0.10;

    public static AlertTiers forPeriod(Duration period, double pageFast, double pageSlow, double ticketFast,
            double ticketSlow) {
        // The windows' shared constants, not new ones per SLO: a replica holds the tiers of 10,000 SLOs.
        return new AlertTiers(
                AlertTier.of("PAGE", period, SliWindows.ONE_HOUR, SliWindows.FIVE_MINUTES, pageFast),
                AlertTier.of("PAGE", period, SliWindows.SIX_HOURS, SliWindows.THIRTY_MINUTES, pageSlow),
                AlertTier.of("TICKET", period, SliWindows.ONE_DAY, SliWindows.TWO_HOURS, ticketFast),
                AlertTier.of("TICKET", period, SliWindows.THREE_DAYS, SliWindows.SIX_HOURS, ticketSlow));
    }

    /**
     * The slowest burn a page tier fires at: a tier fires when the error ratio passes factor × error budget, and no
     * error ratio passes 1, so an SLO whose budget is 1 / this or more can never page.
     */
    public double slowestPagingBurn() {
        return Math.min(pageFast.burnFactor(), pageSlow.burnFactor());
    }

    public List<AlertTier> all() {
        return List.of(pageFast, pageSlow, ticketFast, ticketSlow);
    }
}
