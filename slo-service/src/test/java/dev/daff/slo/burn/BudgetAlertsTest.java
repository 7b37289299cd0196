package dev.daff.slo.burn;

import static dev.daff.slo.burn.AlertKind.BUDGET_DROP;
import static dev.daff.slo.burn.AlertKind.BUDGET_EXHAUSTION;
import static dev.daff.slo.burn.AlertKind.BURN_RATE;
import static dev.daff.slo.burn.Severity.PAGE;
import static dev.daff.slo.burn.Severity.TICKET;
import static dev.daff.slo.burn.TransitionType.FIRED;
import static dev.daff.slo.burn.TransitionType.RESOLVED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The exhaustion-time and budget-drop alerts, minute by minute for a 99.9 % 30-day SLO at 1000 events a minute. Each
 * expected minute is computed here from the counts, independently of the evaluator, and the alert must not fire a
 * minute earlier.
 */
class BudgetAlertsTest {

    private static final Duration PERIOD = Duration.ofDays(30);
    private static final Instant START = Instant.parse("2026-01-05T00:00:00Z");
    private static final int HISTORY_MINUTES = 8 * 60;

    /** Tiers at 100 % of the budget, so that only the budget alerts under test can fire. */
    private static final AlertTiers QUIET_TIERS = AlertTiers.forPeriod(PERIOD, 1.0, 1.0, 1.0, 1.0);

    private static SloAlertSettings settings(AlertTiers tiers, BudgetAlerts budget) {
        return new SloAlertSettings("checkout", 99.9, tiers, 1, Duration.ofMinutes(15), false, 0.5, TICKET, budget);
    }

    @Test
    void everyDropLabelFitsTheTierItIsStoredAs() {
        // slo_alert.tier and page.tier are varchar(20): a longer label failed every evaluation of its SLO, burn pages too.
        for (double fraction : new double[] { 1.234e-13, 1.2345e-6, 0.000123456, 0.0001, 0.123456, 0.999999, 1.0 }) {
            BudgetAlerts alerts = new BudgetAlerts(false, Duration.ofHours(6), Duration.ofHours(24), Duration.ofHours(4),
                    true, fraction, Duration.ofMinutes(30), TICKET);
            assertTrue(alerts.dropLabel().length() <= 20, alerts.dropLabel());
        }
        assertEquals("0.0123%/3d", new BudgetAlerts(false, Duration.ofHours(6), Duration.ofHours(24),
                Duration.ofHours(4), true, 0.000123456, Duration.ofDays(3), TICKET).dropLabel());
    }

    private static BudgetAlerts exhaustion() {
        return new BudgetAlerts(true, Duration.ofHours(6), Duration.ofHours(24), Duration.ofHours(4), false, 0.05,
                Duration.ofHours(1), TICKET);
    }

    private static BudgetAlerts drop(Severity severity) {
        return new BudgetAlerts(false, Duration.ofHours(6), Duration.ofHours(24), Duration.ofHours(4), true, 0.05,
                Duration.ofHours(1), severity);
    }

    /** One SLO fed a minute at a time and evaluated at the end of each minute; keeps the counts for the prediction. */
    private static final class Minutes {
        final SliWindows windows = new SliWindows(PERIOD);
        final AlertEvaluator evaluator = new AlertEvaluator();
        final SloAlertSettings settings;
        final List<long[]> counts = new ArrayList<>(); // {good, total} per minute from START
        final List<AlertTransition> transitions = new ArrayList<>();

        Minutes(SloAlertSettings settings) {
            this(settings, HISTORY_MINUTES, 0);
        }

        /** {@code historyMinutes} of history with {@code bad} of each minute's 1000 events failed, quiet throughout. */
        Minutes(SloAlertSettings settings, int historyMinutes, long bad) {
            this.settings = settings;
            for (int i = 0; i < historyMinutes; i++) {
                assertEquals(List.of(), minute(bad), "traffic within the budget raises nothing");
            }
        }

        List<AlertTransition> minute(long bad) {
            Instant minute = START.plusSeconds(60L * counts.size());
            counts.add(new long[] { 1000 - bad, 1000 });
            windows.add(minute, 1000 - bad, 1000);
            List<AlertTransition> now = evaluator.evaluate(settings, windows, minute.plusSeconds(59), true);
            transitions.addAll(now);
            return now;
        }

        /** Bad / total over the last {@code minutes} + 1 buckets: a window holds the current minute and W before. */
        double errorRatio(int minutes) {
            long bad = 0;
            long total = 0;
            for (int i = Math.max(0, counts.size() - minutes - 1); i < counts.size(); i++) {
                bad += counts.get(i)[1] - counts.get(i)[0];
                total += counts.get(i)[1];
            }
            return bad / (double) total;
        }

        /**
         * The share of the period's budget left, as the forecast takes it: what the history (all of it inside the
         * 30-day window) spent counts for its share of the period, up to the evaluation at the last minute's 59th second.
         */
        double budgetRemaining() {
            double seen = Math.min(1.0, (60.0 * counts.size() - 1) / PERIOD.toSeconds());
            return 1.0 - errorRatio(counts.size()) / 0.001 * seen;
        }

        List<AlertTransition> of(TransitionType type, Severity severity, AlertKind kind) {
            return transitions.stream().filter(t -> t.type() == type && t.severity() == severity && t.kind() == kind)
                    .toList();
        }
    }

    /** Hours until the budget is gone at the 6 h window's rate, as an on-call would work it out. */
    private static double hoursLeft(Minutes slo) {
        double burn = slo.errorRatio(360) / 0.001;
        return burn <= 1.0 ? Double.POSITIVE_INFINITY : slo.budgetRemaining() * PERIOD.toHours() / burn;
    }

    @Test
    void forecastIsTheRemainingBudgetOverTheBurnRate() {
        assertEquals(Duration.ofHours(36), BudgetForecast.timeToExhaustion(0.5, 10.0, PERIOD));
        assertNull(BudgetForecast.timeToExhaustion(0.5, 1.0, PERIOD), "at burn 1 a sliding window never runs dry");
        assertEquals(Duration.ZERO, BudgetForecast.timeToExhaustion(-0.2, 3.0, PERIOD));
        assertNull(BudgetForecast.timeToExhaustion(-0.2, 0.5, PERIOD), "spent, but nothing more is being overspent");
        assertTrue(BudgetForecast.exhaustedWithin(0.5, 10.0, PERIOD, Duration.ofHours(36)));
        assertTrue(!BudgetForecast.exhaustedWithin(0.5, 10.0, PERIOD, Duration.ofHours(35)));
        // 5 % of a 30-day budget within an hour is burn 36
        assertEquals(0.05, BudgetForecast.droppedFraction(36.0, Duration.ofHours(1), PERIOD), 1e-12);
        assertEquals("5%/1h", BudgetAlerts.NONE.dropLabel());
        assertEquals("4h@6h", exhaustion().exhaustionLabel(PAGE));
        assertEquals("1d@6h", exhaustion().exhaustionLabel(TICKET));
    }

    /**
     * A new SLO's first minute fails 2 in 1000, burn 2: it has spent a sliver of its 30 days' budget, which is not
     * forecast to run out within a day. Before, the forecast read the budget of the events seen alone, spent twice
     * over, and paged "exhausted now".
     */
    @Test
    void aYoungSlosFirstErrorsAreNoExhaustedBudget() {
        SliWindows windows = new SliWindows(PERIOD);
        windows.add(START, 998, 1000);
        List<AlertTransition> transitions = new AlertEvaluator().evaluate(settings(QUIET_TIERS, exhaustion()), windows,
                START.plusSeconds(59), true);
        assertEquals(List.of(), transitions);
        assertEquals(0.9, BudgetForecast.periodRemaining(-1.0, windows, START.plusSeconds(129_600)), 1e-12,
                "a day and a half of a 30-day period at burn 2 spends a tenth of its budget");
    }

    @Test
    void exhaustionTicketAndThenPageFireAtTheMinutesTheForecastCrossesTheirHorizons() {
        // 25 days at burn 1 have spent five sixths of the period's budget
        Minutes slo = new Minutes(settings(QUIET_TIERS, exhaustion()), 25 * 24 * 60, 1);
        int bad = 40; // burn 40 within the minute
        Integer ticketMinute = null;
        Integer pageMinute = null;
        for (int k = 1; k <= 400 && pageMinute == null; k++) {
            List<AlertTransition> now = slo.minute(bad);
            double hours = hoursLeft(slo);
            boolean ticketFired = now.stream().anyMatch(t -> t.type() == FIRED && t.severity() == TICKET);
            boolean pageFired = now.stream().anyMatch(t -> t.type() == FIRED && t.severity() == PAGE);
            if (ticketMinute == null) {
                assertEquals(hours <= 24.0, ticketFired, "minute " + k + ": " + hours + " h left");
                ticketMinute = ticketFired ? k : null;
            }
            assertEquals(hours <= 4.0, pageFired, "minute " + k + ": " + hours + " h left");
            pageMinute = pageFired ? k : null;
        }
        assertTrue(ticketMinute != null && pageMinute != null && ticketMinute > 1 && pageMinute > ticketMinute,
                "ticket at " + ticketMinute + ", page at " + pageMinute);

        AlertTransition page = slo.of(FIRED, PAGE, BUDGET_EXHAUSTION).get(0);
        assertEquals("4h@6h", page.tier());
        assertEquals(4.0, page.threshold(), 1e-12);
        assertEquals("checkout:PAGE:BUDGET_EXHAUSTION:" + page.firedAt().getEpochSecond(), page.dedupKey());
        assertTrue(!page.exhaustionAt().isAfter(page.firedAt().plus(Duration.ofHours(4))), page.toString());
        // The page inhibits the ticket: resolved in the same evaluation, with the ticket's own dedup key.
        List<AlertTransition> ticketResolved = slo.of(RESOLVED, TICKET, BUDGET_EXHAUSTION);
        assertEquals(1, ticketResolved.size());
        assertEquals(page.firedAt(), ticketResolved.get(0).resolvedAt());
        assertEquals(slo.of(FIRED, TICKET, BUDGET_EXHAUSTION).get(0).dedupKey(), ticketResolved.get(0).dedupKey());
        assertEquals(List.of(), slo.of(FIRED, PAGE, BURN_RATE), "the tiers stay quiet at these rates");

        // Errors stop: the page resolves once the forecast leaves 4 h; the ticket returns as a new episode while the
        // forecast is still within 24 h.
        for (int k = 0; k < 400 && slo.of(RESOLVED, PAGE, BUDGET_EXHAUSTION).isEmpty(); k++) {
            slo.minute(0);
        }
        assertEquals(1, slo.of(RESOLVED, PAGE, BUDGET_EXHAUSTION).size());
        assertTrue(hoursLeft(slo) > 4.0);
        List<AlertTransition> tickets = slo.of(FIRED, TICKET, BUDGET_EXHAUSTION);
        assertEquals(2, tickets.size(), "a new ticket episode once the page is gone");
        assertTrue(!tickets.get(0).dedupKey().equals(tickets.get(1).dedupKey()));
    }

    @Test
    void budgetDropFiresWhenTheHoursErrorsSpendFivePercentOfTheBudget() {
        Minutes slo = new Minutes(settings(QUIET_TIERS, drop(TICKET)));
        Integer fired = null;
        for (int k = 1; k <= 60 && fired == null; k++) {
            List<AlertTransition> now = slo.minute(300);
            // 5 % of a 30-day budget in an hour: the hour's burn rate × 1 h / 720 h
            double dropped = slo.errorRatio(60) / 0.001 / 720.0;
            boolean firedNow = now.stream().anyMatch(t -> t.type() == FIRED && t.kind() == BUDGET_DROP);
            assertEquals(dropped >= 0.05, firedNow, "minute " + k + ": " + dropped);
            fired = firedNow ? k : null;
        }
        assertTrue(fired != null && fired > 1, "fired at " + fired);
        AlertTransition alert = slo.of(FIRED, TICKET, BUDGET_DROP).get(0);
        assertEquals("5%/1h", alert.tier());
        assertEquals(0.05, alert.threshold(), 1e-12);
    }

    @Test
    void aBurnRatePageInhibitsTheBudgetTicketsAndPagesDoNotInhibitEachOther() {
        AlertTiers workbook = AlertTiers.forPeriod(PERIOD, AlertTiers.DEFAULT_PAGE_FAST, AlertTiers.DEFAULT_PAGE_SLOW,
                AlertTiers.DEFAULT_TICKET_FAST, AlertTiers.DEFAULT_TICKET_SLOW);
        Minutes slo = new Minutes(settings(workbook, drop(PAGE)));
        for (int k = 0; k < 15; k++) {
            slo.minute(1000);
        }
        assertEquals(1, slo.of(FIRED, PAGE, BURN_RATE).size());
        assertEquals(1, slo.of(FIRED, PAGE, BUDGET_DROP).size(), "the drop is its own page");

        Minutes ticketed = new Minutes(settings(workbook, drop(TICKET)));
        for (int k = 0; k < 15; k++) {
            ticketed.minute(1000);
        }
        assertEquals(1, ticketed.of(FIRED, PAGE, BURN_RATE).size());
        assertEquals(List.of(), ticketed.of(FIRED, TICKET, BUDGET_DROP), "inhibited by the burn-rate page");
    }

    @Test
    void offUnlessEnabledAndNotJudgedBelowMinEvents() {
        Minutes off = new Minutes(settings(QUIET_TIERS, BudgetAlerts.NONE));
        for (int k = 0; k < 30; k++) {
            off.minute(500);
        }
        assertTrue(off.transitions.stream().noneMatch(t -> t.kind().aboutBudget() && t.kind() != BURN_RATE));

        SloAlertSettings tooFew = new SloAlertSettings("checkout", 99.9, QUIET_TIERS, 10_000_000, Duration.ofMinutes(15),
                false, 0.5, TICKET, new BudgetAlerts(true, Duration.ofHours(6), Duration.ofHours(24), Duration.ofHours(4),
                        true, 0.05, Duration.ofHours(1), TICKET));
        Minutes sparse = new Minutes(tooFew);
        for (int k = 0; k < 30; k++) {
            sparse.minute(500);
        }
        assertEquals(List.of(), sparse.transitions);
    }

    @Test
    void settingsRejectWindowsWithoutRunningSums() {
        assertThrows(IllegalArgumentException.class, () -> new BudgetAlerts(true, Duration.ofHours(3),
                Duration.ofHours(24), Duration.ofHours(4), false, 0.05, Duration.ofHours(1), TICKET));
        assertThrows(IllegalArgumentException.class, () -> new BudgetAlerts(false, Duration.ofHours(6),
                Duration.ofHours(24), Duration.ofHours(4), true, 0.0, Duration.ofHours(1), TICKET));
    }
}
