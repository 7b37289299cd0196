package dev.daff.slo.paging;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;

import dev.daff.kit.security.WebhookSignature;
import dev.daff.localinfra.LockWaits;
import dev.daff.localinfra.RecordingReceiver;
import dev.daff.localinfra.RecordingReceiver.Received;
import dev.daff.localinfra.TestTokens;
import dev.daff.localinfra.SimulatedClock;
import dev.daff.slo.paging.oncall.SecretRotation;
import dev.daff.slo.paging.secrets.Keyring;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import dev.daff.slo.paging.delivery.PageDispatcher;
import dev.daff.slo.paging.pages.PageAlertsConsumer;
import dev.daff.slo.paging.escalation.Escalator;

/**
 * Channel secrets are ciphertext at rest, never in notification rows, answers or the delivery log, survive a key
 * rotation; a PUT without them keeps them; outbound URLs are checked again at send and redirects are not followed.
 */
@QuarkusTest
@QuarkusTestResource(value = PagingReceiverResource.class, restrictToAnnotatedClass = false)
class ChannelSecretsTest {

    final ObjectMapper json = new ObjectMapper();

    @Inject
    SimulatedClock clock;

    @Inject
    SecretRotation rotation;

    @Inject
    PageAlertsConsumer alerts;

    @Inject
    Escalator escalator;

    @Inject
    PageDispatcher dispatcher;

    @Inject
    DataSource database;

    /** The key the test profile rotated out (application.properties): what values sealed before look like. */
    @ConfigProperty(name = "daff.secrets.keys.test0")
    String oldKey;

    @ConfigProperty(name = "daff.secrets.keys.test1")
    String currentKey;

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    RecordingReceiver receiver() {
        return PagingFixtures.receiver();
    }

    static String key(String team) {
        return "dns-" + team + ":PAGE:BURN_RATE:1";
    }

    String firePage(String team) {
        alerts.onAlert(PagingFixtures.alert(clock, "AlertFired", team, "dns-" + team, key(team)));
        return given().queryParam("team", team).when().get("/api/pages").then().statusCode(200).extract().path("[0].id");
    }

    @Test
    void channelSecretsAreCiphertextInPostgresAndOnlyTheRequestCarriesThem() throws Exception {
        String team = PagingFixtures.team(clock, "sre-sealed", receiver().url("/hook/sre-sealed"));
        String stored = query("select definition from team where name = ?", team).get(0);
        for (String secret : List.of("rk-sre-sealed", "s3cret-sre-sealed", "/slack/sre-sealed")) {
            assertFalse(stored.contains(secret), secret + " is stored in the clear: " + stored);
        }
        assertEquals(3, stored.split("enc:v1:test1:", -1).length - 1, "three values sealed under the current key");
        String answer = given().when().get("/api/teams/" + team).then().statusCode(200)
                .body("members[0].channels[0].configured", equalTo(true)).body("members[2].channels[0].configured", equalTo(true))
                .body("members[1].channels[0].secret", nullValue()).extract().asString();
        assertFalse(answer.contains("enc:v1") || answer.contains("rk-sre-sealed") || answer.contains("/slack/"), answer);
        // A webhook's path can be its credential (Teams, Google Chat, Discord): whole for an admin, who edits it;
        // scheme and host only for everyone else.
        String origin = receiver().url("/").replaceFirst("/$", "");
        given().when().get("/api/teams/" + team).then()
                .body("members[1].channels[0].url", equalTo(receiver().url("/hook/sre-sealed")));
        for (String role : List.of(TestTokens.VIEWER, TestTokens.RESPONDER)) {
            given().header("Authorization", "Bearer " + TestTokens.token("vic", role)).when().get("/api/teams/" + team)
                    .then().statusCode(200).body("members[1].channels[0].url", equalTo(origin + "/…"))
                    .body("members[1].channels[0].configured", equalTo(true));
        }

        // PRIMARY (alice, PagerDuty), then SECONDARY (bob, signed webhook), then TEAM (carol's Slack among them).
        String id = firePage(team);
        clock.advance(Duration.ofMinutes(5));
        escalator.escalate(clock.instant());
        clock.advance(Duration.ofMinutes(5));
        escalator.escalate(clock.instant());
        dispatcher.deliverDue();
        // Said in full when it fails: what arrived where, and each notification's state as the page shows it.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertEquals("PagerDuty 2, Slack 1, webhook 2",
                "PagerDuty " + PagingFixtures.pagerDuty("rk-sre-sealed", "trigger").size()
                        + ", Slack " + receiver().received(r -> r.path().equals("/slack/sre-sealed")).size()
                        + ", webhook " + receiver().received(r -> r.path().equals("/hook/sre-sealed")).size(),
                given().when().get("/api/pages/" + id).then().extract().path("notifications").toString()));
        Received toBob = receiver().received(r -> r.path().equals("/hook/sre-sealed")).get(0);
        assertTrue(WebhookSignature.verify("s3cret-sre-sealed", toBob.body().getBytes(StandardCharsets.UTF_8),
                toBob.header(WebhookSignature.HEADER)), "signed with the secret opened at send time");
        assertTrue(WebhookSignature.verifyTimestamped("s3cret-sre-sealed", toBob.body().getBytes(StandardCharsets.UTF_8),
                toBob.header(WebhookSignature.TIMESTAMPED_HEADER), clock.instant(), Duration.ofMinutes(5)),
                "and with the time it was sent: " + toBob.header(WebhookSignature.TIMESTAMPED_HEADER));

        List<String> rows = query("select coalesce(endpoint, '') || ' ' || coalesce(secret, '') || ' ' || body"
                + " from page_notification where page_id = ?::uuid", id);
        assertTrue(rows.size() >= 5, rows.toString());
        for (String row : rows) {
            for (String secret : List.of("rk-sre-sealed", "s3cret-sre-sealed", "/slack/sre-sealed", "routing_key")) {
                assertFalse(row.contains(secret), secret + " in a notification row: " + row);
            }
            assertTrue(row.contains("enc:v1:test1:"), "every channel of this team has a secret, sealed: " + row);
        }
        String page = given().when().get("/api/pages/" + id).then().statusCode(200)
                .body("notifications.status", not(org.hamcrest.Matchers.hasItem("FAILED"))).extract().asString();
        assertFalse(page.contains("rk-sre-sealed") || page.contains("enc:v1") || page.contains("/slack/"), page);
    }

    @Test
    void aPutThatOmitsSecretsKeepsTheStoredOnesAndOneThatCannotBeCompletedChangesNothing() throws Exception {
        String team = PagingFixtures.team(clock, "sre-keep", receiver().url("/hook/sre-keep"));
        String hook = receiver().url("/hook/sre-keep");
        String rotation = """
                "rotation": {"members": ["alice", "bob", "carol"], "shiftLength": "P7D", "startsAt": "%s", "timeZone": "Europe/London"}"""
                .formatted(clock.instant().minus(Duration.ofHours(1)));
        // What a client sends back after a GET: no routing key, no Slack URL, no webhook secret; bob is renamed.
        given().contentType(ContentType.JSON).body("""
                {"members": [
                   {"handle": "alice", "channels": [{"type": "pagerduty", "configured": true}]},
                   {"handle": "bob", "name": "Robert", "channels": [{"type": "webhook", "url": "%s", "configured": true}]},
                   {"handle": "carol", "channels": [{"type": "slack", "configured": true}]}], %s}
                """.formatted(hook, rotation)).when().put("/api/teams/" + team).then().statusCode(200)
                .body("members[0].channels[0].configured", equalTo(true))
                .body("members[1].channels[0].configured", equalTo(true))
                .body("members[2].channels[0].configured", equalTo(true));
        String kept = query("select definition from team where name = ?", team).get(0);
        assertTrue(kept.contains("Robert"));

        // A new team channel without its routing key has nothing to keep: 400, and the team stays as it was.
        given().contentType(ContentType.JSON).body("""
                {"members": [{"handle": "alice", "channels": [{"type": "pagerduty"}]}, {"handle": "bob"}, {"handle": "carol"}],
                 "channels": [{"type": "pagerduty"}], %s}""".formatted(rotation))
                .when().put("/api/teams/" + team).then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("channels"))
                .body("detail", not(org.hamcrest.Matchers.containsString("enc:v1")));
        assertEquals(kept, query("select definition from team where name = ?", team).get(0));

        // The kept values still page: alice's routing key, and bob's signing secret on escalation.
        String id = firePage(team);
        clock.advance(Duration.ofMinutes(5));
        escalator.escalate(clock.instant());
        dispatcher.deliverDue();
        await().atMost(Duration.ofSeconds(20)).until(() -> PagingFixtures.pagerDuty("rk-sre-keep", "trigger").size() == 1
                && receiver().received(r -> r.path().equals("/hook/sre-keep")).size() == 1);
        Received toBob = receiver().received(r -> r.path().equals("/hook/sre-keep")).get(0);
        assertTrue(WebhookSignature.verify("s3cret-sre-keep", toBob.body().getBytes(StandardCharsets.UTF_8),
                toBob.header(WebhookSignature.HEADER)));
        given().when().get("/api/pages/" + id).then().body("state", equalTo("TRIGGERED"));

        // A webhook whose URL changes does not take the old receiver's secret along, nor goes unsigned unnoticed:
        // without a secret it is 400 and nothing changes; "" sends it unsigned on purpose (and removes a secret).
        String moved = """
                {"members": [
                   {"handle": "alice", "channels": [{"type": "pagerduty"}]},
                   {"handle": "bob", "channels": [{"type": "webhook", "url": "%s"%s}]},
                   {"handle": "carol", "channels": [{"type": "slack"}, {"type": "webhook", "url": "%s", "secret": ""}]}], %s}
                """;
        String beforeMove = query("select definition from team where name = ?", team).get(0);
        given().contentType(ContentType.JSON).body(moved.formatted(hook + "/moved", "", hook, rotation))
                .when().put("/api/teams/" + team).then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("channels"))
                .body("errors[0].message", org.hamcrest.Matchers.containsString("send its secret"));
        assertEquals(beforeMove, query("select definition from team where name = ?", team).get(0));
        given().contentType(ContentType.JSON).body(moved.formatted(hook + "/moved", ", \"secret\": \"\"", hook, rotation))
                .when().put("/api/teams/" + team).then().statusCode(200)
                .body("members[0].channels[0].configured", equalTo(true))
                .body("members[1].channels[0].configured", equalTo(false))
                .body("members[2].channels[1].configured", equalTo(false));
    }

    @Test
    void removingOneOfTwoChannelsNeverLeavesTheSurvivorTheRemovedOnesSecret() throws Exception {
        String team = "sre-remove";
        String slackA = receiver().url("/slack/sre-remove-a");
        String slackB = receiver().url("/slack/sre-remove-b");
        String hookA = receiver().url("/hook/sre-remove-a");
        String hookB = receiver().url("/hook/sre-remove-b");
        String rotation = """
                "rotation": {"members": ["dave"], "shiftLength": "P1D", "startsAt": "%s", "timeZone": "UTC"}"""
                .formatted(clock.instant().minus(Duration.ofHours(1)));
        given().contentType(ContentType.JSON).body("""
                {"members": [{"handle": "dave", "channels": [{"type": "webhook", "url": "%s", "secret": "s-a"},
                                                            {"type": "webhook", "url": "%s", "secret": "s-b"}]}],
                 "channels": [{"type": "slack", "url": "%s"}, {"type": "slack", "url": "%s"}], %s}
                """.formatted(hookA, hookB, slackA, slackB, rotation)).when().put("/api/teams/" + team).then().statusCode(200);
        String stored = query("select definition from team where name = ?", team).get(0);

        // The first of each is removed, as a client editing the GET's answer sends it: nothing tells the two Slack
        // channels apart, so the one left cannot be known without its URL.
        given().contentType(ContentType.JSON).body("""
                {"members": [{"handle": "dave", "channels": [{"type": "webhook", "url": "%s", "configured": true}]}],
                 "channels": [{"type": "slack", "configured": true}], %s}
                """.formatted(hookB, rotation)).when().put("/api/teams/" + team).then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("channels"));
        assertEquals(stored, query("select definition from team where name = ?", team).get(0));
        given().contentType(ContentType.JSON).body("""
                {"members": [{"handle": "dave", "channels": [{"type": "webhook", "url": "%s", "configured": true}]}],
                 "channels": [{"type": "slack", "url": "%s"}], %s}
                """.formatted(hookB, slackB, rotation)).when().put("/api/teams/" + team).then().statusCode(200);

        firePage(team);
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver().received(r -> r.path().equals("/slack/sre-remove-b")).size() == 1
                && receiver().received(r -> r.path().equals("/hook/sre-remove-b")).size() == 1);
        Received toB = receiver().received(r -> r.path().equals("/hook/sre-remove-b")).get(0);
        assertTrue(WebhookSignature.verify("s-b", toB.body().getBytes(StandardCharsets.UTF_8), toB.header(WebhookSignature.HEADER)),
                "the webhook kept its own signing secret, not the removed one's");
        assertEquals(0, receiver().received(r -> r.path().startsWith("/slack/sre-remove-a")
                || r.path().startsWith("/hook/sre-remove-a")).size(), "nothing goes to a removed channel");
    }

    /**
     * The pass each replica makes as it starts (on a thread of its own, so that readiness does not wait for it) seals
     * what it finds from before sealing and under a key no longer current, with no one calling the endpoint.
     */
    @Test
    void theStartUpPassSealsWhatItFindsUnderTheCurrentKey() throws Exception {
        String team = PagingFixtures.team(clock, "sre-start", receiver().url("/hook/sre-start"));
        Keyring before = Keyring.of(Map.of("test0", oldKey), "test0");
        ObjectNode definition = (ObjectNode) json.readTree(query("select definition from team where name = ?", team).get(0));
        ((ObjectNode) definition.at("/members/0/channels/0")).put("routingKey", before.seal("rk-sre-start"));
        ((ObjectNode) definition.at("/members/1/channels/0")).put("secret", "s3cret-sre-start");
        update("update team set definition = ? where name = ?", json.writeValueAsString(definition), team);

        Thread pass = rotation.resealInBackground();
        pass.join(Duration.ofSeconds(20).toMillis());
        assertFalse(pass.isAlive(), "the start-up pass did not end");
        String stored = query("select definition from team where name = ?", team).get(0);
        assertFalse(stored.contains("s3cret-sre-start") || stored.contains("enc:v1:test0:"), stored);
        assertEquals(3, stored.split("enc:v1:test1:", -1).length - 1, stored);
    }

    @Test
    void valuesUnderARotatedOutKeyStillDeliverAndReEncryptionMovesEverythingToTheCurrentKey() throws Exception {
        String team = PagingFixtures.team(clock, "sre-rotate", receiver().url("/hook/sre-rotate"));
        // As a replica on the old configuration (test0 current) and one from before sealing (V11) would have stored it.
        Keyring before = Keyring.of(Map.of("test0", oldKey), "test0");
        ObjectNode definition = (ObjectNode) json.readTree(query("select definition from team where name = ?", team).get(0));
        ((ObjectNode) definition.at("/members/0/channels/0")).put("routingKey", before.seal("rk-sre-rotate"));
        ((ObjectNode) definition.at("/members/1/channels/0")).put("secret", "s3cret-sre-rotate");
        update("update team set definition = ? where name = ?", json.writeValueAsString(definition), team);
        given().when().get("/api/admin/secrets").then().statusCode(200).body("currentKey", equalTo("test1"))
                .body("byKey.test0", greaterThanOrEqualTo(1)).body("byKey.plaintext", greaterThanOrEqualTo(1));

        String id = firePage(team);
        await().atMost(Duration.ofSeconds(20)).until(() -> PagingFixtures.pagerDuty("rk-sre-rotate", "trigger").size() == 1);
        assertTrue(query("select secret from page_notification where page_id = ?::uuid", id).get(0).startsWith("enc:v1:test0:"));

        given().when().post("/api/admin/secrets/re-encrypt").then().statusCode(200)
                .body("currentKey", equalTo("test1"))
                .body("teamSecrets", greaterThanOrEqualTo(2)).body("notificationSecrets", greaterThanOrEqualTo(1))
                .body("byKey.test0", nullValue()).body("byKey.plaintext", nullValue());
        String stored = query("select definition from team where name = ?", team).get(0);
        assertEquals(3, stored.split("enc:v1:test1:", -1).length - 1, stored);
        assertFalse(stored.contains("s3cret-sre-rotate"));
        assertTrue(query("select secret from page_notification where page_id = ?::uuid", id).get(0).startsWith("enc:v1:test1:"));

        // Resealed values open: the resolve goes to the same routing key, and bob's webhook is signed as before.
        alerts.onAlert(PagingFixtures.alert(clock, "AlertResolved", team, "dns-" + team, key(team)));
        await().atMost(Duration.ofSeconds(20)).until(() -> PagingFixtures.pagerDuty("rk-sre-rotate", "resolve").size() == 1);
        String other = PagingFixtures.team(clock, "sre-rotate-b", receiver().url("/hook/sre-rotate-b"));
        assertEquals(3, query("select definition from team where name = ?", other).get(0).split("enc:v1:test1:", -1).length - 1);
        given().header("Authorization", "Bearer " + TestTokens.token("vic", TestTokens.VIEWER))
                .when().post("/api/admin/secrets/re-encrypt").then().statusCode(403);
    }

    @Test
    void aFailedDeliveryShowsViewersACategoryNeverTheErrorText() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        String refused = PagingFixtures.soloTeam(clock, "sre-refused", "gus", "{\"type\": \"webhook\", \"url\": "
                + "\"http://localhost:" + closed + "/hook?token=t0psecret\"}");
        String id = firePage(refused);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/pages/" + id).then()
                .body("notifications[0].deliveryLog", hasSize(1)));
        given().header("Authorization", "Bearer " + TestTokens.token("vic", TestTokens.VIEWER))
                .when().get("/api/pages/" + id).then().statusCode(200)
                .body("notifications[0].deliveryLog[0].error", equalTo("connection refused"))
                .body("notifications[0].deliveryLog[0].statusCode", nullValue());

        String failing = PagingFixtures.soloTeam(clock, "sre-http500", "hal",
                "{\"type\": \"webhook\", \"url\": \"" + receiver().url("/hook/sre-http500") + "\"}");
        receiver().script("/hook/sre-http500", 500);
        String failed = firePage(failing);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/pages/" + failed).then()
                .body("notifications[0].deliveryLog", hasSize(1))
                .body("notifications[0].deliveryLog[0].error", equalTo("HTTP 500"))
                .body("notifications[0].deliveryLog[0].statusCode", equalTo(500)));
    }

    @Test
    void aUrlThatPointsInsideAtSendIsRefusedThenAndRedirectsAreNotFollowed() throws Exception {
        List<String> hits = new CopyOnWriteArrayList<>();
        // Listens on every address, so 127.0.0.2 reaches it too: only the guard keeps a page away.
        HttpServer inside = HttpServer.create(new InetSocketAddress(0), 10);
        inside.createContext("/", exchange -> {
            hits.add(exchange.getRequestURI().getPath());
            if (exchange.getRequestURI().getPath().equals("/redirect")) {
                exchange.getResponseHeaders().add("Location", "http://localhost:" + inside.getAddress().getPort() + "/inside");
                exchange.sendResponseHeaders(302, -1);
            } else {
                exchange.sendResponseHeaders(200, -1);
            }
            exchange.close();
        });
        inside.start();
        try {
            int port = inside.getAddress().getPort();
            // At PUT: 127.0.0.2 is loopback and not among the allowed hosts.
            given().contentType(ContentType.JSON).body("""
                    {"members": [{"handle": "ivy", "channels": [{"type": "webhook", "url": "http://127.0.0.2:%d/inside"}]}],
                     "rotation": {"members": ["ivy"], "shiftLength": "P1D", "startsAt": "2026-01-01T00:00:00Z", "timeZone": "UTC"}}
                    """.formatted(port)).when().put("/api/teams/sre-inside").then().statusCode(400)
                    .contentType("application/problem+json").body("errors[0].field", equalTo("members.ivy.channels.url"));
            given().when().get("/api/teams/sre-inside").then().statusCode(404);

            // At send: a team stored while its URL still passed (DNS answers differently now, or before the guard).
            String rebound = PagingFixtures.soloTeam(clock, "sre-rebound", "ivy",
                    "{\"type\": \"webhook\", \"url\": \"http://localhost:" + port + "/inside\"}");
            update("update team set definition = replace(definition, 'http://localhost:" + port + "/', 'http://127.0.0.2:"
                    + port + "/') where name = ?", rebound);
            String id = firePage(rebound);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/pages/" + id).then()
                    .body("notifications[0].deliveryLog", hasSize(1))
                    .body("notifications[0].deliveryLog[0].error", equalTo("destination refused")));
            assertEquals(List.of(), hits, "nothing reached the inside address");

            // A redirect (here to an allowed address, to show that only not following it keeps the page away).
            String redirected = PagingFixtures.soloTeam(clock, "sre-redirect", "jan",
                    "{\"type\": \"webhook\", \"url\": \"http://localhost:" + port + "/redirect\"}");
            String redirectedId = firePage(redirected);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/pages/" + redirectedId).then()
                    .body("notifications[0].status", equalTo("FAILED"))
                    .body("notifications[0].deliveryLog[0].statusCode", equalTo(302))
                    .body("notifications[0].deliveryLog[0].error", equalTo("HTTP 302")));
            assertEquals(List.of("/redirect"), hits);
        } finally {
            inside.stop(0);
        }
    }

    /**
     * A re-encryption that seals a notification's secret again while its delivery is in flight: the delivery's
     * record (attempts, status) must not write back the secret it read before — under a key about to be removed, the
     * notification could never be sent again.
     */
    @Test
    void aDeliveryRecordedWhileItsSecretIsResealedKeepsTheNewSeal() throws Exception {
        java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch answer = new java.util.concurrent.CountDownLatch(1);
        HttpServer slow = HttpServer.create(new InetSocketAddress(0), 10);
        slow.createContext("/", exchange -> {
            arrived.countDown();
            try {
                answer.await(20, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        slow.start();
        try {
            String team = PagingFixtures.soloTeam(clock, "sre-rrace", "lee", "{\"type\": \"webhook\", \"url\":"
                    + " \"http://localhost:" + slow.getAddress().getPort() + "/hook\", \"secret\": \"s-reseal-race\"}");
            String id = firePage(team);
            assertTrue(arrived.await(20, java.util.concurrent.TimeUnit.SECONDS), "the webhook was never called");
            String resealed = Keyring.of(Map.of("test1", currentKey), "test1").seal("s-reseal-race");
            try (Connection rotating = database.getConnection(); var sql = rotating.createStatement()) {
                // What SecretRotation's pass does, held open: the notification's row locked and its secret sealed anew.
                rotating.setAutoCommit(false);
                sql.execute("select id from page_notification where page_id = '" + id + "' for update");
                sql.execute("update page_notification set secret = '" + resealed + "' where page_id = '" + id + "'");
                answer.countDown();
                await("the delivery's record waits for the pass").atMost(Duration.ofSeconds(20))
                        .until(() -> LockWaits.onRows(database) > 0);
                rotating.commit();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> query(
                    "select status from page_notification where page_id = ?::uuid", id).equals(List.of("DELIVERED")));
            assertEquals(List.of(resealed), query("select secret from page_notification where page_id = ?::uuid", id));
        } finally {
            answer.countDown();
            slow.stop(0);
        }
    }

    @Test
    void anAcknowledgementRecordsTheSubjectBesideTheDisplayName() throws Exception {
        String team = PagingFixtures.soloTeam(clock, "sre-acksub", "kim", "{\"type\": \"pagerduty\", \"routingKey\": \"rk-sre-acksub\"}");
        String id = firePage(team);
        given().header("Authorization", "Bearer " + TestTokens.token("kim", TestTokens.RESPONDER))
                .contentType(ContentType.JSON).body("{\"by\": \"mallory\"}")
                .when().post("/api/pages/" + id + "/ack").then().statusCode(200)
                .body("acknowledgedBy", equalTo("kim")).body("acknowledgedBySubject", equalTo("kim-subject"));
        assertEquals(List.of("kim-subject kim"),
                query("select acknowledged_by_subject || ' ' || acknowledged_by from page where id = ?::uuid", id));
    }

    List<String> query(String sql, String parameter) throws SQLException {
        try (Connection connection = database.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, parameter);
            List<String> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(result.getString(1));
                }
            }
            return rows;
        }
    }

    void update(String sql, String... parameters) throws SQLException {
        try (Connection connection = database.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            assertEquals(1, statement.executeUpdate());
        }
    }
}
