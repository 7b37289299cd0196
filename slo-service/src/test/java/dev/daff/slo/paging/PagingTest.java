package dev.daff.slo.paging;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.kit.security.WebhookSignature;
import dev.daff.localinfra.RecordingReceiver;
import dev.daff.localinfra.RecordingReceiver.Received;
import dev.daff.localinfra.TestTokens;
import dev.daff.localinfra.SimulatedClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import dev.daff.slo.paging.delivery.PageDispatcher;
import dev.daff.slo.paging.escalation.Escalator;
import dev.daff.slo.paging.pages.PagerInOneTransaction;

@QuarkusTest
@QuarkusTestResource(value = PagingReceiverResource.class, restrictToAnnotatedClass = false)
class PagingTest {

    final ObjectMapper json = new ObjectMapper();

    @Inject
    SimulatedClock clock;

    @Inject
    Escalator escalator;

    @Inject
    PageDispatcher dispatcher;

    @Inject
    MeterRegistry registry;

    @Inject
    io.agroal.api.AgroalDataSource dataSource;

    @Inject
    PagerInOneTransaction pagerInOneTransaction;

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    RecordingReceiver receiver() {
        return PagingFixtures.receiver();
    }

    String team(String name, String bobPath) {
        return PagingFixtures.team(clock, name, receiver().url(bobPath));
    }

    String alert(String type, String team, String slo, String dedupKey) {
        return PagingFixtures.alert(clock, type, team, slo, dedupKey);
    }

    void publish(String team, String body) {
        PagingFixtures.publish(team, body);
    }

    String awaitPage(String team) {
        return PagingFixtures.awaitPage(team);
    }

    List<Received> pagerDuty(String routingKey, String action) {
        return PagingFixtures.pagerDuty(routingKey, action);
    }

    /** The report counts the team's page; a range it cannot answer is a 400 that names the field, never a 500. */
    @Test
    void theTeamsPagingReportCountsItsPageAndRefusesARangeItCannotAnswer() {
        String team = team("sre-report", "/hook/sre-report");
        publish(team, alert("AlertFired", team, "report", "report:PAGE:BURN_RATE:1"));
        awaitPage(team);
        // the simulated clock stands still: the page was made at "now", which the default [now - 7 days, now) leaves out
        String to = clock.instant().plusSeconds(60).toString();
        given().queryParam("to", to).when().get("/api/teams/" + team + "/paging-report").then().statusCode(200)
                .body("team", equalTo(team)).body("pages", equalTo(1));
        for (String[] range : new String[][] {
                { "-1000000000-01-01T00:00:00Z", null, "from" },
                { "+1000000000-01-01T00:00:00Z", null, "from" },
                { null, "+1000000000-01-01T00:00:00Z", "to" },
                { clock.instant().minus(Duration.ofDays(800)).toString(), null, "from" },
                { clock.instant().toString(), clock.instant().minus(Duration.ofDays(1)).toString(), "from" },
                { "yesterday", null, "from" } }) {
            var request = given();
            if (range[0] != null) {
                request.queryParam("from", range[0]);
            }
            if (range[1] != null) {
                request.queryParam("to", range[1]);
            }
            request.when().get("/api/teams/" + team + "/paging-report").then().statusCode(400)
                    .contentType("application/problem+json").body("detail", containsString(range[2]))
                    .body("detail", org.hamcrest.Matchers.not(containsString("Exception")));
        }
        given().queryParam("to", to).when().get("/api/teams/" + team + "/paging-report").then().statusCode(200)
                .body("pages", equalTo(1));
    }

    @Test
    void pageReachesThePrimaryWithThePagerDutyV2BodyOnceEvenWhenTheAlertComesTwice() throws Exception {
        String team = team("sre-one", "/hook/sre-one");
        String dedupKey = "dns-one:PAGE:BURN_RATE:1";
        String fired = alert("AlertFired", team, "dns-one", dedupKey);
        publish(team, fired);
        publish(team, fired.replaceFirst("\"eventId\": \"[^\"]+\"", "\"eventId\": \"" + UUID.randomUUID() + "\""));
        String id = awaitPage(team);
        await().atMost(Duration.ofSeconds(20)).until(() -> pagerDuty("rk-sre-one", "trigger").size() == 1);
        // A later page for another team proves the duplicate was consumed (one partition, in order).
        String marker = team("sre-marker", "/hook/sre-marker");
        publish(marker, alert("AlertFired", marker, "marker", "marker:PAGE:BURN_RATE:1"));
        awaitPage(marker);
        await().atMost(Duration.ofSeconds(20)).until(() -> pagerDuty("rk-sre-marker", "trigger").size() == 1);
        assertEquals(1, pagerDuty("rk-sre-one", "trigger").size(), "one notification for one alert episode");

        JsonNode body = json.readTree(pagerDuty("rk-sre-one", "trigger").get(0).body());
        assertEquals("trigger", body.get("event_action").asText());
        assertEquals(dedupKey, body.get("dedup_key").asText());
        JsonNode payload = body.get("payload");
        assertEquals("critical", payload.get("severity").asText());
        assertEquals("dns", payload.get("source").asText());
        assertEquals("PAGE: SLO dns-one (dns) is burning its error budget 20.0× too fast (30.0× over the short window,"
                + " tier 1h/5m, threshold 14.4×); 97.0 % of the budget left; budget exhausted in 41 min at this rate",
                payload.get("summary").asText());
        assertTrue(payload.get("summary").asText().length() <= 1024);
        JsonNode details = payload.get("custom_details");
        assertEquals(20.0, details.at("/burn_rates/long_window").asDouble());
        assertEquals(0.97, details.get("budget_remaining").asDouble());
        assertEquals("dns-one", details.get("slo").asText());
        assertEquals("1h/5m", details.get("tier").asText());
        assertTrue(details.at("/links/slo_status").asText().endsWith("/api/slos/dns-one/status"));
        given().when().get("/api/pages/" + id).then().body("state", equalTo("TRIGGERED")).body("primary", equalTo("alice"))
                .body("notifications", hasSize(1)).body("notifications[0].status", equalTo("DELIVERED"))
                .body("notifications[0].deliveryLog[0].statusCode", equalTo(200));
    }

    @Test
    void aPageForATeamNotYetDefinedGoesOutOnceTheTeamIs() throws Exception {
        String team = "sre-late";
        publish(team, alert("AlertFired", team, "dns-late", "dns-late:PAGE:BURN_RATE:1"));
        String id = awaitPage(team);
        given().when().get("/api/pages/" + id).then().body("state", equalTo("TRIGGERED")).body("notifications", hasSize(0));
        clock.advance(Duration.ofMinutes(1));
        escalator.escalate(clock.instant());
        given().when().get("/api/pages/" + id).then().body("notifications", hasSize(0));

        team(team, "/hook/sre-late");
        clock.advance(Duration.ofMinutes(1));
        escalator.escalate(clock.instant());
        await().atMost(Duration.ofSeconds(20)).until(() -> pagerDuty("rk-sre-late", "trigger").size() == 1);
        given().when().get("/api/pages/" + id).then().body("primary", equalTo("alice"))
                .body("notifications.action", contains("trigger"));
        // and from there it escalates as any page: the secondary five minutes later
        clock.advance(Duration.ofMinutes(5));
        escalator.escalate(clock.instant());
        await().atMost(Duration.ofSeconds(20))
                .until(() -> receiver().received(r -> r.path().equals("/hook/sre-late")).size() == 1);
    }

    @Test
    void unacknowledgedPagesEscalateToTheSecondaryAndAcknowledgementStopsThem() throws Exception {
        String team = team("sre-esc", "/hook/sre-esc");
        String dedupKey = "dns-esc:PAGE:BURN_RATE:1";
        publish(team, alert("AlertFired", team, "dns-esc", dedupKey));
        String id = awaitPage(team);
        await().atMost(Duration.ofSeconds(20)).until(() -> pagerDuty("rk-sre-esc", "trigger").size() == 1);

        clock.advance(Duration.ofMinutes(4));
        escalator.escalate(clock.instant());
        assertEquals(0, receiver().received(r -> r.path().equals("/hook/sre-esc")).size(), "not yet: ackTimeout is 5 min");
        clock.advance(Duration.ofMinutes(1));
        escalator.escalate(clock.instant());
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver().received(r -> r.path().equals("/hook/sre-esc")).size() == 1);
        Received toBob = receiver().received(r -> r.path().equals("/hook/sre-esc")).get(0);
        assertTrue(WebhookSignature.verify("s3cret-sre-esc", toBob.body().getBytes(StandardCharsets.UTF_8),
                toBob.header(WebhookSignature.HEADER)), "the webhook is signed with bob's channel secret");
        assertEquals("page.triggered", json.readTree(toBob.body()).get("type").asText());

        given().header("Authorization", "Bearer " + TestTokens.token("bob", TestTokens.RESPONDER))
                .contentType(ContentType.JSON).body("{\"by\": \"mallory\"}")
                .when().post("/api/pages/" + id + "/ack")
                .then().statusCode(200).body("state", equalTo("ACKNOWLEDGED")).body("acknowledgedBy", equalTo("bob"));
        clock.advance(Duration.ofMinutes(30));
        escalator.escalate(clock.instant());
        dispatcher.deliverDue();
        given().when().get("/api/pages/" + id).then().body("notifications.action", contains("trigger", "trigger", "acknowledge"));
        assertEquals(1, receiver().received(r -> r.path().equals("/hook/sre-esc")).size(), "acknowledged: nobody else is paged");
        assertEquals(0, receiver().received(r -> r.path().equals("/slack/sre-esc")).size());
        await().atMost(Duration.ofSeconds(20)).until(() -> pagerDuty("rk-sre-esc", "acknowledge").size() == 1);

        publish(team, alert("AlertResolved", team, "dns-esc", dedupKey));
        await().atMost(Duration.ofSeconds(20)).until(() -> pagerDuty("rk-sre-esc", "resolve").size() == 1);
        JsonNode resolve = json.readTree(pagerDuty("rk-sre-esc", "resolve").get(0).body());
        assertEquals(dedupKey, resolve.get("dedup_key").asText());
        given().when().get("/api/pages/" + id).then().body("state", equalTo("RESOLVED"));
    }

    /**
     * The burn stopped and its episode is stored as cleared, but the AlertResolved waits in the outbox while the broker
     * stalls: the page is not escalated meanwhile, so nobody is woken for a burn that stopped, and it resolves once the
     * event comes.
     */
    @Test
    void aPageWhoseAlertClearedIsNotEscalatedWhileItsAlertResolvedIsOnItsWay() throws Exception {
        String team = team("sre-cleared", "/hook/sre-cleared");
        String dedupKey = "dns-cleared:PAGE:BURN_RATE:1";
        publish(team, alert("AlertFired", team, "dns-cleared", dedupKey));
        String id = awaitPage(team);
        await().atMost(Duration.ofSeconds(20)).until(() -> pagerDuty("rk-sre-cleared", "trigger").size() == 1);
        try (var connection = dataSource.getConnection(); var insert = connection.prepareStatement("insert into slo_alert"
                + " (alert_id, dedup_key, slo_name, severity, kind, burn_rate_long, burn_rate_short, threshold,"
                + " budget_remaining, fired_at, resolved_at) values (?, ?, 'dns-cleared', 'PAGE', 'BURN_RATE', 20, 30,"
                + " 14.4, 0.9, ?, ?)")) {
            insert.setString(1, java.util.UUID.randomUUID().toString());
            insert.setString(2, dedupKey);
            insert.setTimestamp(3, java.sql.Timestamp.from(clock.instant().minus(Duration.ofMinutes(2))));
            insert.setTimestamp(4, java.sql.Timestamp.from(clock.instant()));
            insert.executeUpdate();
        }

        clock.advance(Duration.ofMinutes(5));
        escalator.escalate(clock.instant());
        dispatcher.deliverDue();
        assertEquals(0, receiver().received(r -> r.path().equals("/hook/sre-cleared")).size(),
                "its alert has cleared: the secondary is not paged");
        given().when().get("/api/pages/" + id).then().body("state", equalTo("TRIGGERED"))
                .body("notifications.action", contains("trigger"));

        publish(team, alert("AlertResolved", team, "dns-cleared", dedupKey));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/pages/" + id).then()
                .body("state", equalTo("RESOLVED")));
    }

    @Test
    void aPageLeftUnacknowledgedAcrossAHandOverGoesToWhoeverCameOnCall() {
        // alice's day ends two minutes after the page fires; bob's begins. Escalation: PRIMARY, then SECONDARY, once.
        String team = "sre-handover";
        given().contentType(ContentType.JSON).body("""
                {"members": [
                   {"handle": "alice", "channels": [{"type": "webhook", "url": "%s"}]},
                   {"handle": "bob", "channels": [{"type": "webhook", "url": "%s"}]}],
                 "rotation": {"members": ["alice", "bob"], "shiftLength": "P1D", "startsAt": "%s", "timeZone": "UTC"},
                 "escalation": {"ackTimeout": "PT5M", "levels": ["PRIMARY", "SECONDARY"], "repeat": 0}}
                """.formatted(receiver().url("/hook/handover-alice"), receiver().url("/hook/handover-bob"),
                clock.instant().minus(Duration.ofDays(1)).plus(Duration.ofMinutes(2))))
                .when().put("/api/teams/" + team).then().statusCode(200);
        publish(team, alert("AlertFired", team, "dns-handover", "dns-handover:PAGE:BURN_RATE:1"));
        String id = awaitPage(team);
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver().received(r -> r.path().equals("/hook/handover-alice")).size() == 1);

        clock.advance(Duration.ofMinutes(5)); // bob is on call now, and nobody acknowledged
        escalator.escalate(clock.instant());
        dispatcher.deliverDue();
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver().received(r -> r.path().equals("/hook/handover-bob")).size() == 1);
        given().when().get("/api/pages/" + id).then().body("notifications.recipient", contains("alice", "bob"));
        assertEquals(1, receiver().received(r -> r.path().equals("/hook/handover-alice")).size(),
                "alice, off shift, is not paged a second time in bob's place");
    }

    @Test
    void anOnCallWhoCameOnShiftWithoutAChannelHearsThroughTheTeamChannel() {
        // alice (a webhook) is paged; her day ends two minutes later and bob's begins. bob has no channel of his own:
        // the team's channel reaches him. The repeat's PRIMARY step pages alice again beside bob, and went to alice
        // alone: the team channel was skipped as soon as anyone of the level had a channel (helper-60).
        String team = "sre-handover-teamchannel";
        given().contentType(ContentType.JSON).body("""
                {"members": [{"handle": "alice", "channels": [{"type": "webhook", "url": "%s"}]}, {"handle": "bob"}],
                 "channels": [{"type": "webhook", "url": "%s"}],
                 "rotation": {"members": ["alice", "bob"], "shiftLength": "P1D", "startsAt": "%s", "timeZone": "UTC"},
                 "escalation": {"ackTimeout": "PT5M", "levels": ["PRIMARY"], "repeat": 1}}
                """.formatted(receiver().url("/hook/handover-tc-alice"), receiver().url("/hook/handover-tc-team"),
                clock.instant().minus(Duration.ofDays(1)).plus(Duration.ofMinutes(2))))
                .when().put("/api/teams/" + team).then().statusCode(200);
        publish(team, alert("AlertFired", team, "dns-handover-tc", "dns-handover-tc:PAGE:BURN_RATE:1"));
        String id = awaitPage(team);
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver().received(r -> r.path().equals("/hook/handover-tc-team")).size() == 1);

        clock.advance(Duration.ofMinutes(5)); // bob is on call now, and nobody acknowledged
        escalator.escalate(clock.instant());
        dispatcher.deliverDue();
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver().received(r -> r.path().equals("/hook/handover-tc-alice")).size() == 2);
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver().received(r -> r.path().equals("/hook/handover-tc-team")).size() == 2);
        given().when().get("/api/pages/" + id).then().body("notifications.recipient", contains("alice", null, "alice", null));
    }

    @Test
    void aPageWhoseOnCallHasNoChannelGoesToTheSecondaryWithoutWaitingTheAckTimeout() {
        // alice is on call but has no channel, and the team none of its own: nobody can acknowledge in five minutes.
        String team = "sre-silent-primary";
        given().contentType(ContentType.JSON).body("""
                {"members": [{"handle": "alice"}, {"handle": "bob", "channels": [{"type": "webhook", "url": "%s"}]}],
                 "rotation": {"members": ["alice", "bob"], "shiftLength": "P1D", "startsAt": "%s", "timeZone": "UTC"},
                 "escalation": {"ackTimeout": "PT5M", "levels": ["PRIMARY", "SECONDARY"], "repeat": 0}}
                """.formatted(receiver().url("/hook/silent-primary-bob"), clock.instant().minus(Duration.ofHours(1))))
                .when().put("/api/teams/" + team).then().statusCode(200);
        publish(team, alert("AlertFired", team, "dns-silent", "dns-silent:PAGE:BURN_RATE:1"));
        String id = awaitPage(team);
        given().when().get("/api/pages/" + id).then().body("primary", equalTo("alice")).body("notifications", hasSize(0));

        escalator.escalate(clock.instant()); // the next escalation check, the clock not moved
        dispatcher.deliverDue();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> receiver().received(r -> r.path().equals("/hook/silent-primary-bob")).size() == 1);
        given().when().get("/api/pages/" + id).then().body("notifications.recipient", contains("bob"));
    }

    /**
     * The team's levels change while a page escalates: PRIMARY, SECONDARY, TEAM with the page at SECONDARY, made
     * PRIMARY, TEAM. The next step pages TEAM. Before, the page's position was read against the new list, the step
     * wrapped past its end, and with no repeat the escalation stopped: carol, only in TEAM, was never paged.
     */
    @Test
    void aPageGoesOnFromTheFirstLevelItHasNotPagedWhenItsTeamsLevelsChange() {
        String team = "sre-relevel";
        String definition = """
                {"members": [
                   {"handle": "alice", "channels": [{"type": "webhook", "url": "%s"}]},
                   {"handle": "bob", "channels": [{"type": "webhook", "url": "%s"}]},
                   {"handle": "carol", "channels": [{"type": "webhook", "url": "%s"}]}],
                 "rotation": {"members": ["alice", "bob", "carol"], "shiftLength": "P1D", "startsAt": "%s", "timeZone": "UTC"},
                 "escalation": {"ackTimeout": "PT5M", "levels": ["PRIMARY", "SECONDARY", "TEAM"], "repeat": 0}}
                """.formatted(receiver().url("/hook/relevel-alice"), receiver().url("/hook/relevel-bob"),
                receiver().url("/hook/relevel-carol"), clock.instant().minus(Duration.ofHours(1)));
        given().contentType(ContentType.JSON).body(definition).when().put("/api/teams/" + team).then().statusCode(200);
        publish(team, alert("AlertFired", team, "dns-relevel", "dns-relevel:PAGE:BURN_RATE:1"));
        String id = awaitPage(team);
        clock.advance(Duration.ofMinutes(5));
        escalator.escalate(clock.instant());
        dispatcher.deliverDue();
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver().received(r -> r.path().equals("/hook/relevel-bob")).size() == 1);

        given().contentType(ContentType.JSON).body(definition.replace("\"PRIMARY\", \"SECONDARY\", \"TEAM\"", "\"PRIMARY\", \"TEAM\""))
                .when().put("/api/teams/" + team).then().statusCode(200);
        clock.advance(Duration.ofMinutes(5));
        escalator.escalate(clock.instant());
        dispatcher.deliverDue();
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver().received(r -> r.path().equals("/hook/relevel-carol")).size() == 1);
        given().when().get("/api/pages/" + id).then().body("escalationLevel", equalTo(1)).body("escalationRound", equalTo(0))
                .body("nextEscalationAt", notNullValue());
    }

    /**
     * Alice and bob have no channel of their own and the team has one: each level goes to the team's channel and
     * waits out ackTimeout. Before, the channel was told only the first time; every later level told nobody and went
     * by at the next check, and the escalation stopped for good within a minute or two.
     */
    @Test
    void aTeamReachedOnlyThroughItsOwnChannelIsToldAtEveryLevel() {
        String team = "sre-team-channel";
        given().contentType(ContentType.JSON).body("""
                {"members": [{"handle": "alice"}, {"handle": "bob"}],
                 "channels": [{"type": "webhook", "url": "%s"}],
                 "rotation": {"members": ["alice", "bob"], "shiftLength": "P1D", "startsAt": "%s", "timeZone": "UTC"},
                 "escalation": {"ackTimeout": "PT5M", "levels": ["PRIMARY", "SECONDARY"], "repeat": 1}}
                """.formatted(receiver().url("/hook/team-channel-only"), clock.instant().minus(Duration.ofHours(1))))
                .when().put("/api/teams/" + team).then().statusCode(200);
        publish(team, alert("AlertFired", team, "dns-team-channel", "dns-team-channel:PAGE:BURN_RATE:1"));
        String id = awaitPage(team);
        clock.advance(Duration.ofMinutes(5));
        for (int check = 0; check < 4; check++) { // the checks of the next minute, the clock not moved
            escalator.escalate(clock.instant());
        }
        dispatcher.deliverDue();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> receiver().received(r -> r.path().equals("/hook/team-channel-only")).size() == 2);
        given().when().get("/api/pages/" + id).then().body("escalationLevel", equalTo(1)).body("escalationRound", equalTo(0))
                .body("nextEscalationAt", notNullValue());
    }

    @Test
    void aPageThatReachedNobodyAtAnyLevelKeepsLookingUntilTheTeamGivesSomebodyAChannel() {
        String team = "sre-no-channels";
        String noChannels = """
                {"members": [{"handle": "alice"}, {"handle": "bob"}],
                 "rotation": {"members": ["alice", "bob"], "shiftLength": "P1D", "startsAt": "%s", "timeZone": "UTC"},
                 "escalation": {"ackTimeout": "PT5M", "levels": ["PRIMARY", "SECONDARY"], "repeat": 0}}
                """.formatted(clock.instant().minus(Duration.ofHours(1)));
        given().contentType(ContentType.JSON).body(noChannels).when().put("/api/teams/" + team).then().statusCode(200);
        publish(team, alert("AlertFired", team, "dns-nochan", "dns-nochan:PAGE:BURN_RATE:1"));
        String id = awaitPage(team);
        double unreachedBefore = registry.counter("daff.paging.pages.unreached").count();
        for (int check = 0; check < 3; check++) { // SECONDARY, then past the last level
            escalator.escalate(clock.instant());
        }
        assertEquals(1, registry.counter("daff.paging.pages.unreached").count() - unreachedBefore, 0.0,
                "counted once as a page that reached nobody");

        given().contentType(ContentType.JSON).body(noChannels.replace("{\"handle\": \"alice\"}",
                "{\"handle\": \"alice\", \"channels\": [{\"type\": \"webhook\", \"url\": \""
                        + receiver().url("/hook/no-channels-alice") + "\"}]}"))
                .when().put("/api/teams/" + team).then().statusCode(200);
        clock.advance(Duration.ofMinutes(1));
        escalator.escalate(clock.instant());
        dispatcher.deliverDue();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> receiver().received(r -> r.path().equals("/hook/no-channels-alice")).size() == 1);
        given().when().get("/api/pages/" + id).then().body("state", equalTo("TRIGGERED"))
                .body("notifications.recipient", contains("alice"));
    }

    /** bob alone, his webhook at /hook/{team}, paged once: one level (PRIMARY), no repeat. */
    void oneLevelOneRound(String team) {
        given().contentType(ContentType.JSON).body("""
                {"members": [{"handle": "bob", "channels": [{"type": "webhook", "url": "%s"}]}],
                 "rotation": {"members": ["bob"], "shiftLength": "P1D", "startsAt": "%s", "timeZone": "UTC"},
                 "escalation": {"ackTimeout": "PT5M", "levels": ["PRIMARY"], "repeat": 0}}
                """.formatted(receiver().url("/hook/" + team), clock.instant().minus(Duration.ofHours(1))))
                .when().put("/api/teams/" + team).then().statusCode(200);
    }

    /**
     * helper-80 #3: the primary's only channel refuses the page for good (a revoked URL answers 404). Nobody has heard
     * of it, yet the page waited out the level's ackTimeout, a day here, before the secondary was paged. It is due at
     * once: the next escalation check pages the secondary, with the clock where it was.
     */
    @Test
    void aLevelWhoseEveryChannelRefusesThePageEscalatesWithoutWaitingOutItsAckTimeout() {
        String team = "sre-revoked";
        receiver().script("/hook/" + team + "/alice", 404);
        given().contentType(ContentType.JSON).body("""
                {"members": [{"handle": "alice", "channels": [{"type": "webhook", "url": "%s"}]},
                             {"handle": "bob", "channels": [{"type": "webhook", "url": "%s"}]}],
                 "rotation": {"members": ["alice", "bob"], "shiftLength": "P1D", "startsAt": "%s", "timeZone": "UTC"},
                 "escalation": {"ackTimeout": "P1D", "levels": ["PRIMARY", "SECONDARY"], "repeat": 0}}
                """.formatted(receiver().url("/hook/" + team + "/alice"), receiver().url("/hook/" + team + "/bob"),
                clock.instant().minus(Duration.ofHours(1)))).when().put("/api/teams/" + team).then().statusCode(200);
        publish(team, alert("AlertFired", team, "dns-revoked", "dns-revoked:PAGE:BURN_RATE:1"));
        String id = awaitPage(team);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/pages/" + id).then()
                .body("primary", equalTo("alice")).body("notifications[0].status", equalTo("FAILED")));
        escalator.escalate(clock.instant()); // (or the scheduled check, first)
        dispatcher.deliverDue();
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver().received(r -> r.path().equals("/hook/" + team + "/bob"))
                .size() == 1);
        given().when().get("/api/pages/" + id).then().body("state", equalTo("TRIGGERED"))
                .body("notifications.recipient", contains("alice", "bob"))
                .body("notifications.status", contains("FAILED", "DELIVERED"));
    }

    @Test
    void aPageWhoseEveryDeliveryFailedIsPagedAgainOnceAChannelTakesIt() {
        // bob's only channel refuses the trigger (a 400 is not retried), and the last escalation round passes: a
        // page nobody has heard of must not stop escalating, whatever was queued for it.
        String team = "sre-every-trigger-refused";
        receiver().script("/hook/" + team, 400);
        oneLevelOneRound(team);
        double unreachedBefore = registry.counter("daff.paging.pages.unreached").count();
        publish(team, alert("AlertFired", team, "dns-refused", "dns-refused:PAGE:BURN_RATE:1"));
        String id = awaitPage(team);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/pages/" + id).then()
                .body("notifications[0].status", equalTo("FAILED")));

        // Refused for good, the page is due at once (the scheduled check may take it first), not after the ack
        // timeout: past the last level of the only round, it reached nobody.
        clock.advance(Duration.ofMinutes(5));
        escalator.escalate(clock.instant());
        assertEquals(1, registry.counter("daff.paging.pages.unreached").count() - unreachedBefore, 0.0,
                "counted as a page that reached nobody");
        clock.advance(Duration.ofMinutes(1)); // the receiver answers 200 from here on
        escalator.escalate(clock.instant());
        dispatcher.deliverDue();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/pages/" + id).then()
                .body("state", equalTo("TRIGGERED")).body("notifications.status", contains("FAILED", "DELIVERED")));
        assertEquals(2, receiver().received(r -> r.path().equals("/hook/" + team)).size());
    }

    @Test
    void aPageStillBeingRetriedAtItsLastRoundIsNotQueuedAgainBesideTheRetry() {
        // The receiver answers 503 for a while: the trigger is retried (backing off), not yet failed, when the round
        // ends. Queuing another beside it would page twice once the receiver is back; the retry is left to finish.
        String team = "sre-retrying";
        receiver().script("/hook/" + team, 503, 503, 503, 503, 503);
        oneLevelOneRound(team);
        publish(team, alert("AlertFired", team, "dns-retrying", "dns-retrying:PAGE:BURN_RATE:1"));
        String id = awaitPage(team);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/pages/" + id).then()
                .body("notifications[0].deliveryLog", hasSize(1)));

        for (int step = 1; step <= 6; step++) { // every two minutes: past each backoff; the round ends at 5 minutes
            clock.advance(Duration.ofMinutes(2));
            escalator.escalate(clock.instant());
            dispatcher.deliverDue();
            int attempts = Math.min(step + 1, 6);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/pages/" + id).then()
                    .body("notifications", hasSize(1)).body("notifications[0].deliveryLog", hasSize(attempts)));
        }
        given().when().get("/api/pages/" + id).then().body("state", equalTo("TRIGGERED"))
                .body("notifications.status", contains("DELIVERED"));
        assertEquals(6, receiver().received(r -> r.path().equals("/hook/" + team)).size(), "five 503s, one 200");
    }

    @Test
    void anAlertFiredReplayedAfterItsAlertResolvedPagesNobodyAndIsOnRecordAsResolved() {
        // The episode's AlertFired was dead-lettered and is replayed after its AlertResolved. Paging it now would wake
        // someone for what is over, and nothing would ever resolve that page.
        String team = team("sre-replayed", "/hook/sre-replayed");
        String dedupKey = "dnsr:PAGE:BURN_RATE:1764900000";
        publish(team, alert("AlertResolved", team, "dns-replayed", dedupKey));
        publish(team, alert("AlertFired", team, "dns-replayed", dedupKey));
        // A later alert of the same team (same key, same partition, in order) proves the replay was consumed.
        publish(team, alert("AlertFired", team, "dns-later", "dns-later:PAGE:1"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().queryParam("team", team).when()
                .get("/api/pages").then().body("dedupKey", org.hamcrest.Matchers.hasItem("dns-later:PAGE:1")));
        String replayed = given().queryParam("team", team).queryParam("state", "RESOLVED").when().get("/api/pages")
                .then().body("dedupKey", contains(dedupKey)).extract().path("[0].id");
        given().when().get("/api/pages/" + replayed).then().body("state", equalTo("RESOLVED"))
                .body("notifications", hasSize(0));
        assertEquals(0, pagerDuty("rk-" + team, "trigger").stream().filter(r -> r.body().contains(dedupKey)).count(),
                "nobody paged for the replayed episode");
    }

    @Test
    void anEpisodeThatFiredAndClearedWhilePagingWasBehindIsStillPagedAndResolved() {
        // Paging lagged (a broker stall, a rebalance): AlertFired and AlertResolved arrive together, in order. The
        // on-call still learns of the page-level burn: a trigger, then its resolve.
        String team = team("sre-behind", "/hook/sre-behind");
        String dedupKey = "dnsb:PAGE:BURN_RATE:1764900000";
        publish(team, alert("AlertFired", team, "dns-behind", dedupKey));
        publish(team, alert("AlertResolved", team, "dns-behind", dedupKey));
        await().atMost(Duration.ofSeconds(20)).until(() -> pagerDuty("rk-" + team, "resolve").size() == 1);
        assertEquals(1, pagerDuty("rk-" + team, "trigger").size());
        given().queryParam("team", team).when().get("/api/pages").then().body("state", contains("RESOLVED"));
    }

    @Test
    void anEpisodeThatClearedBeforeItsTriggerWasClaimedIsStillPagedThenResolved() throws Exception {
        // Both events applied before the dispatcher's next claim: the page is RESOLVED when its trigger, never tried,
        // is claimed. The trigger still goes, then the resolve; a resolve alone would tell the on-call nothing.
        String team = team("sre-behind-claim", "/hook/sre-behind-claim");
        String dedupKey = "dnsc:PAGE:BURN_RATE:1764900000";
        pagerInOneTransaction.apply(List.of(alert("AlertFired", team, "dns-behind-claim", dedupKey),
                alert("AlertResolved", team, "dns-behind-claim", dedupKey)));
        dispatcher.deliverDue();
        await().atMost(Duration.ofSeconds(20)).until(() -> pagerDuty("rk-" + team, "resolve").size() == 1);
        List<Received> triggers = pagerDuty("rk-" + team, "trigger");
        assertEquals(1, triggers.size(), "the trigger reached PagerDuty");
        assertTrue(!triggers.get(0).at().isAfter(pagerDuty("rk-" + team, "resolve").get(0).at()), "trigger first");
        String id = given().queryParam("team", team).when().get("/api/pages").then().body("state", contains("RESOLVED"))
                .extract().path("[0].id");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/pages/" + id).then()
                .body("notifications.action", contains("trigger", "resolve"))
                .body("notifications.status", everyItem(equalTo("DELIVERED"))));
    }

    @Test
    void withoutAnEscalationOfItsOwnAPageGoesThroughPrimarySecondaryAndTeamThreeTimesThenStaysOpen() {
        // The default: PRIMARY, SECONDARY, TEAM, each after 5 minutes unacknowledged, repeated twice (3 rounds).
        String team = "sre-default-escalation";
        PagingFixtures.soloTeam(clock, team, "bob", "{\"type\": \"webhook\", \"url\": \"" + receiver().url("/hook/" + team) + "\"}");
        publish(team, alert("AlertFired", team, "dns-default", "dns-default:PAGE:BURN_RATE:1"));
        String id = awaitPage(team);
        List<String> steps = new java.util.ArrayList<>();
        for (int check = 0; check < 10; check++) {
            clock.advance(Duration.ofMinutes(5));
            escalator.escalate(clock.instant());
            dispatcher.deliverDue();
            var page = given().when().get("/api/pages/" + id).then().extract().jsonPath();
            steps.add(page.getInt("escalationLevel") + "/" + page.getInt("escalationRound"));
        }
        assertEquals(List.of("1/0", "2/0", "0/1", "1/1", "2/1", "0/2", "1/2", "2/2", "2/2", "2/2"), steps,
                "level/round after each check");
        given().when().get("/api/pages/" + id).then().body("state", equalTo("TRIGGERED"))
                .body("nextEscalationAt", org.hamcrest.Matchers.nullValue()).body("notifications", hasSize(9));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/pages/" + id).then()
                .body("notifications.status", everyItem(equalTo("DELIVERED"))));
        assertEquals(9, receiver().received(r -> r.path().equals("/hook/" + team)).size());
    }

    @Test
    void aChannelThatKeepsFailingIsGivenUpOnAfterMaxAttemptsAndCounted() {
        String team = "sre-gives-up";
        receiver().script("/hook/" + team, java.util.Collections.nCopies(12, 503).toArray(Integer[]::new));
        PagingFixtures.soloTeam(clock, team, "bob", "{\"type\": \"webhook\", \"url\": \"" + receiver().url("/hook/" + team) + "\"}");
        double failedBefore = registry.counter("daff.page.deliveries", "channel", "webhook", "outcome", "failed").count();
        publish(team, alert("AlertFired", team, "dns-gives-up", "dns-gives-up:PAGE:BURN_RATE:1"));
        String id = awaitPage(team);
        for (int attempt = 1; attempt <= 12; attempt++) {
            int made = attempt;
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/pages/" + id).then()
                    .body("notifications[0].deliveryLog", hasSize(made)));
            clock.advance(Duration.ofSeconds(90)); // past the longest backoff (a minute, + 20 % jitter)
            dispatcher.deliverDue();
        }
        given().when().get("/api/pages/" + id).then().body("notifications[0].status", equalTo("FAILED"))
                .body("notifications[0].deliveryLog", hasSize(12));
        // At least: moving the shared clock 18 minutes lets other tests' failing notifications run out of attempts too.
        assertTrue(registry.counter("daff.page.deliveries", "channel", "webhook", "outcome", "failed").count()
                - failedBefore >= 1);
        int first = given().when().get("/api/pages/" + id).then().extract().path("notifications[0].id");
        assertEquals(12, receiver().received(r -> r.path().equals("/hook/" + team)
                && String.valueOf(first).equals(r.header("X-Daff-Delivery"))).size(), "no 13th attempt");
    }

    /**
     * helper-82 #1: a trigger sent by a replica of a version from before V23 has no {@code first_claimed_at} (V23 filled it
     * in once, at migration time, while such replicas went on sending during the rolling upgrade). Its resolve was
     * judged to go where no trigger had gone, and dropped: the PagerDuty incident stayed open, paging on, for a burn
     * that had stopped. A trigger that was delivered, or tried, went: its channel gets the resolve.
     */
    @Test
    void aTriggerSentByAReplicaFromBeforeV23StillGetsItsResolve() throws Exception {
        String team = "sre-old-replica";
        String hook = "/hook/" + team;
        PagingFixtures.soloTeam(clock, team, "bob", "{\"type\": \"webhook\", \"url\": \"" + receiver().url(hook) + "\"}");
        publish(team, alert("AlertFired", team, "dns-old-replica", "dns-old-replica:PAGE:BURN_RATE:1"));
        String id = awaitPage(team);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/pages/" + id).then()
                .body("notifications[0].status", equalTo("DELIVERED")));
        try (var connection = dataSource.getConnection(); var sql = connection.createStatement()) {
            assertEquals(1, sql.executeUpdate("update page_notification set first_claimed_at = null where page_id = '" + id
                    + "'"), "as a replica from before V23 leaves the trigger it sent");
        }
        publish(team, alert("AlertResolved", team, "dns-old-replica", "dns-old-replica:PAGE:BURN_RATE:1"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/pages/" + id).then()
                .body("state", equalTo("RESOLVED"))
                .body("notifications.findAll { it.action == 'resolve' }.status", contains("DELIVERED")));
        assertEquals(2, receiver().received(r -> r.path().equals(hook)).size(), "the trigger, then its resolve");
    }

    @Test
    void aChannelWhoseSecretWasSealedAgainGetsOneResolve() {
        // The team is PUT again with its routing key between alice's two pages (as after adding a channel): the key is
        // sealed again, with a fresh nonce, yet it is the same PagerDuty service and the same incident.
        String team = team("sre-resealed", "/hook/sre-resealed");
        publish(team, alert("AlertFired", team, "dns-resealed", "dns-resealed:PAGE:BURN_RATE:1"));
        String id = awaitPage(team);
        await().atMost(Duration.ofSeconds(20)).until(() -> pagerDuty("rk-sre-resealed", "trigger").size() == 1);
        team("sre-resealed", "/hook/sre-resealed");
        for (int step = 0; step < 2; step++) { // SECONDARY, then TEAM: alice's PagerDuty again
            clock.advance(Duration.ofMinutes(5));
            escalator.escalate(clock.instant());
        }
        dispatcher.deliverDue();
        await().atMost(Duration.ofSeconds(20)).until(() -> pagerDuty("rk-sre-resealed", "trigger").size() == 2);

        publish(team, alert("AlertResolved", team, "dns-resealed", "dns-resealed:PAGE:BURN_RATE:1"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/pages/" + id).then()
                .body("state", equalTo("RESOLVED")).body("notifications.findAll { it.action == 'resolve' }.status",
                        everyItem(equalTo("DELIVERED"))));
        assertEquals(1, pagerDuty("rk-sre-resealed", "resolve").size(), "one resolve for one PagerDuty incident");
    }

    @Test
    void a503IsRetriedUntilItSucceedsAndA400IsNot() throws Exception {
        Timer before = webhookLatency();
        long deliveredBefore = before == null ? 0 : before.count();
        double secondsBefore = before == null ? 0 : before.totalTime(TimeUnit.SECONDS);
        String retry = team("sre-retry", "/hook/sre-retry");
        receiver().script("/hook/sre-retry", 503);
        given().contentType(ContentType.JSON).body("{\"members\": [{\"handle\": \"bob\", \"channels\": [{\"type\": \"webhook\", \"url\": \""
                + receiver().url("/hook/sre-retry") + "\"}]}], \"rotation\": {\"members\": [\"bob\"], \"shiftLength\": \"P1D\", \"startsAt\": \""
                + clock.instant().minus(Duration.ofHours(1)) + "\", \"timeZone\": \"UTC\"}}")
                .when().put("/api/teams/" + retry).then().statusCode(200);
        publish(retry, alert("AlertFired", retry, "dns-retry", "dns-retry:PAGE:BURN_RATE:1"));
        String id = awaitPage(retry);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/pages/" + id)
                .then().body("notifications[0].deliveryLog", hasSize(1)));
        clock.advance(Duration.ofSeconds(2)); // first backoff: 1 s ± 20 %
        dispatcher.deliverDue();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/pages/" + id).then()
                .body("notifications[0].status", equalTo("DELIVERED"))
                .body("notifications[0].deliveryLog.statusCode", contains(503, 200)));
        // The delivery latency counts from the page being queued to the 200, the retry's backoff included.
        Timer latency = webhookLatency();
        assertTrue(latency.count() > deliveredBefore);
        assertTrue(latency.totalTime(TimeUnit.SECONDS) - secondsBefore >= 2.0,
                "latency recorded: " + (latency.totalTime(TimeUnit.SECONDS) - secondsBefore) + " s");

        String bad = "sre-bad";
        receiver().script("/hook/sre-bad", 400);
        given().contentType(ContentType.JSON).body("{\"members\": [{\"handle\": \"bob\", \"channels\": [{\"type\": \"webhook\", \"url\": \""
                + receiver().url("/hook/sre-bad") + "\"}]}], \"rotation\": {\"members\": [\"bob\"], \"shiftLength\": \"P1D\", \"startsAt\": \""
                + clock.instant().minus(Duration.ofHours(1)) + "\", \"timeZone\": \"UTC\"}}")
                .when().put("/api/teams/" + bad).then().statusCode(200);
        publish(bad, alert("AlertFired", bad, "dns-bad", "dns-bad:PAGE:BURN_RATE:1"));
        String badId = awaitPage(bad);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/pages/" + badId)
                .then().body("notifications[0].status", equalTo("FAILED")));
        clock.advance(Duration.ofMinutes(1));
        dispatcher.deliverDue();
        int refused = given().when().get("/api/pages/" + badId).then()
                .body("notifications[0].deliveryLog.statusCode", contains(400)).extract().path("notifications[0].id");
        // (the page escalates to bob's next level at once, a trigger of its own: not a retry of this one)
        assertEquals(1, receiver().received(r -> r.path().equals("/hook/sre-bad")
                && String.valueOf(refused).equals(r.header("X-Daff-Delivery"))).size());
    }

    @Test
    void aRateLimitsRetryAfterIsWaitedOutButNeverBeyondTheLongestBackoff() throws Exception {
        String team = "sre-limited";
        receiver().script("/hook/" + team, 429, 429);
        receiver().answerHeader("/hook/" + team, "Retry-After", "30");
        PagingFixtures.soloTeam(clock, team, "bob", "{\"type\": \"webhook\", \"url\": \"" + receiver().url("/hook/" + team) + "\"}");
        publish(team, alert("AlertFired", team, "dns-limited", "dns-limited:PAGE:BURN_RATE:1"));
        String id = awaitPage(team);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/pages/" + id)
                .then().body("notifications[0].deliveryLog.statusCode", contains(429)));

        clock.advance(Duration.ofSeconds(2)); // the backoff alone (1 s ± 20 %) would try again now
        dispatcher.deliverDue();
        given().when().get("/api/pages/" + id).then().body("notifications[0].deliveryLog", hasSize(1));
        receiver().answerHeader("/hook/" + team, "Retry-After", "3600"); // next, an hour: waited a minute at most
        clock.advance(Duration.ofSeconds(29)); // 31 s after the 429: past what the channel asked for
        dispatcher.deliverDue();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/pages/" + id)
                .then().body("notifications[0].deliveryLog.statusCode", contains(429, 429)));

        clock.advance(Duration.ofSeconds(50));
        dispatcher.deliverDue();
        given().when().get("/api/pages/" + id).then().body("notifications[0].deliveryLog", hasSize(2));
        clock.advance(Duration.ofSeconds(11));
        dispatcher.deliverDue();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/pages/" + id).then()
                .body("notifications[0].status", equalTo("DELIVERED"))
                .body("notifications[0].deliveryLog.statusCode", contains(429, 429, 200)));
        // Each attempt names the one notification, so a receiver can drop a repeat of one it already took.
        String notification = String.valueOf(given().when().get("/api/pages/" + id).then().extract()
                .<Integer>path("notifications[0].id"));
        assertEquals(List.of(notification, notification, notification), receiver()
                .received(r -> r.path().equals("/hook/" + team)).stream().map(r -> r.header("X-Daff-Delivery")).toList());
    }

    @Test
    void aTriggerWaitingOutARateLimitIsNotSentOnceThePageIsAcknowledged() {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String team = "sre-limited-ack-" + suffix;
        String hook = "/hook/" + team;
        receiver().script(hook, 429);
        receiver().answerHeader(hook, "Retry-After", "30");
        PagingFixtures.soloTeam(clock, team, "bob", "{\"type\": \"webhook\", \"url\": \"" + receiver().url(hook) + "\"}");
        String dedupKey = "ack-" + suffix + ":PAGE:1";
        publish(team, alert("AlertFired", team, team + "-dns", dedupKey));
        String id = awaitPage(team);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/pages/" + id)
                .then().body("notifications[0].deliveryLog.statusCode", contains(429)));

        // bob heard of it another way (the console) and acknowledges while his channel's retry waits.
        given().contentType(ContentType.JSON).body("{}").when().post("/api/pages/" + id + "/ack").then().statusCode(200);
        clock.advance(Duration.ofSeconds(31));
        dispatcher.deliverDue();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/pages/" + id).then()
                .body("notifications[0].status", equalTo("CANCELLED")));
        // Its alert clears: the page resolves, and its resolve is dropped too: the channel refused the only trigger
        // it was sent (a 429), so it never had the page.
        publish(team, alert("AlertResolved", team, team + "-dns", dedupKey));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/pages/" + id).then()
                .body("state", equalTo("RESOLVED")).body("notifications.action", contains("trigger", "resolve"))
                .body("notifications.status", contains("CANCELLED", "CANCELLED"))
                .body("notifications[0].deliveryLog", hasSize(1)));
        assertEquals(List.of("page.triggered"), PageDeliveryTest.types(receiver().received(r -> r.path().equals(hook))),
                "the rate-limited trigger, and no resolve for it");

        // The next page of the team goes out as ever.
        String next = "ack-" + suffix + ":PAGE:2";
        publish(team, alert("AlertFired", team, team + "-dns", next));
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver().received(r -> r.path().equals(hook)
                && r.body().contains(next)).size() == 1);
    }

    @Test
    void anSloGivenToAnotherTeamTakesItsOpenPageAlongAndTheNewTeamsOnCallIsPaged() {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String typo = "paymnts-" + suffix;
        String team = "payments-" + suffix;
        String slo = "checkout-" + suffix;
        saveSlo(true, slo, "checkout", typo);
        publish(typo, alert("AlertFired", typo, slo, slo + ":PAGE:BURN_RATE:1"));
        String id = awaitPage(typo);
        double undefinedBefore = registry.counter("daff.paging.pages.team.undefined").count();
        clock.advance(Duration.ofMinutes(1));
        escalator.escalate(clock.instant());
        given().when().get("/api/pages/" + id).then().body("notifications", hasSize(0)); // nobody: the team is a typo
        // Counted at each check while it waits, for daff's own alert (DaffPageTeamUndefined): not only a log line.
        // (awaited: the scheduled check may have held the page's row, and counts it itself)
        await().atMost(Duration.ofSeconds(20)).until(
                () -> registry.counter("daff.paging.pages.team.undefined").count() - undefinedBefore >= 1);

        String hook = "/hook/" + team;
        PagingFixtures.soloTeam(clock, team, "dana", "{\"type\": \"webhook\", \"url\": \"" + receiver().url(hook) + "\"}");
        clock.advance(Duration.ofSeconds(10));
        saveSlo(false, slo, "checkout", team);
        given().when().get("/api/pages/" + id).then().body("team", equalTo(team)).body("state", equalTo("TRIGGERED"));
        escalator.escalate(clock.instant());
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver().received(r -> r.path().equals(hook)).size() == 1);
        given().when().get("/api/pages/" + id).then().body("primary", equalTo("dana"));
        given().queryParam("team", team).when().get("/api/pages").then().body("id", contains(id));
        given().queryParam("team", typo).when().get("/api/pages").then().body("", hasSize(0));

        // Given on to a team nobody defined (a typo again), the page stays where it reaches someone.
        saveSlo(false, slo, "checkout", typo + "x");
        given().when().get("/api/pages/" + id).then().body("team", equalTo(team)).body("primary", equalTo("dana"))
                .body("notifications.status", contains("DELIVERED"));
    }

    @Test
    void anAlertThatWaitedOutItsSlosChangeOfTeamPagesTheSlosTeamNow() {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String team = "payments-now-" + suffix;
        String slo = "ledger-" + suffix;
        String hook = "/hook/" + team;
        PagingFixtures.soloTeam(clock, team, "erin", "{\"type\": \"webhook\", \"url\": \"" + receiver().url(hook) + "\"}");
        saveSlo(true, slo, "ledger", team);
        // Fired while the SLO still had its old, undefined team, and held in a stalled broker until after the change.
        String old = "paymnts-now-" + suffix;
        publish(old, alert("AlertFired", old, slo, slo + ":PAGE:1"));
        String id = awaitPage(team);
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver().received(r -> r.path().equals(hook)).size() == 1);
        given().when().get("/api/pages/" + id).then().body("team", equalTo(team)).body("primary", equalTo("erin"));
    }

    /** Creates ({@code POST}) or replaces ({@code PUT}) a 99.9 % / 30d SLO owned by {@code team}. */
    private static void saveSlo(boolean create, String slo, String service, String team) {
        var request = given().contentType(ContentType.JSON).body("""
                {"name": "%s", "service": "%s", "team": "%s", "objective": 99.9, "window": "30d"}
                """.formatted(slo, service, team)).when();
        (create ? request.post("/api/slos") : request.put("/api/slos/" + slo)).then().statusCode(create ? 201 : 200);
    }

    /** Found, not registered: a meter registered here first would lack the buckets the service gives it. */
    private Timer webhookLatency() {
        return registry.find("daff.page.delivery.latency").tags("channel", "webhook", "action", "trigger").timer();
    }

    @Test
    void onCallAnswersPrimaryAndSecondaryAndBadTeamsAreRefused() {
        String team = team("sre-oncall", "/hook/sre-oncall");
        given().when().get("/api/teams/" + team + "/oncall").then().statusCode(200)
                .body("primary", equalTo("alice")).body("secondary", equalTo("bob"));
        given().queryParam("at", clock.instant().plus(Duration.ofDays(7)).toString())
                .when().get("/api/teams/" + team + "/oncall").then().body("primary", equalTo("bob"));
        given().contentType(ContentType.JSON)
                .body("{\"members\": [{\"handle\": \"x\"}], \"rotation\": {\"members\": [\"y\"], \"shiftLength\": \"P7D\", \"startsAt\": \"2026-01-01T00:00:00Z\", \"timeZone\": \"Mars/Olympus\"}}")
                .when().put("/api/teams/broken").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("rotation.members"));
        given().contentType(ContentType.JSON)
                .body("{\"members\": [{\"handle\": \"x\", \"channels\": [{\"type\": \"pager\"}]}], \"rotation\": {\"members\": [\"x\"], \"shiftLength\": \"P7D\", \"startsAt\": \"2026-01-01T00:00:00Z\", \"timeZone\": \"UTC\"}}")
                .when().put("/api/teams/broken").then().statusCode(400).contentType("application/problem+json");
        // A channel that points into the network (here the cloud metadata address) is refused, nothing stored.
        given().contentType(ContentType.JSON)
                .body("{\"members\": [{\"handle\": \"x\", \"channels\": [{\"type\": \"webhook\", \"url\": \"http://169.254.169.254/latest/meta-data\"}]}], \"rotation\": {\"members\": [\"x\"], \"shiftLength\": \"P7D\", \"startsAt\": \"2026-01-01T00:00:00Z\", \"timeZone\": \"UTC\"}}")
                .when().put("/api/teams/broken").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("members.x.channels.url"))
                .body("errors[0].message", containsString("points inside the network"));
        given().when().get("/api/teams/broken").then().statusCode(404);
    }

    /** A member joins the rotation mid-week: whoever is on call stays so, and the answer's start says how. */
    @Test
    void aMemberJoiningTheRotationLeavesWhoeverIsOnCallOnCall() throws Exception {
        String team = team("sre-joiner", "/hook/sre-joiner");
        given().when().get("/api/teams/" + team + "/oncall").then().body("primary", equalTo("alice"));
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode definition = (com.fasterxml.jackson.databind.node.ObjectNode) json
                .readTree(given().when().get("/api/teams/" + team).then().statusCode(200).extract().asString());
        definition.withArray("members").addObject().put("handle", "dave");
        com.fasterxml.jackson.databind.node.ArrayNode rotation = definition.with("rotation").withArray("members");
        rotation.removeAll();
        rotation.add("dave").add("carol").add("alice").add("bob");
        String sentStart = definition.with("rotation").get("startsAt").asText();
        String answeredStart = given().contentType(ContentType.JSON).body(definition.toString())
                .when().put("/api/teams/" + team).then().statusCode(200).extract().path("rotation.startsAt");
        given().when().get("/api/teams/" + team + "/oncall").then().body("primary", equalTo("alice"))
                .body("secondary", equalTo("bob"));
        given().queryParam("at", clock.instant().plus(Duration.ofDays(7)).toString())
                .when().get("/api/teams/" + team + "/oncall").then().body("primary", equalTo("bob"));
        assertEquals(sentStart, answeredStart, "the start stays as written; the turns move");
        int turnsAhead = given().when().get("/api/teams/" + team).then().body("rotation.startsAt", equalTo(sentStart))
                .extract().path("rotation.turnsAhead");
        // Sent again as written (a retry, a configuration re-applied): nothing moves.
        given().contentType(ContentType.JSON).body(definition.toString()).when().put("/api/teams/" + team)
                .then().statusCode(200).body("rotation.turnsAhead", equalTo(turnsAhead));
        given().when().get("/api/teams/" + team + "/oncall").then().body("primary", equalTo("alice"));
    }

    /**
     * A team that covers a day off now and then: overrides that ended over 30 days ago are dropped as the team is
     * stored, before they are counted. Kept, the definition reached its 500 within a couple of years and every PUT
     * after, the one adding today's cover too, was refused.
     */
    @Test
    void overridesLongEndedAreDroppedSoATeamCanAlwaysAddTodaysCover() {
        java.time.Instant now = clock.instant();
        StringBuilder old = new StringBuilder();
        for (int day = 0; day < 501; day++) { // 500 stored before old ones were dropped, and one more
            java.time.Instant from = now.minus(Duration.ofDays(540 - day));
            old.append(day == 0 ? "" : ", ").append("{\"handle\": \"bob\", \"from\": \"").append(from)
                    .append("\", \"to\": \"").append(from.plus(Duration.ofHours(8))).append("\"}");
        }
        String definition = """
                {"members": [{"handle": "alice"}, {"handle": "bob"}],
                 "rotation": {"members": ["alice", "bob"], "shiftLength": "P7D", "startsAt": "%s", "timeZone": "UTC"},
                 "overrides": [%s]}""";
        given().contentType(ContentType.JSON).body(definition.formatted(now.minus(Duration.ofHours(1)), old))
                .when().put("/api/teams/sre-cover").then().statusCode(200);
        String stored = given().when().get("/api/teams/sre-cover").then().statusCode(200)
                .body("overrides", hasSize(0)).extract().asString();

        // Read back, today's cover added: stored, and it decides who is on call; one that ended last week stays.
        String today = "{\"handle\": \"bob\", \"from\": \"" + now.minus(Duration.ofMinutes(5)) + "\", \"to\": \""
                + now.plus(Duration.ofHours(8)) + "\"}";
        String lastWeek = "{\"handle\": \"bob\", \"from\": \"" + now.minus(Duration.ofDays(7)) + "\", \"to\": \""
                + now.minus(Duration.ofDays(6)) + "\"}";
        given().contentType(ContentType.JSON).body(stored.replace("\"overrides\":[]",
                "\"overrides\":[" + lastWeek + ", " + today + "]"))
                .when().put("/api/teams/sre-cover").then().statusCode(200);
        given().when().get("/api/teams/sre-cover").then().body("overrides", hasSize(2));
        given().when().get("/api/teams/sre-cover/oncall").then().statusCode(200).body("primary", equalTo("bob"));
        // 500 that have not ended long ago are the most a team has.
        StringBuilder coming = new StringBuilder();
        for (int day = 1; day <= 501; day++) {
            java.time.Instant from = now.plus(Duration.ofDays(day));
            coming.append(day == 1 ? "" : ", ").append("{\"handle\": \"bob\", \"from\": \"").append(from)
                    .append("\", \"to\": \"").append(from.plus(Duration.ofHours(8))).append("\"}");
        }
        given().contentType(ContentType.JSON).body(definition.formatted(now.minus(Duration.ofHours(1)), coming))
                .when().put("/api/teams/sre-cover").then().statusCode(400).body("errors[0].field", equalTo("overrides"));
        given().when().get("/api/teams/sre-cover").then().body("overrides", hasSize(2));
    }

    @Test
    void shiftsShorterThanAnHourAreRefusedAndARotationFromYearOneAnswers() {
        String rotation = """
                {"members": [{"handle": "alice"}, {"handle": "bob"}],
                 "rotation": {"members": ["alice", "bob"], "shiftLength": "%s", "startsAt": "%s", "timeZone": "UTC"}}""";
        for (String tooShort : List.of("PT59M", "PT0.5S", "PT1S", "PT0S", "P0D", "-PT2H", "soon")) {
            given().contentType(ContentType.JSON).body(rotation.formatted(tooShort, "2026-01-01T00:00:00Z"))
                    .when().put("/api/teams/sre-short").then().statusCode(400).contentType("application/problem+json")
                    .body("errors[0].field", equalTo("rotation.shiftLength"))
                    .body("detail", containsString("at least PT1H"));
        }
        // Longer than a year is a typo; a billion years overflowed the calendar when the team was paged.
        for (String tooLong : List.of("P367D", "P1Y2D", "P999999999Y", "PT8785H")) {
            given().contentType(ContentType.JSON).body(rotation.formatted(tooLong, "2026-01-01T00:00:00Z"))
                    .when().put("/api/teams/sre-short").then().statusCode(400).contentType("application/problem+json")
                    .body("errors[0].field", equalTo("rotation.shiftLength"))
                    .body("detail", containsString("at most 366 days"));
        }
        // An acknowledgement timeout past a day: escalation would never come (and a huge one overflowed the clock).
        for (String ackTimeout : List.of("PT25H", "PT9999999999999H", "PT59S")) { // and under a minute
            given().contentType(ContentType.JSON).body(rotation.formatted("P1Y", "2026-01-01T00:00:00Z")
                    .replaceFirst("}$", ", \"escalation\": {\"ackTimeout\": \"" + ackTimeout + "\"}}"))
                    .when().put("/api/teams/sre-short").then().statusCode(400).contentType("application/problem+json")
                    .body("errors[0].field", equalTo("escalation.ackTimeout"));
        }
        given().when().get("/api/teams/sre-short").then().statusCode(404);
        given().contentType(ContentType.JSON).body(rotation.formatted("P1Y", "2026-01-01T00:00:00Z"))
                .when().put("/api/teams/sre-yearly").then().statusCode(200);
        given().contentType(ContentType.JSON).body(rotation.formatted("PT1H", "+10000-01-01T00:00:00Z"))
                .when().put("/api/teams/sre-short").then().statusCode(400).body("errors[0].field", equalTo("rotation.startsAt"));

        given().contentType(ContentType.JSON).body(rotation.formatted("PT1H", "0001-01-01T00:00:00Z"))
                .when().put("/api/teams/sre-hourly").then().statusCode(200);
        // 2026-06-01T10:00Z is 17,754,418 whole hours after 0001-01-01T00:00Z: an even shift, alice's.
        given().queryParam("at", "2026-06-01T10:30:00Z").when().get("/api/teams/sre-hourly/oncall").then().statusCode(200)
                .body("primary", equalTo("alice")).body("secondary", equalTo("bob"))
                .body("shiftStartedAt", equalTo("2026-06-01T10:00:00Z")).body("shiftEndsAt", equalTo("2026-06-01T11:00:00Z"));
        given().queryParam("at", "2026-06-01T11:00:00Z").when().get("/api/teams/sre-hourly/oncall").then()
                .body("primary", equalTo("bob"));
        given().queryParam("at", "+100000-01-01T00:00:00Z").when().get("/api/teams/sre-hourly/oncall").then()
                .statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("at"));
    }
}
