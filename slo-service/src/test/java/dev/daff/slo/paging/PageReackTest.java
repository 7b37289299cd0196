package dev.daff.slo.paging;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.StringJoiner;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.localinfra.SimulatedClock;
import dev.daff.localinfra.TestTokens;
import dev.daff.slo.paging.delivery.PageDispatcher;
import dev.daff.slo.paging.escalation.Escalator;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * An acknowledged page whose SLO still burns is re-opened after the team's reackAfter and escalated again, saying why;
 * nobody resolves a page by hand while its alert fires.
 */
@QuarkusTest
class PageReackTest {

    @Inject
    SimulatedClock clock;

    @Inject
    Escalator escalator;

    @Inject
    PageDispatcher dispatcher;

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    /**
     * alice (Slack) on call, bob (webhook) second, a team PagerDuty service; acknowledged pages are re-opened after 30
     * minutes.
     */
    private String team(String name) {
        given().contentType(ContentType.JSON).body("""
                {"members": [
                   {"handle": "alice", "name": "Alice", "slackUserId": "U0ALICE%1$s",
                    "channels": [{"type": "slack", "url": "%2$s"}]},
                   {"handle": "bob", "name": "Bob", "channels": [{"type": "webhook", "url": "%3$s"}]}],
                 "channels": [{"type": "pagerduty", "routingKey": "rk-%5$s"}],
                 "rotation": {"members": ["alice", "bob"], "shiftLength": "P7D", "startsAt": "%4$s", "timeZone": "UTC"},
                 "escalation": {"ackTimeout": "PT5M", "levels": ["PRIMARY", "SECONDARY"], "repeat": 0},
                 "reackAfter": "PT30M"}
                """.formatted(name.toUpperCase().replaceAll("[^A-Z0-9]", ""), PagingFixtures.receiver().url("/slack/" + name),
                PagingFixtures.receiver().url("/hook/" + name), clock.instant().minus(Duration.ofHours(1)), name))
                .when().put("/api/teams/" + name).then().statusCode(200).body("reackAfter", equalTo(1800.0f));
        return name;
    }

    /** An hour of good traffic, then two minutes of total failure: the 1h/5m tier pages, as in production. */
    private void burn(String slo, String team) {
        given().contentType(ContentType.JSON).body("""
                {"name": "%s", "service": "dns", "team": "%s", "objective": 99.9, "window": "30d"}
                """.formatted(slo, team)).when().post("/api/slos").then().statusCode(201);
        StringJoiner batch = new StringJoiner(",", "[", "]");
        Instant now = clock.instant();
        for (Instant at = now.minus(Duration.ofHours(1)); at.isBefore(now); at = at.plusSeconds(60)) {
            boolean failing = !at.isBefore(now.minusSeconds(120));
            batch.add("{\"at\": \"" + at + "\", \"good\": " + (failing ? 0 : 1000) + ", \"total\": 1000}");
        }
        given().contentType(ContentType.JSON).body(batch.toString()).when().post("/api/slos/" + slo + "/events")
                .then().statusCode(202);
    }

    private int slackMessages(String team, String containing) {
        return PagingFixtures.receiver().received(r -> r.path().equals("/slack/" + team) && r.body().contains(containing))
                .size();
    }

    @Test
    void anAcknowledgedPageWhoseAlertStillFiresIsReopenedAfterReackAfterAndCannotBeResolvedByHand() {
        String team = team("reack-" + UUID.randomUUID().toString().substring(0, 6));
        String slo = team + "-dns";
        burn(slo, team);
        String id = PagingFixtures.awaitPage(team);
        String dedupKey = given().when().get("/api/pages/" + id).then().extract().path("dedupKey");
        await().atMost(Duration.ofSeconds(20)).until(() -> slackMessages(team, "PAGE") == 1);

        given().header("Authorization", "Bearer " + TestTokens.token("alice", TestTokens.RESPONDER))
                .contentType(ContentType.JSON).body("{}").when().post("/api/pages/" + id + "/ack")
                .then().statusCode(200).body("state", equalTo("ACKNOWLEDGED"))
                .body("reackDueAt", equalTo(clock.instant().plus(Duration.ofMinutes(30)).toString()));

        // Nobody closes a page while its SLO burns: 409 saying why, and the page stays as it was.
        given().when().post("/api/pages/" + id + "/resolve").then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", containsString("alert-still-firing"))
                .body("detail", containsString("SLO " + slo + " still fires its BURN_RATE alert (1h/5m)"))
                .body("detail", org.hamcrest.Matchers.not(containsString("Exception")));
        given().when().get("/api/pages/" + id).then().body("state", equalTo("ACKNOWLEDGED")).body("resolvedAt", nullValue());

        clock.advance(Duration.ofMinutes(29));
        assertEquals(0, escalator.reopenStillFiring(clock.instant()), "not a minute early");
        given().when().get("/api/pages/" + id).then().body("state", equalTo("ACKNOWLEDGED")).body("reopenedCount", equalTo(0));
        clock.advance(Duration.ofMinutes(1));
        // The scheduled check (every 10 s, on the same clock) may get there first: either way it is re-opened once.
        escalator.reopenStillFiring(clock.instant());
        assertEquals(0, escalator.reopenStillFiring(clock.instant()), "re-opened once");
        given().when().get("/api/pages/" + id).then().body("state", equalTo("TRIGGERED"))
                .body("reopenedCount", equalTo(1)).body("escalationLevel", equalTo(0))
                .body("reopenReason", containsString("acknowledged by alice"))
                .body("reopenReason", containsString("still fires after the team's reackAfter of 30 min"));
        dispatcher.deliverDue();
        await().atMost(Duration.ofSeconds(20)).until(() -> slackMessages(team, "RE-OPENED: acknowledged by alice") == 1);
        // PagerDuty folds a trigger into the open incident with its key, and the acknowledged one notifies nobody:
        // the re-open is a new incident there, under a key of its own.
        await().atMost(Duration.ofSeconds(20)).until(() -> PagingFixtures.pagerDuty("rk-" + team, "trigger").size() == 2);
        List<String> pagerDutyKeys = PagingFixtures.pagerDuty("rk-" + team, "trigger").stream()
                .map(trigger -> dedupKey(trigger.body())).toList();
        assertEquals(List.of(dedupKey, dedupKey + "#reopened-1"), pagerDutyKeys);
        assertEquals(List.of(dedupKey), PagingFixtures.pagerDuty("rk-" + team, "acknowledge").stream()
                .map(ack -> dedupKey(ack.body())).toList());

        // The on-call tidies up the superseded incident in PagerDuty: that says nothing of the re-opened page.
        String staleResolve = PagerDutyWebhookTest.event("incident.resolved", dedupKey);
        PagerDutyWebhookTest.post(staleResolve, PagerDutyWebhookTest.signed(staleResolve)).statusCode(200)
                .body("result", containsString("not the page's current PagerDuty incident (" + dedupKey + "#reopened-1)"));
        given().when().get("/api/pages/" + id).then().body("state", equalTo("TRIGGERED"))
                .body("nextEscalationAt", org.hamcrest.Matchers.notNullValue());

        // Escalated again: nobody acknowledges within ackTimeout, so bob is paged, and his message says why too.
        clock.advance(Duration.ofMinutes(5));
        escalator.escalate(clock.instant());
        dispatcher.deliverDue();
        await().atMost(Duration.ofSeconds(20)).until(() -> PagingFixtures.receiver()
                .received(r -> r.path().equals("/hook/" + team) && r.body().contains("\"reopenReason\":\"acknowledged by alice"))
                .size() == 1);

        // Acknowledged in PagerDuty under the re-open's own key: that is the page's incident now.
        String acknowledged = PagerDutyWebhookTest.event("incident.acknowledged", dedupKey + "#reopened-1");
        PagerDutyWebhookTest.post(acknowledged, PagerDutyWebhookTest.signed(acknowledged)).statusCode(200)
                .body("result", equalTo("acknowledged by Alice (PagerDuty)"));
        given().when().get("/api/pages/" + id).then().body("state", equalTo("ACKNOWLEDGED"))
                .body("nextEscalationAt", nullValue());

        // The alert clears (the SLO is deleted): the page resolves, and resolving it by hand says it already is.
        given().when().delete("/api/slos/" + slo).then().statusCode(204);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/pages/" + id).then()
                .body("state", equalTo("RESOLVED")));
        given().when().post("/api/pages/" + id + "/resolve").then().statusCode(409)
                .contentType("application/problem+json").body("type", containsString("page-resolved"));
        dispatcher.deliverDue();
        await().atMost(Duration.ofSeconds(20)).until(() -> PagingFixtures.pagerDuty("rk-" + team, "resolve").size() == 2);
        assertEquals(pagerDutyKeys, PagingFixtures.pagerDuty("rk-" + team, "resolve").stream()
                .map(resolve -> dedupKey(resolve.body())).toList(), "both PagerDuty incidents are resolved");
    }

    @Test
    void aReopenedPageThatNobodyHearsStartsOverInsteadOfStoppingOnTheFirstRoundsDelivery() {
        String team = "reack-unheard-" + UUID.randomUUID().toString().substring(0, 6);
        String hook = "/hook/" + team;
        given().contentType(ContentType.JSON).body("""
                {"members": [{"handle": "alice", "channels": [{"type": "webhook", "url": "%s"}]}],
                 "rotation": {"members": ["alice"], "shiftLength": "P7D", "startsAt": "%s", "timeZone": "UTC"},
                 "escalation": {"ackTimeout": "PT5M", "levels": ["PRIMARY"], "repeat": 0},
                 "reackAfter": "PT30M"}
                """.formatted(PagingFixtures.receiver().url(hook), clock.instant().minus(Duration.ofHours(1))))
                .when().put("/api/teams/" + team).then().statusCode(200);
        burn(team + "-dns", team);
        String id = PagingFixtures.awaitPage(team);
        await().atMost(Duration.ofSeconds(20)).until(() -> hookCalls(hook) == 1);
        given().contentType(ContentType.JSON).body("{}").when().post("/api/pages/" + id + "/ack").then().statusCode(200);

        // Re-opened, and alice's channel now refuses it: nobody hears of the re-open.
        PagingFixtures.receiver().script(hook, 400);
        clock.advance(Duration.ofMinutes(30));
        escalator.reopenStillFiring(clock.instant());
        dispatcher.deliverDue();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/pages/" + id).then()
                .body("state", equalTo("TRIGGERED")).body("notifications.status", hasItem("FAILED")));

        // Its only level goes by: the first round's delivery says nothing of the re-open, so it starts over as unreached
        // (stopping would leave a firing page nobody has heard of) and goes out once the channel takes it again.
        clock.advance(Duration.ofMinutes(5));
        escalator.escalate(clock.instant());
        given().when().get("/api/pages/" + id).then().body("primary", nullValue())
                .body("nextEscalationAt", equalTo(clock.instant().plus(Duration.ofMinutes(1)).toString()));
        clock.advance(Duration.ofMinutes(1));
        escalator.escalate(clock.instant());
        dispatcher.deliverDue();
        await().atMost(Duration.ofSeconds(20)).until(() -> hookCalls(hook) == 3);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/pages/" + id).then()
                .body("primary", equalTo("alice")).body("notifications.status", contains("DELIVERED", "FAILED", "DELIVERED")));
    }

    private static int hookCalls(String hook) {
        return PagingFixtures.receiver().received(r -> r.path().equals(hook)).size();
    }

    private static String dedupKey(String pagerDutyBody) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(pagerDutyBody).path("dedup_key").asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aPageWhoseAlertIsNoLongerStoredAsFiringIsNotReopenedAndMayBeResolvedByHand() {
        String team = team("reack-quiet-" + UUID.randomUUID().toString().substring(0, 6));
        String dedupKey = "quiet-" + UUID.randomUUID().toString().substring(0, 8);
        PagingFixtures.publish(team, PagingFixtures.alert(clock, "AlertFired", team, "quiet-dns", dedupKey));
        String id = PagingFixtures.awaitPage(team);
        given().contentType(ContentType.JSON).body("{}").when().post("/api/pages/" + id + "/ack").then().statusCode(200);
        clock.advance(Duration.ofMinutes(31));
        escalator.reopenStillFiring(clock.instant());
        given().when().get("/api/pages/" + id).then().body("state", equalTo("ACKNOWLEDGED"))
                .body("reopenedCount", equalTo(0)).body("reackDueAt", nullValue());

        given().header("Authorization", "Bearer " + TestTokens.token("bob", TestTokens.RESPONDER))
                .when().post("/api/pages/" + id + "/resolve").then().statusCode(200)
                .body("state", equalTo("RESOLVED")).body("resolvedBy", equalTo("bob"));
        given().when().get("/api/pages?team=" + team).then().body("", hasSize(1));
    }

    @Test
    void reackAfterOutsideAMinuteToADayIsRefused() {
        String body = """
                {"members": [{"handle": "alice", "channels": []}], "reackAfter": "PT10S",
                 "rotation": {"members": ["alice"], "shiftLength": "P1D", "startsAt": "%s", "timeZone": "UTC"}}
                """.formatted(clock.instant());
        given().contentType(ContentType.JSON).body(body).when().put("/api/teams/reack-bad").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("reackAfter"));
        given().when().get("/api/teams/reack-bad").then().statusCode(404);
    }
}
