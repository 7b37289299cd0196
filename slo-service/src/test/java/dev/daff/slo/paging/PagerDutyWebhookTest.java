package dev.daff.slo.paging;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.UUID;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.localinfra.SimulatedClock;
import dev.daff.slo.paging.escalation.Escalator;
import dev.daff.localinfra.TestTokens;
import dev.daff.kit.security.WebhookSignature;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.builder.ResponseBuilder;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** PagerDuty's V3 webhooks acknowledge daff's pages, only when signed, and never resolve one whose alert still fires. */
@QuarkusTest
class PagerDutyWebhookTest {

    /** The second of the two configured subscription secrets (application.properties, %test). */
    static final String SECRET = "pd-webhook-secret-2";

    @Inject
    SimulatedClock clock;

    @Inject
    DataSource database;

    @Inject
    Escalator escalator;

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    @Test
    void aSignedAcknowledgementAcknowledgesThePageAndForgeriesReplaysAndUnknownKeysChangeNothing() {
        String team = PagingFixtures.team(clock, "pd-two-way-" + UUID.randomUUID().toString().substring(0, 8),
                PagingFixtures.receiver().url("/webhook/pd-two-way"));
        String dedupKey = "pd-" + UUID.randomUUID().toString().substring(0, 8); // the fixture makes alertId a-<dedupKey>, 36 at most
        PagingFixtures.publish(team, PagingFixtures.alert(clock, "AlertFired", team, "dns-availability", dedupKey));
        String id = PagingFixtures.awaitPage(team);
        String acknowledged = event("incident.acknowledged", dedupKey);

        post(acknowledged, "v1=" + hmac("not-the-secret", acknowledged)).statusCode(401)
                .contentType("application/problem+json");
        post(acknowledged, null).statusCode(401).contentType("application/problem+json");
        post(acknowledged.replace("Alice", "Mallory"), signed(acknowledged)).statusCode(401);
        given().when().get("/api/pages/" + id).then().body("state", equalTo("TRIGGERED"));

        post(acknowledged, "v1=" + hmac("an-old-secret", acknowledged) + ", " + signed(acknowledged)).statusCode(200)
                .body("result", equalTo("acknowledged by Alice (PagerDuty)"));
        String at = given().when().get("/api/pages/" + id).then().body("state", equalTo("ACKNOWLEDGED"))
                .body("acknowledgedBy", equalTo("Alice (PagerDuty)")).extract().path("acknowledgedAt");
        assertEquals(0, PagingFixtures.pagerDuty("rk-" + team, "acknowledge").size(), "PagerDuty told us: not told back");

        post(acknowledged, signed(acknowledged)).statusCode(200).body("result", equalTo("already acknowledged"));
        // A key of a re-open this page never had names no incident of it (PageReackTest: one it had).
        String reopened = event("incident.acknowledged", dedupKey + "#reopened-1");
        post(reopened, signed(reopened)).statusCode(200)
                .body("result", equalTo("not the page's current PagerDuty incident (" + dedupKey + "): the page is left as it is"));
        String resolved = event("incident.resolved", dedupKey);
        post(resolved, signed(resolved)).statusCode(200).body("result", containsString("not resolved: its alert still fires"));
        given().when().get("/api/pages/" + id).then().body("state", equalTo("ACKNOWLEDGED")).body("acknowledgedAt", equalTo(at));

        String unknown = event("incident.acknowledged", "no-such-key");
        post(unknown, signed(unknown)).statusCode(200).body("result", equalTo("no daff page has this key"));
        String other = event("incident.annotated", dedupKey);
        post(other, signed(other)).statusCode(200).body("result", equalTo("ignored"));
    }

    /** A PagerDuty user's name longer than the page keeps still acknowledges: cut, not refused. */
    @Test
    void anAcknowledgementByALongNameAcknowledgesThePage() {
        String team = PagingFixtures.team(clock, "pd-long-" + UUID.randomUUID().toString().substring(0, 8),
                PagingFixtures.receiver().url("/webhook/pd-long"));
        String dedupKey = "pl-" + UUID.randomUUID().toString().substring(0, 8);
        PagingFixtures.publish(team, PagingFixtures.alert(clock, "AlertFired", team, "dns-availability", dedupKey));
        String id = PagingFixtures.awaitPage(team);
        String acknowledged = event("incident.acknowledged", dedupKey).replace("\"Alice\"", "\"" + "A".repeat(300) + "\"")
                .replace("PALICE1", "P" + "1".repeat(300));
        post(acknowledged, signed(acknowledged)).statusCode(200);
        given().when().get("/api/pages/" + id).then().body("state", equalTo("ACKNOWLEDGED"))
                .body("acknowledgedBy", equalTo("A".repeat(188) + " (PagerDuty)"));
    }

    @Test
    void anAcknowledgementInOnePagerDutyServiceIsPassedOnToThePagesOtherServices() {
        // The TEAM level paged alice and dave, each through a PagerDuty service of their own. alice acknowledges in
        // hers; dave's incident would go on escalating in PagerDuty, paging him for what alice has in hand.
        String team = "pd-two-services-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON).body("""
                {"members": [{"handle": "alice", "channels": [{"type": "pagerduty", "routingKey": "rk-a-%1$s"}]},
                             {"handle": "dave", "channels": [{"type": "pagerduty", "routingKey": "rk-d-%1$s"}]}],
                 "rotation": {"members": ["alice", "dave"], "shiftLength": "P1D", "startsAt": "%2$s", "timeZone": "UTC"},
                 "escalation": {"ackTimeout": "PT5M", "levels": ["TEAM"], "repeat": 0}}
                """.formatted(team, clock.instant().minus(Duration.ofHours(1)))).when().put("/api/teams/" + team)
                .then().statusCode(200);
        String dedupKey = "pd-" + UUID.randomUUID().toString().substring(0, 8);
        PagingFixtures.publish(team, PagingFixtures.alert(clock, "AlertFired", team, "dns-availability", dedupKey));
        PagingFixtures.awaitPage(team);
        await().atMost(Duration.ofSeconds(20)).until(() -> PagingFixtures.pagerDuty("rk-a-" + team, "trigger").size() == 1
                && PagingFixtures.pagerDuty("rk-d-" + team, "trigger").size() == 1);

        String acknowledged = event("incident.acknowledged", dedupKey);
        post(acknowledged, signed(acknowledged)).statusCode(200).body("result", equalTo("acknowledged by Alice (PagerDuty)"));
        await().atMost(Duration.ofSeconds(20)).until(() -> PagingFixtures.pagerDuty("rk-d-" + team, "acknowledge").size() == 1);
        // Which service told us, the webhook does not say: alice's gets one too, which PagerDuty takes as a no-op.
        await().atMost(Duration.ofSeconds(20)).until(() -> PagingFixtures.pagerDuty("rk-a-" + team, "acknowledge").size() == 1);
    }

    @Test
    void anAcknowledgementForTheKeyAReopenJustReplacedLeavesTheReopenedPageEscalating() throws Exception {
        String team = PagingFixtures.team(clock, "pd-race-" + UUID.randomUUID().toString().substring(0, 8),
                PagingFixtures.receiver().url("/webhook/pd-race"));
        String dedupKey = "pd-" + UUID.randomUUID().toString().substring(0, 8);
        PagingFixtures.publish(team, PagingFixtures.alert(clock, "AlertFired", team, "dns-availability", dedupKey));
        String id = PagingFixtures.awaitPage(team);
        String acknowledged = event("incident.acknowledged", dedupKey);

        // A re-open commits while PagerDuty's webhook for the old incident is on its way in: the page row is held, as
        // the re-open's transaction holds it, until the webhook waits for it; then the re-open commits.
        CompletableFuture<ValidatableResponse> webhook;
        try (Connection reopen = database.getConnection()) {
            reopen.setAutoCommit(false);
            try (Statement sql = reopen.createStatement()) {
                sql.executeQuery("select id from page where id = '" + id + "' for update").close();
                webhook = CompletableFuture.supplyAsync(() -> post(acknowledged, signed(acknowledged)));
                await().atMost(Duration.ofSeconds(10)).until(() -> waitingForALock(sql));
                sql.executeUpdate("update page set reopened_count = reopened_count + 1, version = version + 1 where id = '"
                        + id + "'");
            }
            reopen.commit();
        }
        webhook.get(20, TimeUnit.SECONDS).statusCode(200).body("result",
                equalTo("not the page's current PagerDuty incident (" + dedupKey + "#reopened-1): the page is left as it is"));
        given().when().get("/api/pages/" + id).then().body("state", equalTo("TRIGGERED"));
    }

    /**
     * helper-80: an SLO given to another team takes its open page along, and the new team's on-call is paged. The old
     * team's PagerDuty incident stays open there under the page's key; acknowledged by the old team ("not ours any
     * more"), it acknowledged the page, and the new team was never paged. A moved page counts as re-opened, and opens
     * its PagerDuty incidents under the next re-open's key.
     */
    @Test
    void anAcknowledgementInTheOldTeamsPagerDutyLeavesAPageMovedToAnotherTeamEscalating() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String before = PagingFixtures.team(clock, "pd-before-" + suffix, PagingFixtures.receiver().url("/webhook/pd-before"));
        String after = PagingFixtures.team(clock, "pd-after-" + suffix, PagingFixtures.receiver().url("/webhook/pd-after"));
        String slo = "pd-moved-" + suffix;
        saveSlo(slo, before, true);
        String dedupKey = "pm-" + suffix;
        PagingFixtures.publish(before, PagingFixtures.alert(clock, "AlertFired", before, slo, dedupKey));
        String id = PagingFixtures.awaitPage(before);
        await().atMost(Duration.ofSeconds(20)).until(() -> PagingFixtures.pagerDuty("rk-" + before, "trigger").size() == 1);

        saveSlo(slo, after, false);
        String old = event("incident.acknowledged", dedupKey);
        post(old, signed(old)).statusCode(200).body("result",
                equalTo("not the page's current PagerDuty incident (" + dedupKey + "#reopened-1): the page is left as it is"));
        given().when().get("/api/pages/" + id).then().body("team", equalTo(after)).body("state", equalTo("TRIGGERED"));
        escalator.escalate(clock.instant());
        await().atMost(Duration.ofSeconds(20)).until(() -> PagingFixtures.pagerDuty("rk-" + after, "trigger").size() == 1);
        assertTrue(PagingFixtures.pagerDuty("rk-" + after, "trigger").get(0).body()
                .contains("\"dedup_key\":\"" + dedupKey + "#reopened-1\""), "the new team's incident has the new key");
        String current = event("incident.acknowledged", dedupKey + "#reopened-1");
        post(current, signed(current)).statusCode(200).body("result", equalTo("acknowledged by Alice (PagerDuty)"));
        given().when().get("/api/pages/" + id).then().body("state", equalTo("ACKNOWLEDGED"));
    }

    /** Creates ({@code POST}) or replaces ({@code PUT}) a 99.9 % / 30d SLO owned by {@code team}. */
    private static void saveSlo(String slo, String team, boolean create) {
        var request = given().contentType(ContentType.JSON).body("""
                {"name": "%s", "service": "dns", "team": "%s", "objective": 99.9, "window": "30d"}
                """.formatted(slo, team)).when();
        (create ? request.post("/api/slos") : request.put("/api/slos/" + slo)).then().statusCode(create ? 201 : 200);
    }

    private static boolean waitingForALock(Statement sql) throws Exception {
        try (ResultSet waiting = sql.executeQuery("select count(*) from pg_locks where not granted")) {
            waiting.next();
            return waiting.getInt(1) > 0;
        }
    }

    /** As PagerDuty posts it: no bearer token, only the signature (RestAssured would add this test's token). */
    static ValidatableResponse post(String body, String signature) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port
                    + "/api/integrations/pagerduty")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (signature != null) {
                request.header("X-PagerDuty-Signature", signature);
            }
            HttpResponse<String> answer = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
            String contentType = answer.headers().firstValue("Content-Type").orElse("");
            return new ResponseBuilder().setStatusCode(answer.statusCode()).setBody(answer.body())
                    .setContentType(contentType).setHeader("Content-Type", contentType).build().then();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A V3 webhook event as PagerDuty sends it (the fields daff reads, and some it does not). */
    static String event(String type, String dedupKey) {
        return """
                {"event": {"id": "%s", "event_type": "%s", "resource_type": "incident", "occurred_at": "2026-12-01T10:00:00Z",
                  "agent": {"id": "PALICE1", "summary": "Alice", "type": "user_reference"},
                  "data": {"id": "Q1ABC", "type": "incident", "number": 7, "status": "acknowledged",
                           "incident_key": "%s", "title": "SLO dns-availability is burning"}}}
                """.formatted(UUID.randomUUID(), type, dedupKey);
    }

    static String signed(String body) {
        return "v1=" + hmac(SECRET, body);
    }

    static String hmac(String secret, String body) {
        return WebhookSignature.hmacHex(secret, body.getBytes(StandardCharsets.UTF_8));
    }
}
