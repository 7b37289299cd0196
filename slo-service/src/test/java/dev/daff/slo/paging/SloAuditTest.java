package dev.daff.slo.paging;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.daff.localinfra.AuditProbe;
import dev.daff.localinfra.AuditProbe.Auditor;
import dev.daff.localinfra.TestTokens;
import dev.daff.localinfra.SimulatedClock;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * Every write through the API leaves exactly one audit entry naming its caller; nothing else leaves one. SLI ingest
 * ({@code POST /api/slos/{name}/events}) is telemetry, counted rather than audited: it is the one write left out.
 */
@QuarkusTest
@QuarkusTestResource(value = PagingReceiverResource.class, restrictToAnnotatedClass = false)
class SloAuditTest {

    /** Writes that are not audited, and why. */
    private static final Set<String> NOT_AUDITED = Set.of("POST /api/slos/{name}/events" /* telemetry */);
    private static final String DEAD_LETTERS = "daff.slo-alerts.slo-service.dead-letter";

    @Inject
    SimulatedClock clock;

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    private static RequestSpecification as(Auditor auditor) {
        return given().header("Authorization", auditor.bearer()).contentType(ContentType.JSON);
    }

    static String slo(String name) {
        return """
                {"name": "%s", "service": "checkout", "team": "payments", "description": "checkout requests succeed",
                 "objective": 99.9, "window": "30d"}
                """.formatted(name);
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A page for a team of one (alice, on Slack at the stand-in), made by consuming an alert as in production. */
    private String page() {
        String team = PagingFixtures.soloTeam(clock, unique("audited"), "alice",
                "{\"type\": \"slack\", \"url\": \"" + PagingFixtures.receiver().url("/slack/audit") + "\"}");
        PagingFixtures.publish(team, PagingFixtures.alert(clock, "AlertFired", team, unique("slo"), unique("dedup")));
        return PagingFixtures.awaitPage(team);
    }

    /**
     * Each audited write operation of the OpenAPI document: it makes what it needs as someone else, then calls the
     * operation as the auditor and answers the object the entry must name.
     */
    private Map<String, Function<Auditor, String>> writes() {
        Map<String, Function<Auditor, String>> writes = new LinkedHashMap<>();
        writes.put("POST /api/slos", auditor -> {
            String name = unique("audited");
            as(auditor).body(slo(name)).when().post("/api/slos").then().statusCode(201);
            return "slo:" + name;
        });
        writes.put("PUT /api/slos/{name}", auditor -> {
            String name = unique("audited");
            given().contentType(ContentType.JSON).body(slo(name)).when().post("/api/slos").then().statusCode(201);
            as(auditor).body(slo(name).replace("99.9", "99.5")).when().put("/api/slos/" + name).then().statusCode(200);
            return "slo:" + name;
        });
        writes.put("DELETE /api/slos/{name}", auditor -> {
            String name = unique("audited");
            given().contentType(ContentType.JSON).body(slo(name)).when().post("/api/slos").then().statusCode(201);
            as(auditor).when().delete("/api/slos/" + name).then().statusCode(204);
            return "slo:" + name;
        });
        writes.put("POST /api/openslo", auditor -> {
            String name = unique("audited");
            String yaml = """
                    apiVersion: openslo/v1
                    kind: SLO
                    metadata: {name: %s, annotations: {daff.dev/team: payments}}
                    spec:
                      service: checkout
                      indicator:
                        metadata: {name: requests}
                        spec: {ratioMetric: {good: {metricSource: {type: daff}}, total: {metricSource: {type: daff}}}}
                      budgetingMethod: Occurrences
                      timeWindow: [{duration: 30d, isRolling: true}]
                      objectives: [{target: 0.999}]
                    """.formatted(name);
            given().header("Authorization", auditor.bearer()).contentType("application/yaml")
                    .body(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .when().post("/api/openslo").then().statusCode(200);
            // a collection write is about the first row it made: the imported SLO
            return "openslo:" + name;
        });
        writes.put("PUT /api/teams/{team}", auditor -> {
            String team = unique("audited");
            as(auditor).body("""
                    {"members": [{"handle": "alice", "channels": [{"type": "slack", "url": "%s"}]}],
                     "rotation": {"members": ["alice"], "shiftLength": "P1D", "startsAt": "%s", "timeZone": "UTC"}}
                    """.formatted(PagingFixtures.receiver().url("/slack/audit"), clock.instant()))
                    .when().put("/api/teams/" + team).then().statusCode(200);
            return "team:" + team;
        });
        writes.put("POST /api/pages/{id}/ack", auditor -> {
            String id = page();
            as(auditor).body("{}").when().post("/api/pages/" + id + "/ack").then().statusCode(200);
            return "page:" + id;
        });
        writes.put("POST /api/pages/{id}/resolve", auditor -> {
            String id = page(); // its alert is not a stored episode here, so nothing fires and a person may resolve it
            as(auditor).when().post("/api/pages/" + id + "/resolve").then().statusCode(200);
            return "page:" + id;
        });
        writes.put("POST /api/integrations/pagerduty", auditor -> {
            String id = page();
            String dedupKey = given().when().get("/api/pages/" + id).then().extract().path("dedupKey");
            String body = PagerDutyWebhookTest.event("incident.acknowledged", dedupKey);
            as(auditor).header("X-PagerDuty-Signature", PagerDutyWebhookTest.signed(body)).body(body)
                    .when().post("/api/integrations/pagerduty").then().statusCode(200);
            return "page:" + id;
        });
        writes.put("POST /api/integrations/slack", auditor -> {
            String slackUser = "UAUDIT" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
            String team = SlackInteractionTest.slackTeam(clock, unique("audited"), slackUser);
            PagingFixtures.publish(team, PagingFixtures.alert(clock, "AlertFired", team, unique("slo"), unique("dedup")));
            String id = PagingFixtures.awaitPage(team);
            String click = SlackInteractionTest.click(slackUser, "daff_acknowledge", id);
            long now = clock.instant().getEpochSecond();
            as(auditor).config(io.restassured.RestAssured.config().encoderConfig(io.restassured.config.EncoderConfig
                    .encoderConfig().encodeContentTypeAs("application/x-www-form-urlencoded", ContentType.TEXT)))
                    .contentType("application/x-www-form-urlencoded")
                    .header("X-Slack-Request-Timestamp", Long.toString(now))
                    .header("X-Slack-Signature", SlackInteractionTest.signature(SlackInteractionTest.NEW_SECRET, now, click))
                    .body(click)
                    .when().post("/api/integrations/slack").then().statusCode(200)
                    .body("text", org.hamcrest.Matchers.startsWith("Acknowledged"));
            return "page:" + id;
        });
        writes.put("POST /api/admin/secrets/re-encrypt", auditor -> {
            String current = given().when().get("/api/admin/secrets").then().statusCode(200).extract().path("currentKey");
            given().header("Authorization", auditor.bearer()).when().post("/api/admin/secrets/re-encrypt")
                    .then().statusCode(200);
            // several transactions (batches), one entry: the act, by the key it seals under
            return "channel_secrets:" + current;
        });
        writes.put("POST /api/admin/dead-letters/{topic}/replay", auditor -> {
            as(auditor).when().post("/api/admin/dead-letters/" + DEAD_LETTERS + "/replay").then().statusCode(200);
            return "dead-letter:" + DEAD_LETTERS;
        });
        return writes;
    }

    @Test
    void everyWriteOperationIsCoveredOrSaysWhyNot() {
        Set<String> covered = new TreeSet<>(writes().keySet());
        covered.addAll(NOT_AUDITED);
        assertEquals(AuditProbe.writeOperations(), covered,
                "a write operation without an audit case here (or a case for one that is gone)");
    }

    @Test
    void everyWriteLeavesExactlyOneEntryWithItsCallerItsRouteAndItsObject() {
        assertEquals(List.of(), AuditProbe.problemsWith(writes(), TestTokens.RESPONDER, TestTokens.ADMIN));
    }

    @Test
    void aTeamsSecretsNeverReachTheLog() {
        Auditor auditor = AuditProbe.auditor(TestTokens.ADMIN);
        String team = unique("audited");
        as(auditor).body("""
                {"members": [{"handle": "bob", "channels": [{"type": "webhook", "url": "%s", "secret": "s3cret-never-logged"}]}],
                 "rotation": {"members": ["bob"], "shiftLength": "P1D", "startsAt": "%s", "timeZone": "UTC"}}
                """.formatted(PagingFixtures.receiver().url("/hook/audit"), clock.instant()))
                .when().put("/api/teams/" + team).then().statusCode(200);

        List<JsonNode> entries = AuditProbe.entriesBy(auditor);
        assertEquals(1, entries.size());
        assertTrue(!entries.get(0).toString().contains("s3cret"), entries.get(0).toString());
    }

    @Test
    void aRefusedWriteLeavesNoEntry() {
        Auditor auditor = AuditProbe.auditor(TestTokens.RESPONDER, TestTokens.ADMIN);
        as(auditor).body(slo("bad").replace("99.9", "140")).when().post("/api/slos").then().statusCode(400);
        String ghost = unique("ghost");
        as(auditor).body(slo(ghost)).when().put("/api/slos/" + ghost).then().statusCode(404);
        as(auditor).when().delete("/api/slos/" + unique("ghost")).then().statusCode(404);
        as(auditor).body("{}").when().post("/api/pages/" + UUID.randomUUID() + "/ack").then().statusCode(404);
        as(auditor).body("""
                {"members": [{"handle": "alice", "channels": []}],
                 "rotation": {"members": ["zed"], "shiftLength": "P1D", "startsAt": "%s", "timeZone": "UTC"}}
                """.formatted(clock.instant())).when().put("/api/teams/" + unique("stranger")).then().statusCode(400);
        // an OpenSLO import that is refused, and a dry run, write nothing
        given().header("Authorization", auditor.bearer()).contentType("application/yaml")
                .body("apiVersion: openslo/v1\nkind: Dashboard\nmetadata: {name: x}\nspec: {}\n".getBytes())
                .when().post("/api/openslo").then().statusCode(422);
        given().header("Authorization", auditor.bearer()).contentType("application/yaml")
                .body(("apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: " + unique("dry") + ", annotations: "
                        + "{daff.dev/team: t}}\nspec: {service: s, indicator: {spec: {ratioMetric: {good: {metricSource: "
                        + "{type: daff}}, total: {metricSource: {type: daff}}}}}, objectives: [{target: 0.99}]}\n").getBytes())
                .when().post("/api/openslo?dryRun=true").then().statusCode(200).body("slos[0].outcome", org.hamcrest.Matchers.equalTo("created"));

        assertEquals(List.of(), AuditProbe.entriesBy(auditor));
    }

    @Test
    void readsLeaveNoEntry() {
        Auditor auditor = AuditProbe.auditor(TestTokens.VIEWER, TestTokens.ADMIN);
        String name = unique("read");
        given().contentType(ContentType.JSON).body(slo(name)).when().post("/api/slos").then().statusCode(201);
        for (String read : List.of("/api/slos", "/api/slos/" + name, "/api/slos/" + name + "/status", "/api/alerts",
                "/api/pages", "/api/tickets", "/api/teams", "/api/admin/dead-letters", "/api/audit?object=slo:" + name)) {
            given().header("Authorization", auditor.bearer()).when().get(read).then().statusCode(200);
        }
        assertEquals(List.of(), AuditProbe.entriesBy(auditor));
    }

    @Test
    void aWriteDrivenByAnEventLeavesNoEntry() {
        String id = page();
        assertEquals(List.of(), AuditProbe.entries(Map.of("object", "page:" + id)));
    }
}
