package dev.daff.slo.burn;

import static dev.daff.slo.burn.AlertKind.BURN_RATE;
import static dev.daff.slo.burn.AlertKind.NO_DATA;
import static dev.daff.slo.burn.AlertKind.VOLUME_DROP;
import static dev.daff.slo.burn.Severity.PAGE;
import static dev.daff.slo.burn.Severity.TICKET;
import static dev.daff.slo.burn.TransitionType.FIRED;
import static dev.daff.slo.burn.TransitionType.RESOLVED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Workbook ch. 5 scenarios for a 99.9 % SLO, simulated at 1000 events a minute, evaluated every 10 s. */
class AlertEvaluatorTest {

    private static final Duration THIRTY_DAYS = Duration.ofDays(30);
    /** Long enough that the 3-day window is full. */
    private static final Duration FULL_HISTORY = Duration.ofDays(3).plusHours(2);

    private static TrafficSimulation warmedUp() {
        TrafficSimulation sim = new TrafficSimulation(THIRTY_DAYS,
                TrafficSimulation.settings(THIRTY_DAYS, 100, Duration.ofMinutes(15), false));
        sim.run(FULL_HISTORY, 1_000, 0);
        assertEquals(List.of(), sim.transitions, "steady good traffic raises nothing");
        return sim;
    }

    private static double secondsBetween(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1_000.0;
    }

    @Test
    void whileCountingIsBehindASilenceNeitherPagesNorEndsAPageAndIsJudgedOnceCaughtUp() {
        TrafficSimulation sim = new TrafficSimulation(Duration.ofDays(30),
                TrafficSimulation.settings(Duration.ofDays(30), 1, Duration.ofMinutes(10), true));
        sim.run(Duration.ofHours(7), 1_000, 0);
        // Counting falls behind (a broker that stalls, and daff knows it): a burn in what was counted still pages.
        sim.counted = false;
        sim.run(Duration.ofMinutes(2), 1_000, 1_000);
        assertEquals(1, sim.transitions(FIRED, PAGE, BURN_RATE).size(), "a total outage pages");

        // Then nothing is counted for 20 minutes: the silence may be daff's own.
        sim.run(Duration.ofMinutes(20), 0, 0);
        assertEquals(List.of(), sim.transitions(RESOLVED, PAGE, BURN_RATE), "the page stays open");
        assertEquals(List.of(), sim.transitions(FIRED, PAGE, NO_DATA));
        assertEquals(List.of(), sim.transitions(FIRED, TICKET, VOLUME_DROP));

        // Counting catches up, and the SLO was silent indeed: at the first evaluation NO_DATA pages and the page ends.
        Instant caughtUp = sim.now;
        sim.counted = true;
        sim.run(TrafficSimulation.TICK, 0, 0);
        AlertTransition page = sim.transitions(FIRED, PAGE, BURN_RATE).get(0);
        assertEquals(List.of(caughtUp.plus(TrafficSimulation.TICK)), sim.transitions(RESOLVED, PAGE, BURN_RATE).stream()
                .filter(resolved -> resolved.alertId().equals(page.alertId())).map(AlertTransition::resolvedAt).toList());
        assertEquals(1, sim.transitions(FIRED, PAGE, NO_DATA).size());
    }

    /**
     * The service fails for two minutes and then goes dark: the burn page stays open through the silence and hands over
     * to NO_DATA, so something is open throughout. Before, it resolved once the outage left the 5-minute window, about
     * six minutes in, and NO_DATA fired ten minutes after that.
     */
    @Test
    void aServiceThatGoesDarkAfterFailingKeepsItsPageUntilNoDataTakesOver() {
        TrafficSimulation sim = warmedUp();
        sim.run(Duration.ofMinutes(2), 1_000, 1_000);
        assertEquals(1, sim.transitions(FIRED, PAGE, BURN_RATE).size());
        sim.run(Duration.ofMinutes(20), 0, 0);
        AlertTransition noData = sim.transitions(FIRED, PAGE, NO_DATA).get(0);
        List<AlertTransition> resolved = sim.transitions(RESOLVED, PAGE, BURN_RATE);
        assertEquals(1, resolved.size());
        assertEquals(noData.firedAt(), resolved.get(0).resolvedAt(), "handed over to NO_DATA in one evaluation");
    }

    @Test
    void aServiceThatGoesDarkAfterALongOutageRaisesNoTicketWhileNoDataPages() {
        // Ten minutes of total outage, then silence: the burn page hands over to NO_DATA, and as the bad minutes leave
        // the page's windows the day's ratio still stands above the ticket's. The TICKET fired beside the open NO_DATA
        // page, a second alert for a problem already paged (helper-61): NO_DATA inhibits tickets as a burn page does.
        TrafficSimulation sim = warmedUp();
        sim.run(Duration.ofMinutes(10), 1_000, 1_000);
        sim.run(Duration.ofMinutes(60), 0, 0);
        assertEquals(1, sim.transitions(FIRED, PAGE, NO_DATA).size());
        assertEquals(List.of(), sim.transitions(FIRED, TICKET, BURN_RATE), "a ticket beside the NO_DATA page");
    }

    @Test
    void totalOutagePagesAfterAboutFiftyTwoSeconds() {
        TrafficSimulation sim = warmedUp();
        Instant t0 = sim.now;
        sim.run(Duration.ofMinutes(2), 1_000, 1_000);
        List<AlertTransition> pages = sim.transitions(FIRED, PAGE, BURN_RATE);
        assertEquals(1, pages.size());
        AlertTransition page = pages.get(0);
        assertEquals("1h/5m", page.tier());
        assertEquals(14.4, page.threshold(), 1e-9);
        // 2 % of a 30-day budget at burn 1000 is 0.0144 h = 51.84 s; one 10-s tick of slack
        assertEquals(51.84, secondsBetween(t0, page.firedAt()), 10.0);
        assertTrue(page.burnRateLong() > 14.4 && page.burnRateShort() > 14.4);
        assertNotNull(page.exhaustionAt());
        assertEquals(page.slo() + ":PAGE:BURN_RATE:" + page.firedAt().getEpochSecond(), page.dedupKey());
        assertEquals(List.of(), sim.transitions(FIRED, TICKET, BURN_RATE), "ticket inhibited by the page");
    }

    @Test
    void burnTenNeverTripsTheFastTierAndPagesSlowlyAfterThreePointSixHours() {
        TrafficSimulation sim = warmedUp();
        Instant t0 = sim.now;
        sim.run(Duration.ofHours(4), 1_000, 10);
        List<AlertTransition> pages = sim.transitions(FIRED, PAGE, BURN_RATE);
        assertEquals(1, pages.size());
        assertEquals("6h/30m", pages.get(0).tier());
        // 5 % of the budget at burn 10: 0.05 × 720 h / 10 = 3.6 h
        assertEquals(3.6 * 3_600, secondsBetween(t0, pages.get(0).firedAt()), 5 * 60.0);
        assertTrue(sim.transitions.stream().noneMatch(t -> "1h/5m".equals(t.tier())));
        assertEquals(List.of(), sim.transitions(FIRED, TICKET, BURN_RATE));
    }

    @Test
    void oneMinuteOutagePagesAndResolvesWhenItLeavesTheFiveMinuteWindow() {
        TrafficSimulation sim = warmedUp();
        Instant t0 = sim.now;
        sim.run(Duration.ofSeconds(60), 1_000, 1_000);
        Instant errorsStopped = sim.now;
        sim.run(Duration.ofMinutes(15), 1_000, 0);

        AlertTransition fired = sim.transitions(FIRED, PAGE, BURN_RATE).get(0);
        assertEquals(51.84, secondsBetween(t0, fired.firedAt()), 10.0);
        List<AlertTransition> resolved = sim.transitions(RESOLVED, PAGE, BURN_RATE);
        assertEquals(1, resolved.size());
        AlertTransition resolution = resolved.get(0);
        assertEquals(fired.alertId(), resolution.alertId());
        assertEquals(fired.dedupKey(), resolution.dedupKey());
        assertEquals(fired.firedAt(), resolution.firedAt());
        assertEquals(4.9 * 60, secondsBetween(errorsStopped, resolution.resolvedAt()), 60.0);
        assertTrue(resolution.burnRateShort() <= 14.4);
        assertEquals(List.of(), sim.evaluator.activeAlerts());
    }

    @Test
    void bothPageTiersHoldingFireOnePageAndTheTicketStaysInhibited() {
        TrafficSimulation sim = warmedUp();
        sim.run(Duration.ofHours(1), 1_000, 1_000);
        BurnSnapshot snapshot = sim.snapshot();
        AlertTiers tiers = sim.settings.tiers();
        assertTrue(snapshot.sixHours().burnRate() > tiers.pageSlow().burnFactor());
        assertTrue(snapshot.oneDay().burnRate() > tiers.ticketFast().burnFactor());
        assertTrue(snapshot.twoHours().burnRate() > tiers.ticketFast().burnFactor());

        assertEquals(1, sim.transitions(FIRED, PAGE, BURN_RATE).size());
        assertEquals(List.of(), sim.transitions(FIRED, TICKET, BURN_RATE));
        assertEquals(1, sim.evaluator.activeAlerts("checkout").size());
    }

    @Test
    void aPageResolvesAFiringTicketAndTheTicketReturnsAfterThePage() {
        TrafficSimulation sim = new TrafficSimulation(THIRTY_DAYS,
                TrafficSimulation.settings(THIRTY_DAYS, 100, Duration.ofMinutes(15), false));
        // 1200 a minute with 6 errors is 200 and 1 in every 10-s tick: the error ratio rises without wobble
        sim.run(Duration.ofDays(1), 1_200, 0);
        sim.run(Duration.ofHours(8), 1_200, 6); // burn 5: ticket, not page
        List<AlertTransition> tickets = sim.transitions(FIRED, TICKET, BURN_RATE);
        assertEquals(1, tickets.size());
        assertEquals(List.of(), sim.transitions(FIRED, PAGE, BURN_RATE));

        sim.run(Duration.ofMinutes(2), 1_200, 1_200);
        AlertTransition page = sim.transitions(FIRED, PAGE, BURN_RATE).get(0);
        AlertTransition ticketResolved = sim.transitions(RESOLVED, TICKET, BURN_RATE).get(0);
        assertEquals(page.firedAt(), ticketResolved.resolvedAt(), "resolved in the evaluation that paged");
        assertEquals(tickets.get(0).alertId(), ticketResolved.alertId());

        sim.run(Duration.ofMinutes(45), 1_200, 6); // the 6h/30m tier holds until the 30m window clears
        assertEquals(1, sim.transitions(RESOLVED, PAGE, BURN_RATE).size());
        List<AlertTransition> ticketsAfter = sim.transitions(FIRED, TICKET, BURN_RATE);
        assertEquals(2, ticketsAfter.size(), "the slower burn gets its own ticket again");
        assertNotEquals(ticketsAfter.get(0).dedupKey(), ticketsAfter.get(1).dedupKey());
        assertTrue(ticketsAfter.get(1).firedAt().isAfter(sim.transitions(RESOLVED, PAGE, BURN_RATE).get(0)
                .resolvedAt().minusSeconds(1)));
    }

    @Test
    void emptyWindowsRaiseNothing() {
        TrafficSimulation sim = new TrafficSimulation(THIRTY_DAYS,
                TrafficSimulation.settings(THIRTY_DAYS, 0, Duration.ofMinutes(15), true));
        sim.run(Duration.ofDays(2), 0, 0);
        assertEquals(List.of(), sim.transitions);
        BurnSnapshot snapshot = sim.snapshot();
        assertEquals(1.0, snapshot.budgetRemaining());
        for (WindowBurn burn : snapshot.windows()) {
            assertEquals(0.0, burn.burnRate());
        }
    }

    @Test
    void tooFewEventsInTheLongWindowDoNotFire() {
        TrafficSimulation sparse = new TrafficSimulation(THIRTY_DAYS,
                TrafficSimulation.settings(THIRTY_DAYS, 1_000, Duration.ofMinutes(15), false));
        sparse.run(Duration.ofHours(3), 1, 1); // every event fails, but only 1 a minute
        assertEquals(List.of(), sparse.transitions);

        TrafficSimulation control = new TrafficSimulation(THIRTY_DAYS,
                TrafficSimulation.settings(THIRTY_DAYS, 10, Duration.ofMinutes(15), false));
        control.run(Duration.ofHours(3), 1, 1);
        AlertTransition page = control.transitions(FIRED, PAGE, BURN_RATE).get(0);
        assertTrue(page.firedAt().isBefore(TrafficSimulation.START.plus(Duration.ofMinutes(12))));
    }

    @Test
    void noDataFiresAfterSilenceAndResolvesWhenDataReturns() {
        TrafficSimulation sim = new TrafficSimulation(THIRTY_DAYS,
                TrafficSimulation.settings(THIRTY_DAYS, 100, Duration.ofMinutes(10), false));
        sim.run(Duration.ofHours(2), 100, 0);
        Instant silenceFrom = sim.now;
        sim.run(Duration.ofMinutes(30), 0, 0);
        List<AlertTransition> fired = sim.transitions(FIRED, PAGE, NO_DATA);
        assertEquals(1, fired.size());
        // the last minute with events ended when the silence began
        assertEquals(600.0, secondsBetween(silenceFrom, fired.get(0).firedAt()), 10.0);
        assertEquals("10m", fired.get(0).tier());

        Instant back = sim.now;
        sim.run(Duration.ofMinutes(5), 100, 0);
        List<AlertTransition> resolved = sim.transitions(RESOLVED, PAGE, NO_DATA);
        assertEquals(1, resolved.size());
        assertEquals(back.plus(TrafficSimulation.TICK), resolved.get(0).resolvedAt());
        assertEquals(List.of(), sim.transitions(FIRED, PAGE, BURN_RATE));
    }

    @Test
    void neverFedSloIsNotSilent() {
        TrafficSimulation sim = new TrafficSimulation(THIRTY_DAYS,
                TrafficSimulation.settings(THIRTY_DAYS, 100, Duration.ofMinutes(10), false));
        sim.run(Duration.ofHours(1), 0, 0);
        assertEquals(List.of(), sim.transitions);
    }

    @Test
    void volumeDropFiresAndResolves() {
        TrafficSimulation sim = new TrafficSimulation(THIRTY_DAYS,
                TrafficSimulation.settings(THIRTY_DAYS, 100, Duration.ofMinutes(15), true));
        sim.run(Duration.ofDays(1), 1_000, 0);
        Instant dropFrom = sim.now;
        sim.run(Duration.ofMinutes(40), 100, 0);
        List<AlertTransition> fired = sim.transitions(FIRED, TICKET, VOLUME_DROP);
        assertEquals(1, fired.size());
        // half of 30,000 a half hour: after 17 complete minutes at 100 instead of 1000
        assertEquals(17 * 60.0, secondsBetween(dropFrom, fired.get(0).firedAt()), 60.0);
        assertEquals("30m/24h", fired.get(0).tier());

        sim.run(Duration.ofMinutes(40), 1_000, 0);
        assertEquals(1, sim.transitions(RESOLVED, TICKET, VOLUME_DROP).size());
        assertEquals(List.of(), sim.transitions(FIRED, PAGE, NO_DATA));
        assertEquals(List.of(), sim.evaluator.activeAlerts());
    }

    @Test
    void silenceIsNoDataNotAVolumeDrop() {
        TrafficSimulation sim = new TrafficSimulation(THIRTY_DAYS,
                TrafficSimulation.settings(THIRTY_DAYS, 100, Duration.ofMinutes(15), true));
        sim.run(Duration.ofDays(1), 1_000, 0);
        sim.run(Duration.ofHours(1), 0, 0);
        assertEquals(1, sim.transitions(FIRED, PAGE, NO_DATA).size());
        assertEquals(List.of(), sim.transitions(FIRED, TICKET, VOLUME_DROP));
    }

    @Test
    void trafficBackInFullAfterAnOutageResolvesNoDataAndIsNoVolumeDrop() {
        // The last 30 minutes are still mostly the outage NO_DATA paged for: that silence is no drop in volume.
        TrafficSimulation sim = new TrafficSimulation(THIRTY_DAYS,
                TrafficSimulation.settings(THIRTY_DAYS, 100, Duration.ofMinutes(15), true));
        sim.run(Duration.ofDays(1), 1_000, 0);
        sim.run(Duration.ofHours(1), 0, 0);
        sim.run(Duration.ofMinutes(40), 1_000, 0);
        assertEquals(1, sim.transitions(FIRED, PAGE, NO_DATA).size());
        assertEquals(1, sim.transitions(RESOLVED, PAGE, NO_DATA).size());
        assertEquals(List.of(), sim.transitions(FIRED, TICKET, VOLUME_DROP));
    }

    @Test
    void trafficBackAtATenthAfterAnOutageIsAVolumeDropOnceFiveMinutesOfItAreIn() {
        TrafficSimulation sim = new TrafficSimulation(THIRTY_DAYS,
                TrafficSimulation.settings(THIRTY_DAYS, 100, Duration.ofMinutes(15), true));
        sim.run(Duration.ofDays(1), 1_000, 0);
        sim.run(Duration.ofHours(1), 0, 0);
        Instant back = sim.now;
        sim.run(Duration.ofMinutes(20), 100, 0);
        assertEquals(1, sim.transitions(RESOLVED, PAGE, NO_DATA).size());
        List<AlertTransition> fired = sim.transitions(FIRED, TICKET, VOLUME_DROP);
        assertEquals(1, fired.size());
        // judged on the minutes since the traffic came back, once five complete ones are in
        assertEquals(5 * 60.0, secondsBetween(back, fired.get(0).firedAt()), 60.0);
    }

    @Test
    void aSilenceTooShortForNoDataStillCountsAsLowVolume() {
        // Ten silent minutes (NO_DATA waits fifteen) then a tenth of the traffic: the drop is judged on all 30 minutes.
        TrafficSimulation sim = new TrafficSimulation(THIRTY_DAYS,
                TrafficSimulation.settings(THIRTY_DAYS, 100, Duration.ofMinutes(15), true));
        sim.run(Duration.ofDays(1), 1_000, 0);
        Instant dropFrom = sim.now;
        sim.run(Duration.ofMinutes(10), 0, 0);
        sim.run(Duration.ofMinutes(20), 100, 0);
        assertEquals(List.of(), sim.transitions(FIRED, PAGE, NO_DATA));
        List<AlertTransition> fired = sim.transitions(FIRED, TICKET, VOLUME_DROP);
        assertEquals(1, fired.size());
        assertEquals(16 * 60.0, secondsBetween(dropFrom, fired.get(0).firedAt()), 60.0);
    }

    @Test
    void volumeDropNeedsSomeHistory() {
        TrafficSimulation sim = new TrafficSimulation(THIRTY_DAYS,
                TrafficSimulation.settings(THIRTY_DAYS, 100, Duration.ofMinutes(15), true));
        sim.run(Duration.ofHours(3), 1_000, 0);
        sim.run(Duration.ofHours(1), 10, 0);
        assertEquals(List.of(), sim.transitions(FIRED, TICKET, VOLUME_DROP));
    }

    @Test
    void forgetDropsTheStateAndReturnsWhatWasActive() {
        TrafficSimulation sim = warmedUp();
        sim.run(Duration.ofMinutes(2), 1_000, 1_000);
        assertEquals(1, sim.evaluator.activeAlerts().size());
        List<AlertTransition> dropped = sim.evaluator.forget("checkout");
        assertEquals(1, dropped.size());
        assertEquals(FIRED, dropped.get(0).type());
        assertNull(dropped.get(0).resolvedAt());
        assertEquals(List.of(), sim.evaluator.activeAlerts("checkout"));
        // the next evaluation starts a new episode
        List<AlertTransition> again = sim.evaluator.evaluate(sim.settings, sim.windows, sim.now.plusSeconds(10), true);
        assertEquals(1, again.size());
        assertNotEquals(dropped.get(0).alertId(), again.get(0).alertId());
    }
}
