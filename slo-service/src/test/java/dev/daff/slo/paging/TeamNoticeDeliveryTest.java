package dev.daff.slo.paging;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.events.Topics;
import dev.daff.kit.security.WebhookSignature;
import dev.daff.localinfra.KafkaTestClient;
import dev.daff.localinfra.RealInfrastructureResource;
import dev.daff.localinfra.RecordingReceiver.Received;
import dev.daff.localinfra.SimulatedClock;
import dev.daff.localinfra.TestTokens;
import dev.daff.slo.paging.delivery.PageDispatcher;
import dev.daff.slo.paging.delivery.PageNotifications;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@QuarkusTestResource(value = PagingReceiverResource.class, restrictToAnnotatedClass = false)
class TeamNoticeDeliveryTest {

    final ObjectMapper json = new ObjectMapper();

    @Inject
    SimulatedClock clock;

    @Inject
    PageDispatcher dispatcher;

    @Inject
    PageNotifications notifications;

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    @Test
    void aNoticeReachesTheTeamsWebhookAndSlackOnceEvenIfDeliveredTwiceAndNeverPagerDuty() throws Exception {
        String team = "notice-" + UUID.randomUUID().toString().substring(0, 8);
        String hook = "/notices/hook/" + team;
        String slack = "/notices/slack/" + team;
        String memberSlack = "/notices/member-slack/" + team;
        given().contentType(ContentType.JSON).body("""
                {"members": [{"handle": "alice", "channels": [{"type": "pagerduty", "routingKey": "rk-member-%1$s"},
                                                            {"type": "slack", "url": "%5$s"}]}],
                 "channels": [{"type": "pagerduty", "routingKey": "rk-team-%1$s"},
                              {"type": "webhook", "url": "%2$s", "secret": "notice-secret-%1$s"},
                              {"type": "slack", "url": "%3$s"}],
                 "rotation": {"members": ["alice"], "shiftLength": "P1D", "startsAt": "%4$s", "timeZone": "UTC"}}
                """.formatted(team, PagingFixtures.receiver().url(hook), PagingFixtures.receiver().url(slack),
                clock.instant().minus(Duration.ofHours(1)), PagingFixtures.receiver().url(memberSlack)))
                .when().put("/api/teams/" + team).then().statusCode(200);
        PagingFixtures.receiver().script(hook, 503); // the first attempt fails: notices are retried as pages are

        String eventId = UUID.randomUUID().toString();
        // an action's title is anyone's text: in Slack it must not mention @channel nor disguise a link
        String summary = "Follow-up action due in 2 days: <!channel> rotate the DNS zone keys <https://evil.example|see the"
                + " runbook> & more " + eventId;
        String notice = PagingFixtures.notice(eventId, team, summary);
        KafkaTestClient.send(kafka(), Topics.TEAM_NOTICES, team, notice);
        KafkaTestClient.send(kafka(), Topics.TEAM_NOTICES, team, notice); // Kafka delivers it again
        // A later notice on the same key: once it is queued, the copy before it has been consumed too.
        String laterId = UUID.randomUUID().toString();
        KafkaTestClient.send(kafka(), Topics.TEAM_NOTICES, team, PagingFixtures.notice(laterId, team, "later " + laterId));
        await().atMost(Duration.ofSeconds(30)).until(() -> queued(laterId) == 2);
        assertEquals(2, queued(eventId), "one notification per Slack and webhook channel, the copy changed nothing");

        // The 503 is recorded (and its retry scheduled on the simulated clock) before the clock moves on.
        await().atMost(Duration.ofSeconds(20)).until(() -> attempted(eventId));
        clock.advance(Duration.ofSeconds(2)); // past the first backoff: 1 s ± 20 %
        dispatcher.deliverDue();
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveredToWebhook(eventId)
                && received(slack, eventId).size() == 1);
        assertEquals(2, received(hook, eventId).size(), "the webhook got the 503'd attempt and its retry, nothing more");

        Received toHook = received(hook, eventId).get(1);
        assertTrue(WebhookSignature.verify("notice-secret-" + team, toHook.body().getBytes(StandardCharsets.UTF_8),
                toHook.header(WebhookSignature.HEADER)), "signed with the channel's secret");
        JsonNode body = json.readTree(toHook.body());
        assertEquals("team.notice", body.path("type").asText());
        assertEquals("ActionDueSoon", body.path("notice").path("type").asText());
        assertEquals("4f1c8a1e-2b7d-4f5e-9a53-0d2c6b1e7a90", body.path("notice").path("actionId").asText());
        assertEquals("Follow-up action due in 2 days: &lt;!channel&gt; rotate the DNS zone keys &lt;https://evil.example|see"
                + " the runbook&gt; &amp; more " + eventId,
                json.readTree(received(slack, eventId).get(0).body()).path("text").asText());
        assertEquals(summary, body.path("notice").path("summary").asText(), "the webhook gets the text as written");
        List<Received> pagerDuty = PagingFixtures.receiver().received(r -> r.body().contains("rk-team-" + team)
                || r.body().contains("rk-member-" + team) || r.body().contains(eventId) && r.path().equals("/pagerduty"));
        assertEquals(List.of(), pagerDuty, "a notice never goes to PagerDuty");
        await().atMost(Duration.ofSeconds(20)).until(() -> received(hook, laterId).size() == 1);
        assertEquals(2, received(hook, eventId).size(), "delivered once (after one retry)");
        assertEquals(1, received(slack, eventId).size(), "delivered once");
        assertEquals(List.of(), received(memberSlack, eventId), "never to a member's own channel, Slack included");
        assertEquals(List.of(), received(memberSlack, laterId));
    }

    @Test
    void oneTeamsSlackBeingDownHoldsBackNoOtherTeamsNotice() {
        String down = "notice-down-" + UUID.randomUUID().toString().substring(0, 8);
        String up = "notice-up-" + UUID.randomUUID().toString().substring(0, 8);
        for (String team : List.of(down, up)) {
            given().contentType(ContentType.JSON).body("""
                    {"members": [{"handle": "alice", "channels": []}],
                     "channels": [{"type": "slack", "url": "%s"}],
                     "rotation": {"members": ["alice"], "shiftLength": "P1D", "startsAt": "%s", "timeZone": "UTC"}}
                    """.formatted(PagingFixtures.receiver().url("/notices/slack/" + team),
                    clock.instant().minus(Duration.ofHours(1)))).when().put("/api/teams/" + team).then().statusCode(200);
        }
        PagingFixtures.receiver().script("/notices/slack/" + down, 503);
        String first = UUID.randomUUID().toString();
        KafkaTestClient.send(kafka(), Topics.TEAM_NOTICES, down, PagingFixtures.notice(first, down, "down " + first));
        await().atMost(Duration.ofSeconds(20)).until(() -> QuarkusTransaction.requiringNew().call(() -> notifications
                .count("action = 'notice' and attempts > 0 and status = 'PENDING' and body like ?1", "%" + first + "%")) > 0);
        String second = UUID.randomUUID().toString();
        KafkaTestClient.send(kafka(), Topics.TEAM_NOTICES, up, PagingFixtures.notice(second, up, "up " + second));
        // The clock stays put: the down team's notice waits for its retry, the other team's goes out meanwhile.
        await().atMost(Duration.ofSeconds(20)).until(() -> received("/notices/slack/" + up, second).size() == 1);
    }

    private List<Received> received(String path, String eventId) {
        return PagingFixtures.receiver().received(r -> r.path().equals(path) && r.body().contains(eventId));
    }

    private long queued(String eventId) {
        return QuarkusTransaction.requiringNew().call(() -> notifications.count(
                "action = 'notice' and pageId is null and body like ?1", "%" + eventId + "%"));
    }

    private boolean deliveredToWebhook(String eventId) {
        return QuarkusTransaction.requiringNew().call(() -> notifications.count("action = 'notice' and channelType = 'webhook'"
                + " and status = 'DELIVERED' and attempts = 2 and body like ?1", "%" + eventId + "%")) == 1;
    }

    private boolean attempted(String eventId) {
        return QuarkusTransaction.requiringNew().call(() -> notifications.count(
                "action = 'notice' and channelType = 'webhook' and attempts > 0 and body like ?1", "%" + eventId + "%")) > 0;
    }

    private static String kafka() {
        return RealInfrastructureResource.kafka().bootstrapServers();
    }
}
