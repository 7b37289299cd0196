package dev.daff.slo.paging;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.kit.security.WebhookSignature;
import dev.daff.localinfra.SimulatedClock;
import dev.daff.localinfra.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.builder.ResponseBuilder;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** The Slack page's Acknowledge button: only signed, fresh clicks by a mapped member acknowledge; nothing else changes. */
@QuarkusTest
class SlackInteractionTest {

    /** The two configured signing secrets (application.properties, %test), as while one is rotated. */
    static final String OLD_SECRET = "slack-signing-old";
    static final String NEW_SECRET = "slack-signing-new";

    @Inject
    SimulatedClock clock;

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    /** A team of one, alice, on Slack at the stand-in, known to Slack as {@code slackUserId}; answers the team. */
    static String slackTeam(SimulatedClock clock, String name, String slackUserId) {
        given().contentType(ContentType.JSON).body("""
                {"members": [{"handle": "alice", "name": "Alice", "slackUserId": "%s",
                              "channels": [{"type": "slack", "url": "%s"}]}],
                 "rotation": {"members": ["alice"], "shiftLength": "P1D", "startsAt": "%s", "timeZone": "UTC"}}
                """.formatted(slackUserId, PagingFixtures.receiver().url("/slack/" + name), clock.instant().minusSeconds(3600)))
                .when().put("/api/teams/" + name).then().statusCode(200).body("members[0].slackUserId", equalTo(slackUserId));
        return name;
    }

    /**
     * A Slack user id is a Slack user id (U… or W…), and one person's: whom a button press acknowledges as must never
     * be two members or a mistyped name. Refused whole, with nothing stored.
     */
    @Test
    void aSlackUserIdThatIsNotOneOrBelongsToTwoMembersIsRefused() {
        String rotation = """
                "rotation": {"members": ["bo"], "shiftLength": "P1D", "startsAt": "2026-01-01T00:00:00Z", "timeZone": "UTC"}""";
        given().contentType(ContentType.JSON).body("""
                {"members": [{"handle": "bo", "slackUserId": "@bo", "channels": []}], %s}""".formatted(rotation))
                .when().put("/api/teams/sre-slackids").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].message", org.hamcrest.Matchers.containsString("Slack user id"));
        given().contentType(ContentType.JSON).body("""
                {"members": [{"handle": "bo", "slackUserId": "U024BE7LH", "channels": []},
                             {"handle": "cy", "slackUserId": "U024BE7LH", "channels": []}], %s}""".formatted(rotation))
                .when().put("/api/teams/sre-slackids").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("members.slackUserId"));
        given().when().get("/api/teams/sre-slackids").then().statusCode(404);
        given().contentType(ContentType.JSON).body("""
                {"members": [{"handle": "bo", "slackUserId": "W024BE7LH", "channels": []},
                             {"handle": "cy", "slackUserId": "U024BE7LH", "channels": []}], %s}""".formatted(rotation))
                .when().put("/api/teams/sre-slackids").then().statusCode(200);
    }

    /** A click as Slack posts it: form-encoded, the interaction as JSON in {@code payload}. */
    static String click(String slackUserId, String actionId, String value) {
        String payload = """
                {"type": "block_actions", "user": {"id": "%s", "username": "someone", "team_id": "T0DAFF"},
                 "api_app_id": "A0DAFF", "container": {"type": "message"}, "trigger_id": "1.2.3",
                 "actions": [{"type": "button", "block_id": "daff_page", "action_id": "%s", "value": "%s",
                              "action_ts": "1700000000.000100"}]}
                """.formatted(slackUserId, actionId, value);
        return "payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8);
    }

    static String signature(String secret, long timestamp, String body) {
        return "v0=" + WebhookSignature.hmacHex(secret, ("v0:" + timestamp + ":" + body).getBytes(StandardCharsets.UTF_8));
    }

    /** As Slack posts it: no bearer token, only the signature (RestAssured would add this test's token). */
    private static ValidatableResponse post(String body, Long timestamp, String signature) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port
                    + "/api/integrations/slack")).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (timestamp != null) {
                request.header("X-Slack-Request-Timestamp", Long.toString(timestamp));
            }
            if (signature != null) {
                request.header("X-Slack-Signature", signature);
            }
            HttpResponse<String> answer = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
            String contentType = answer.headers().firstValue("Content-Type").orElse("");
            return new ResponseBuilder().setStatusCode(answer.statusCode()).setBody(answer.body())
                    .setContentType(contentType).setHeader("Content-Type", contentType).build().then();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void stillTriggered(String id) {
        given().when().get("/api/pages/" + id).then().body("state", equalTo("TRIGGERED"))
                .body("notifications.action", not(org.hamcrest.Matchers.hasItem("acknowledge")));
    }

    /**
     * Who acknowledged a page is anyone's text (a token's name, a PagerDuty agent's): in the reply to a later click it
     * must not mention @channel nor disguise a link, as the pages themselves do not.
     */
    @Test
    void theReplyNamingWhoAcknowledgedIsEscaped() {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String team = slackTeam(clock, "slack-esc-" + suffix, "UBOB" + suffix.toUpperCase());
        PagingFixtures.publish(team, PagingFixtures.alert(clock, "AlertFired", team, "api-" + suffix, "esc-" + suffix));
        String id = PagingFixtures.awaitPage(team);
        given().header("Authorization", "Bearer " + TestTokens.token("<!channel> <https://evil.example|me>",
                TestTokens.RESPONDER)).contentType(ContentType.JSON).body("{}")
                .when().post("/api/pages/" + id + "/ack").then().statusCode(200);
        long now = clock.instant().getEpochSecond();
        String click = click("UBOB" + suffix.toUpperCase(), "daff_acknowledge", id);
        post(click, now, signature(NEW_SECRET, now, click)).statusCode(200)
                .body("text", equalTo("Already acknowledged by &lt;!channel&gt; &lt;https://evil.example|me&gt;."));
    }

    @Test
    void theSlackPageCarriesTheButtonsAndASignedClickByAMappedMemberAcknowledgesIt() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String team = slackTeam(clock, "slack-ack-" + suffix, "UALICE" + suffix.toUpperCase());
        String aliceInSlack = "UALICE" + suffix.toUpperCase();
        // an SLO's service is anyone's text: in Slack it must not mention @channel nor disguise a link
        PagingFixtures.publish(team, PagingFixtures.alert(clock, "AlertFired", team, "dns-" + suffix, "slack-" + suffix)
                .replace("\"service\": \"dns\"", "\"service\": \"dns <!channel> & <https://evil.example|runbook>\""));
        String id = PagingFixtures.awaitPage(team);
        await().atMost(Duration.ofSeconds(20)).until(() -> PagingFixtures.receiver()
                .received(r -> r.path().equals("/slack/" + team)).size() == 1);

        JsonNode message = new ObjectMapper().readTree(PagingFixtures.receiver()
                .received(r -> r.path().equals("/slack/" + team)).get(0).body());
        String service = "(dns &lt;!channel&gt; &amp; &lt;https://evil.example|runbook&gt;)";
        assertTrue(message.get("text").asText().contains(service), message.toString());
        assertTrue(message.at("/blocks/1/text/text").asText().contains(service), message.toString());
        assertTrue(message.at("/blocks/0/text/text").asText().contains("(dns <!channel> & <https://evil.example|"),
                "a plain_text header is shown as written: " + message);
        JsonNode actions = null;
        for (JsonNode block : message.get("blocks")) {
            if (block.get("type").asText().equals("actions")) {
                actions = block.get("elements");
            }
        }
        assertTrue(actions != null, message.toString());
        assertEquals("daff_acknowledge", actions.get(0).get("action_id").asText());
        assertEquals("Acknowledge", actions.get(0).at("/text/text").asText());
        assertEquals(id, actions.get(0).get("value").asText());
        assertEquals("Open incident", actions.get(1).at("/text/text").asText());
        assertEquals("http://localhost:8084/#/incidents?team=" + team, actions.get(1).get("url").asText());

        long now = clock.instant().getEpochSecond();
        String click = click(aliceInSlack, "daff_acknowledge", id);
        // Forged, unsigned, tampered, stale or with a timestamp far ahead: 401 problem+json, and nothing changes.
        post(click, now, signature("not-the-secret", now, click)).statusCode(401).contentType("application/problem+json")
                .body("detail", not(containsString("Exception")));
        post(click, now, null).statusCode(401).contentType("application/problem+json");
        post(click, null, signature(NEW_SECRET, now, click)).statusCode(401);
        post(click.replace("UALICE", "UMALLORY"), now, signature(NEW_SECRET, now, click)).statusCode(401);
        post(click, now - 301, signature(NEW_SECRET, now - 301, click)).statusCode(401);
        post(click, now + 301, signature(NEW_SECRET, now + 301, click)).statusCode(401);
        stillTriggered(id);

        // Signed, by someone Slack knows but daff's team does not: told so, in Slack only, and nothing changes.
        String stranger = click("USTRANGER" + suffix.toUpperCase(), "daff_acknowledge", id);
        post(stranger, now, signature(NEW_SECRET, now, stranger)).statusCode(200)
                .body("response_type", equalTo("ephemeral")).body("replace_original", equalTo(false))
                .body("text", containsString("Not acknowledged: your Slack user (USTRANGER"))
                .body("text", containsString("not a member of team " + team));
        stillTriggered(id);
        String open = click(aliceInSlack, "daff_open_incident", "");
        post(open, now, signature(NEW_SECRET, now, open)).statusCode(200).body("text", equalTo("Nothing to do."));
        stillTriggered(id);

        // Alice, signed with the old secret while it is being rotated, 4 minutes old: acknowledged as alice.
        long fourMinutesAgo = now - 240;
        post(click, fourMinutesAgo, signature(OLD_SECRET, fourMinutesAgo, click)).statusCode(200)
                .body("response_type", equalTo("ephemeral")).body("text", equalTo("Acknowledged by Alice (alice): escalation stopped."));
        given().when().get("/api/pages/" + id).then().body("state", equalTo("ACKNOWLEDGED"))
                .body("acknowledgedBy", equalTo("alice")).body("acknowledgedBySubject", equalTo("slack:" + aliceInSlack))
                .body("nextEscalationAt", org.hamcrest.Matchers.nullValue());
        post(click, now, signature(NEW_SECRET, now, click)).statusCode(200).body("text", equalTo("Already acknowledged by alice."));

        String notAPage = click(aliceInSlack, "daff_acknowledge", "not-a-uuid");
        post(notAPage, now, signature(NEW_SECRET, now, notAPage)).statusCode(400).contentType("application/problem+json");
    }
}
