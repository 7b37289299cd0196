package dev.daff.slo;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.localinfra.SimulatedClock;
import dev.daff.localinfra.TestTokens;
import dev.daff.slo.evaluation.SloEvaluator;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The budget alerts beyond the Workbook tiers through the whole service: events over HTTP, counted, evaluated at the
 * simulated clock's minute, stored, listed, paged and shown in the status. The minute each alert must fire at is
 * worked out here from the counts sent, and it must not fire a minute earlier.
 */
@QuarkusTest
class BudgetAlertTest {

    /** Events in each of the old hours: a budget large enough that the forecast takes minutes to cross its horizons. */
    private static final long OLD_HOUR_EVENTS = 1_000_000;

    @Inject
    SimulatedClock clock;

    @Inject
    SloEvaluator evaluator;

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    /** What was sent, by minute: {bad, total}. The test's own model of the windows the evaluator reads. */
    private final TreeMap<Instant, long[]> sent = new TreeMap<>();

    private static String slo(String name, String team, String extra) {
        return """
                {"name": "%s", "service": "checkout", "team": "%s", "objective": 99.9, "window": "30d",
                 "volumeDrop": {"enabled": false},
                 "alertBudgets": {"pageFast": 100, "pageSlow": 100, "ticketFast": 100, "ticketSlow": 100}, %s}
                """.formatted(name, team, extra);
    }

    /** Puts the clock 30 s into the minute after the current one and answers that minute. */
    private Instant nextMinute() {
        Instant minute = clock.instant().truncatedTo(ChronoUnit.MINUTES).plusSeconds(60);
        clock.advance(Duration.between(clock.instant(), minute.plusSeconds(30)));
        return minute;
    }

    private void moveTo(Instant minute) {
        clock.advance(Duration.between(clock.instant(), minute.plusSeconds(30)));
    }

    /**
     * An SLO 29 days old (one event then), 23 old hours of heavy traffic up to 8 h ago and 400 minutes of 1000 events
     * up to {@code base}, all good: with most of a period behind it, its forecast is of most of its period's budget.
     */
    private void baseline(String slo, Instant base) {
        StringJoiner batch = new StringJoiner(",", "[", "]");
        batch.add(observation(base.minus(Duration.ofDays(29)), 0, 1));
        for (int hour = 30; hour > 7; hour--) {
            Instant at = base.minus(Duration.ofHours(hour));
            batch.add(observation(at, 0, OLD_HOUR_EVENTS));
        }
        for (int minute = 400; minute > 0; minute--) {
            batch.add(observation(base.minusSeconds(60L * minute), 0, 1000));
        }
        post(slo, batch.toString());
    }

    /** Full outage in every minute of [from, to]. */
    private void outage(String slo, Instant from, Instant to, long badPerMinute) {
        StringJoiner batch = new StringJoiner(",", "[", "]");
        for (Instant at = from; !at.isAfter(to); at = at.plusSeconds(60)) {
            batch.add(observation(at, badPerMinute, 1000));
        }
        post(slo, batch.toString());
    }

    private String observation(Instant at, long bad, long total) {
        sent.merge(at, new long[] { bad, total }, (a, b) -> new long[] { a[0] + b[0], a[1] + b[1] });
        return "{\"at\": \"" + at + "\", \"good\": " + (total - bad) + ", \"total\": " + total + "}";
    }

    private void post(String slo, String batch) {
        given().contentType(ContentType.JSON).body(batch).when().post("/api/slos/" + slo + "/events").then().statusCode(202);
        long expected = sent.values().stream().mapToLong(c -> c[1]).sum();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/slos/" + slo + "/status")
                .then().statusCode(200).body("events.total", equalTo((int) expected)));
    }

    /** Bad / total over the minute buckets [minute − W, minute]: a window holds the current minute and W before it. */
    private double errorRatio(Instant minute, Duration window) {
        long bad = 0;
        long total = 0;
        for (Map.Entry<Instant, long[]> entry : sent.subMap(minute.minus(window), true, minute, true).entrySet()) {
            bad += entry.getValue()[0];
            total += entry.getValue()[1];
        }
        return total == 0 ? 0.0 : bad / (double) total;
    }

    /**
     * Hours until the budget is gone at the 6 h rate, all history being inside the 30-day window: what it spent counts
     * for its share of the period, from the first event to the evaluation 30 s into {@code minute}.
     */
    private double hoursLeft(Instant minute) {
        double burn = errorRatio(minute, Duration.ofHours(6)) / 0.001;
        double seen = Math.min(1.0, Duration.between(sent.firstKey(), minute.plusSeconds(30)).toSeconds()
                / (double) Duration.ofDays(30).toSeconds());
        double remaining = 1.0 - errorRatio(minute, Duration.ofDays(30)) / 0.001 * seen;
        return burn <= 1.0 ? Double.POSITIVE_INFINITY : Math.max(0, remaining) * 720 / burn;
    }

    private List<String> firing(String slo) {
        evaluator.tick();
        return given().when().get("/api/alerts?state=firing&slo=" + slo).then().statusCode(200)
                .extract().jsonPath().getList("collect { it.severity + ' ' + it.kind }");
    }

    /**
     * The first error minute (1-based) at which {@code holds} is true of the test's own arithmetic, with {@code bad} of
     * 1000 events failing in every minute from {@code firstErrorMinute}.
     */
    private int predictedMinute(Instant firstErrorMinute, long bad, java.util.function.Predicate<Instant> holds) {
        TreeMap<Instant, long[]> before = new TreeMap<>(sent);
        try {
            for (int k = 1; k < 600; k++) {
                Instant minute = firstErrorMinute.plusSeconds(60L * (k - 1));
                sent.merge(minute, new long[] { bad, 1000 }, (a, b) -> new long[] { a[0] + b[0], a[1] + b[1] });
                if (holds.test(minute)) {
                    return k;
                }
            }
            throw new AssertionError("never holds");
        } finally {
            sent.clear();
            sent.putAll(before);
        }
    }

    @Test
    void exhaustionTicketThenPageFireAtTheMinuteTheForecastCrossesEachHorizonAndShowInStatus() {
        String slo = "budget-forecast";
        given().contentType(ContentType.JSON).body(slo(slo, "budget-team",
                "\"exhaustionAlerts\": {\"enabled\": true}")).when().post("/api/slos").then().statusCode(201)
                .body("exhaustionAlerts.enabled", equalTo(true)).body("exhaustionAlerts.rateWindow", equalTo(21600.0f))
                .body("exhaustionAlerts.ticketWithin", equalTo(86400.0f)).body("exhaustionAlerts.pageWithin", equalTo(14400.0f))
                .body("budgetDropAlert.enabled", equalTo(false));
        Instant base = nextMinute();
        baseline(slo, base);
        assertEquals(List.of(), firing(slo));
        given().when().get("/api/slos/" + slo + "/status").then().statusCode(200)
                .body("exhaustionForecast.rateWindow", equalTo("6h"))
                .body("exhaustionForecast.exhaustionIn", nullValue())
                .body("budgetDrop", nullValue());

        int ticketMinute = predictedMinute(base, 1000, minute -> hoursLeft(minute) <= 24);
        int pageMinute = predictedMinute(base, 1000, minute -> hoursLeft(minute) <= 4);
        assertTrue(1 < ticketMinute && ticketMinute + 1 < pageMinute, ticketMinute + " then " + pageMinute);

        // Every minute up to the one before the ticket's: no ticket yet.
        Instant beforeTicket = base.plusSeconds(60L * (ticketMinute - 2));
        moveTo(beforeTicket);
        outage(slo, base, beforeTicket, 1000);
        assertTrue(hoursLeft(beforeTicket) > 24, "the arithmetic says not yet: " + hoursLeft(beforeTicket));
        assertEquals(List.of(), firing(slo), "not a minute early");

        Instant ticketAt = beforeTicket.plusSeconds(60);
        moveTo(ticketAt);
        outage(slo, ticketAt, ticketAt, 1000);
        assertEquals(List.of("TICKET BUDGET_EXHAUSTION"), firing(slo));

        Instant beforePage = base.plusSeconds(60L * (pageMinute - 2));
        moveTo(beforePage);
        outage(slo, ticketAt.plusSeconds(60), beforePage, 1000);
        assertEquals(List.of("TICKET BUDGET_EXHAUSTION"), firing(slo), "no page a minute early");

        Instant pageAt = beforePage.plusSeconds(60);
        moveTo(pageAt);
        outage(slo, pageAt, pageAt, 1000);
        assertEquals(List.of("PAGE BUDGET_EXHAUSTION"), firing(slo), "the page inhibits the ticket");
        given().when().get("/api/alerts?state=firing&slo=" + slo).then()
                .body("[0].tier", equalTo("4h@6h")).body("[0].threshold", equalTo(4.0f))
                .body("[0].firedAt", equalTo(pageAt.plusSeconds(30).toString()));
        given().when().get("/api/slos/" + slo + "/status").then().statusCode(200)
                .body("activeAlerts", hasSize(1)).body("activeAlerts[0].kind", equalTo("BUDGET_EXHAUSTION"))
                .body("exhaustionForecast.pageWithin", equalTo(14400.0f))
                .body("exhaustionForecast.exhaustionIn", org.hamcrest.Matchers.notNullValue());
        // Paged like a tier's page, with a summary that says what the forecast is.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().queryParam("team", "budget-team")
                .when().get("/api/pages").then().statusCode(200).body("", hasSize(1))
                .body("[0].kind", equalTo("BUDGET_EXHAUSTION"))
                .body("[0].summary", containsString("will exhaust its error budget within 4 h 0 min at the burn rate of the last 6h")));
    }

    /**
     * A young SLO's status forecasts what its exhaustion alerts judge: the period's budget, of which its few events
     * spent a share. Before, the status forecast from the events seen alone said "exhausted now" of an SLO a minute
     * old at burn 5, while its alerts (and the status's own {@code exhaustionAt}) said six days.
     */
    @Test
    void aYoungSlosForecastInStatusIsTheOneItsAlertsJudge() {
        String slo = "young-forecast";
        given().contentType(ContentType.JSON).body(slo(slo, "young-team", "\"exhaustionAlerts\": {\"enabled\": true}"))
                .when().post("/api/slos").then().statusCode(201);
        Instant minute = nextMinute();
        post(slo, "[" + observation(minute, 5, 1000) + "]");
        assertEquals(List.of(), firing(slo), "six days from exhaustion: neither ticket nor page");
        var status = given().when().get("/api/slos/" + slo + "/status").then().statusCode(200).extract().jsonPath();
        assertEquals(status.getString("exhaustionAt"), status.getString("exhaustionForecast.exhaustionAt"),
                "the 1 h and 6 h burns are the same here, and so is the forecast");
        assertTrue(Instant.parse(status.getString("exhaustionForecast.exhaustionAt"))
                .isAfter(minute.plus(Duration.ofDays(2))), status.getString("exhaustionForecast.exhaustionAt"));
    }

    @Test
    void budgetDropFiresAtTheMinuteFivePercentOfTheBudgetIsBurnedWithinTheHour() {
        String slo = "budget-drop";
        given().contentType(ContentType.JSON).body(slo(slo, "budget-team-drop",
                "\"budgetDropAlert\": {\"enabled\": true, \"percent\": 5, \"window\": \"PT1H\"}"))
                .when().post("/api/slos").then().statusCode(201)
                .body("budgetDropAlert.severity", equalTo("TICKET")).body("budgetDropAlert.percent", equalTo(5.0f));
        Instant base = nextMinute();
        baseline(slo, base);
        // 300 of 1000 failing: the hour's burn rate reaches 36 (5 % of 720 hours' budget in one) after a few minutes.
        int expected = predictedMinute(base, 300,
                minute -> errorRatio(minute, Duration.ofHours(1)) / 0.001 / 720 >= 0.05);
        assertTrue(expected > 2, "expected at " + expected);
        Instant before = base.plusSeconds(60L * (expected - 2));
        moveTo(before);
        outage(slo, base, before, 300);
        assertEquals(List.of(), firing(slo), "not a minute early");
        Instant at = before.plusSeconds(60);
        moveTo(at);
        outage(slo, at, at, 300);
        assertEquals(List.of("TICKET BUDGET_DROP"), firing(slo));
        given().when().get("/api/slos/" + slo + "/status").then().statusCode(200)
                .body("budgetDrop.window", equalTo("1h")).body("budgetDrop.alertPercent", equalTo(5.0f))
                .body("budgetDrop.droppedPercent", org.hamcrest.Matchers.greaterThanOrEqualTo(5.0f));
    }

    @Test
    void budgetAlertSettingsOutsideWhatCanBeEvaluatedAreRefusedAndNothingIsStored() {
        given().contentType(ContentType.JSON).body(slo("budget-bad", "t",
                "\"exhaustionAlerts\": {\"enabled\": true, \"rateWindow\": \"PT3H\"}")).when().post("/api/slos")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", containsString("exhaustionAlerts.rateWindow"));
        given().contentType(ContentType.JSON).body(slo("budget-bad", "t",
                "\"budgetDropAlert\": {\"enabled\": true, \"severity\": \"LOUD\"}")).when().post("/api/slos")
                .then().statusCode(400).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(slo("budget-bad", "t",
                "\"exhaustionAlerts\": {\"enabled\": true, \"pageWithin\": \"P40D\"}")).when().post("/api/slos")
                .then().statusCode(400).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(slo("budget-bad", "t",
                "\"budgetDropAlert\": {\"enabled\": true, \"percent\": 0.001}")).when().post("/api/slos")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", containsString("budgetDropAlert.percent"));
        given().when().get("/api/slos/budget-bad").then().statusCode(404);
    }
}
