package dev.daff.slo.paging;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.daff.events.Topics;
import dev.daff.localinfra.KafkaTestClient;
import dev.daff.localinfra.RealInfrastructureResource;
import dev.daff.localinfra.RecordingReceiver;
import dev.daff.localinfra.RecordingReceiver.Received;
import dev.daff.localinfra.SimulatedClock;
import io.restassured.http.ContentType;

/** Teams, alerts and the PagerDuty stand-in as the paging tests use them. */
final class PagingFixtures {

    private PagingFixtures() {
    }

    static RecordingReceiver receiver() {
        return PagingReceiverResource.receiver;
    }

    /** alice (PagerDuty), bob (signed webhook at {@code bobUrl}), carol (Slack); alice's week started an hour ago. */
    static String team(SimulatedClock clock, String name, String bobUrl) {
        String body = """
                {"members": [
                   {"handle": "alice", "name": "Alice", "channels": [{"type": "pagerduty", "routingKey": "rk-%1$s"}]},
                   {"handle": "bob", "name": "Bob", "channels": [{"type": "webhook", "url": "%2$s", "secret": "s3cret-%1$s"}]},
                   {"handle": "carol", "name": "Carol", "channels": [{"type": "slack", "url": "%3$s"}]}],
                 "rotation": {"members": ["alice", "bob", "carol"], "shiftLength": "P7D", "startsAt": "%4$s",
                              "timeZone": "Europe/London"},
                 "escalation": {"ackTimeout": "PT5M", "levels": ["PRIMARY", "SECONDARY", "TEAM"], "repeat": 1}}
                """.formatted(name, bobUrl, receiver().url("/slack/" + name), clock.instant().minus(Duration.ofHours(1)));
        given().contentType(ContentType.JSON).body(body).when().put("/api/teams/" + name).then().statusCode(200)
                .body("members[0].channels[0].configured", equalTo(true))
                .body("members[0].channels[0].routingKey", nullValue())
                .body("members[1].channels[0].secret", nullValue());
        return name;
    }

    /** A one-member team whose only channel is {@code channel} (JSON), on call since an hour ago. */
    static String soloTeam(SimulatedClock clock, String name, String handle, String channel) {
        given().contentType(ContentType.JSON).body("""
                {"members": [{"handle": "%s", "channels": [%s]}],
                 "rotation": {"members": ["%1$s"], "shiftLength": "P1D", "startsAt": "%s", "timeZone": "UTC"}}
                """.formatted(handle, channel, clock.instant().minus(Duration.ofHours(1))))
                .when().put("/api/teams/" + name).then().statusCode(200);
        return name;
    }

    /** A team notice (an action due soon) for {@code team}, as action-service publishes it. */
    static String notice(String eventId, String team, String summary) {
        return """
                {"eventId": "%s", "type": "ActionDueSoon", "version": 1, "occurredAt": "%s", "team": "%s",
                 "summary": "%s", "actionId": "4f1c8a1e-2b7d-4f5e-9a53-0d2c6b1e7a90",
                 "incidentId": "0b8e4c52-7f0a-4d3e-8c1b-5e9f2a6d4b31", "title": "rotate the DNS zone keys",
                 "assignee": null, "dueAt": "2026-12-04T10:00:00Z", "weekly": null}
                """.formatted(eventId, java.time.Instant.now(), team, summary);
    }

    /** An AlertFired or AlertResolved event of a PAGE burn-rate alert, as slo-service publishes it. */
    static String alert(SimulatedClock clock, String type, String team, String slo, String dedupKey) {
        Instant fired = clock.instant();
        return """
                {"eventId": "%s", "type": "%s", "version": 1, "alertId": "a-%s", "dedupKey": "%s", "slo": "%s",
                 "service": "dns", "team": "%s", "severity": "PAGE", "kind": "BURN_RATE", "tier": "1h/5m",
                 "burnRateLong": 20.0, "burnRateShort": 30.0, "threshold": 14.4, "budgetRemaining": 0.97,
                 "exhaustionAt": "%s", "firedAt": "%s", "resolvedAt": %s, "occurredAt": "%s"}
                """.formatted(UUID.randomUUID(), type, dedupKey, dedupKey, slo, team, fired.plus(Duration.ofMinutes(41)),
                fired, type.equals("AlertResolved") ? "\"" + fired + "\"" : "null", fired);
    }

    static void publish(String team, String body) {
        KafkaTestClient.send(RealInfrastructureResource.kafka().bootstrapServers(), Topics.SLO_ALERTS, team, body);
    }

    /** The id of the team's one page, once it exists. */
    static String awaitPage(String team) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().queryParam("team", team).when().get("/api/pages")
                .then().statusCode(200).body("", hasSize(1)));
        return given().queryParam("team", team).when().get("/api/pages").then().extract().path("[0].id");
    }

    static List<Received> pagerDuty(String routingKey, String action) {
        return receiver().received(r -> r.path().equals("/pagerduty") && r.body().contains("\"routing_key\":\"" + routingKey + "\"")
                && r.body().contains("\"event_action\":\"" + action + "\""));
    }
}
