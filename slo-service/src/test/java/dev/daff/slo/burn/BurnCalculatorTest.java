package dev.daff.slo.burn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class BurnCalculatorTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:30Z");
    private static final Instant MINUTE = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void emptyWindowsBurnNothingAndKeepTheWholeBudget() {
        BurnSnapshot snapshot = BurnCalculator.snapshot(new SliWindows(Duration.ofDays(30)), 99.9, NOW);
        for (WindowBurn burn : snapshot.windows()) {
            assertEquals(0.0, burn.errorRatio());
            assertEquals(0.0, burn.burnRate());
            assertTrue(Double.isFinite(burn.burnRate()));
            assertTrue(burn.tooFewEvents());
        }
        assertEquals(1.0, snapshot.budgetRemaining());
        assertEquals(0.0, snapshot.consumedFraction());
        assertNull(snapshot.exhaustionAt());
        assertTrue(snapshot.tooFewEvents());
    }

    @Test
    void burnRateIsErrorRatioOverBudget() {
        SliWindows windows = new SliWindows(Duration.ofDays(30));
        windows.add(MINUTE, 990, 1_000);
        BurnSnapshot snapshot = BurnCalculator.snapshot(windows, 99.9, NOW);
        assertEquals(0.01, snapshot.fiveMinutes().errorRatio(), 1e-12);
        assertEquals(10.0, snapshot.fiveMinutes().burnRate(), 1e-9);
        assertEquals(10.0, snapshot.window(SliWindows.THREE_DAYS).burnRate(), 1e-9);
        assertFalse(snapshot.fiveMinutes().tooFewEvents());
    }

    @Test
    void overspentBudgetGoesNegativeAndIsExhaustedNow() {
        SliWindows windows = new SliWindows(Duration.ofDays(30));
        windows.advance(NOW);
        windows.add(MINUTE.minus(Duration.ofDays(30)), 1, 1); // a whole period of history
        windows.add(MINUTE, 997, 999);
        BurnSnapshot snapshot = BurnCalculator.snapshot(windows, 99.9, NOW);
        assertEquals(-1.0, snapshot.budgetRemaining(), 1e-9);
        assertEquals(2.0, snapshot.consumedFraction(), 1e-9);
        assertEquals(NOW, snapshot.exhaustionAt());
    }

    /**
     * The same minute as an SLO's first: what it spent is of the events seen, a sliver of its period's, which at the
     * hour's burn of 2 lasts about 15 days. Before, it was forecast exhausted now.
     */
    @Test
    void aYoungSlosForecastIsOfItsPeriodsBudget() {
        SliWindows windows = new SliWindows(Duration.ofDays(30));
        windows.add(MINUTE, 998, 1_000);
        BurnSnapshot snapshot = BurnCalculator.snapshot(windows, 99.9, NOW);
        assertEquals(-1.0, snapshot.budgetRemaining(), 1e-9, "the budget of the events seen is overspent");
        // 30 s of a 30-day period at burn 2 spent 1/43,200 of its budget: the rest lasts 15 days less 30 s
        assertEquals(Duration.ofDays(15).minusSeconds(30).toMillis(),
                Duration.between(NOW, snapshot.exhaustionAt()).toMillis(), 1.0);
    }

    @Test
    void exhaustionIsRemainingBudgetAtTheOneHourBurnRate() {
        SliWindows windows = new SliWindows(Duration.ofDays(30));
        windows.advance(NOW);
        windows.add(MINUTE.minus(Duration.ofDays(30)), 1, 1); // a whole period of history
        windows.add(MINUTE.minus(Duration.ofDays(2)), 179_999, 179_999);
        windows.add(MINUTE.minus(Duration.ofMinutes(10)), 59_880, 60_000); // 1h burn 2
        BurnSnapshot snapshot = BurnCalculator.snapshot(windows, 99.9, NOW);
        assertEquals(2.0, snapshot.oneHour().burnRate(), 1e-9);
        assertEquals(0.5, snapshot.budgetRemaining(), 1e-9);
        // half a 30-day budget at twice the sustainable rate lasts 7.5 days
        assertEquals(NOW.plus(Duration.ofHours(180)), snapshot.exhaustionAt());
    }

    @Test
    void noForecastAtSustainableBurn() {
        SliWindows windows = new SliWindows(Duration.ofDays(30));
        windows.add(MINUTE, 9_995, 10_000); // burn 0.5
        assertNull(BurnCalculator.snapshot(windows, 99.9, NOW).exhaustionAt());
    }

    @Test
    void tooFewEventsWhenTheWindowCannotHoldOneBudgetedError() {
        SliWindows windows = new SliWindows(Duration.ofDays(30));
        windows.add(MINUTE, 999, 999);
        assertTrue(BurnCalculator.snapshot(windows, 99.9, NOW).tooFewEvents());
        windows.add(MINUTE, 1, 1);
        assertFalse(BurnCalculator.snapshot(windows, 99.9, NOW).tooFewEvents());
    }
}
