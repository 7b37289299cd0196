package dev.daff.slo.burn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class AlertTiersTest {

    private static AlertTiers defaults(Duration period) {
        return AlertTiers.forPeriod(period, AlertTiers.DEFAULT_PAGE_FAST, AlertTiers.DEFAULT_PAGE_SLOW,
                AlertTiers.DEFAULT_TICKET_FAST, AlertTiers.DEFAULT_TICKET_SLOW);
    }

    @Test
    void workbookFactorsForThirtyDays() {
        AlertTiers tiers = defaults(Duration.ofDays(30));
        assertEquals(14.4, tiers.pageFast().burnFactor(), 1e-9);
        assertEquals(6.0, tiers.pageSlow().burnFactor(), 1e-9);
        assertEquals(3.0, tiers.ticketFast().burnFactor(), 1e-9);
        assertEquals(1.0, tiers.ticketSlow().burnFactor(), 1e-9);
        assertEquals(0.0144, tiers.pageFast().threshold(0.001), 1e-12);
    }

    @Test
    void factorsScaleWithTwentyEightDays() {
        AlertTiers tiers = defaults(Duration.ofDays(28));
        assertEquals(13.44, tiers.pageFast().burnFactor(), 1e-9);
        assertEquals(5.6, tiers.pageSlow().burnFactor(), 1e-9);
        assertEquals(2.8, tiers.ticketFast().burnFactor(), 1e-9);
        assertEquals(28.0 / 30.0, tiers.ticketSlow().burnFactor(), 1e-9);
    }

    @Test
    void factorsScaleWithSevenDays() {
        AlertTiers tiers = defaults(Duration.ofDays(7));
        assertEquals(3.36, tiers.pageFast().burnFactor(), 1e-9);
        assertEquals(1.4, tiers.pageSlow().burnFactor(), 1e-9);
        assertEquals(0.7, tiers.ticketFast().burnFactor(), 1e-9);
        assertEquals(0.7 / 3.0, tiers.ticketSlow().burnFactor(), 1e-9);
    }

    @Test
    void labelsAreTheWorkbookNames() {
        AlertTiers tiers = defaults(Duration.ofDays(30));
        assertEquals("1h/5m", tiers.pageFast().label());
        assertEquals("6h/30m", tiers.pageSlow().label());
        assertEquals("1d/2h", tiers.ticketFast().label());
        assertEquals("3d/6h", tiers.ticketSlow().label());
    }
}
