package dev.daff.action;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.daff.localinfra.AuditProbe;
import dev.daff.localinfra.AuditProbe.Auditor;
import dev.daff.localinfra.RealInfrastructureResource;
import dev.daff.localinfra.SimulatedClock;
import dev.daff.localinfra.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Every write through the API leaves exactly one audit entry naming its caller; nothing else leaves one. */
@QuarkusTest
@QuarkusTestResource(value = RealInfrastructureResource.class, restrictToAnnotatedClass = false,
        initArgs = @ResourceArg(name = "database", value = "action"))
class ActionAuditTest {

    private static final String DEAD_LETTERS = "daff.incident-events.action-service.dead-letter";

    @jakarta.inject.Inject
    SimulatedClock clock;

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    /**
     * Each write operation of the OpenAPI document: it makes what it needs as someone else, then calls the operation
     * as the auditor and answers the object the entry must name.
     */
    private static Map<String, Function<Auditor, String>> writes() {
        Map<String, Function<Auditor, String>> writes = new LinkedHashMap<>();
        writes.put("POST /api/actions", auditor -> "action:" + given().header("Authorization", auditor.bearer())
                .contentType(ContentType.JSON).body(ActionTestSupport.action(UUID.randomUUID(), "payments", "LOCAL", null))
                .when().post("/api/actions").then().statusCode(201).extract().path("id"));
        writes.put("POST /api/actions/{id}/transitions", auditor -> {
            String id = ActionTestSupport.create(UUID.randomUUID(), "payments", "LOCAL", null);
            given().header("Authorization", auditor.bearer()).contentType(ContentType.JSON).body("{\"to\": \"IN_PROGRESS\"}")
                    .when().post("/api/actions/" + id + "/transitions").then().statusCode(200);
            return "action:" + id;
        });
        writes.put("PATCH /api/actions/{id}", auditor -> {
            String id = ActionTestSupport.create(UUID.randomUUID(), "payments", "LOCAL", null);
            given().header("Authorization", auditor.bearer()).contentType(ContentType.JSON)
                    .body("{\"version\": 0, \"assignee\": \"erin\"}")
                    .when().patch("/api/actions/" + id).then().statusCode(200);
            return "action:" + id;
        });
        writes.put("POST /api/admin/dead-letters/{topic}/replay", auditor -> {
            given().header("Authorization", auditor.bearer()).when().post("/api/admin/dead-letters/" + DEAD_LETTERS + "/replay")
                    .then().statusCode(200);
            return "dead-letter:" + DEAD_LETTERS;
        });
        return writes;
    }

    @Test
    void everyWriteOperationIsCovered() {
        assertEquals(AuditProbe.writeOperations(), writes().keySet().stream().collect(java.util.stream.Collectors.toCollection(
                java.util.TreeSet::new)), "a write operation without an audit case here (or a case for one that is gone)");
    }

    @Test
    void everyWriteLeavesExactlyOneEntryWithItsCallerItsRouteAndItsObject() {
        assertEquals(List.of(), AuditProbe.problemsWith(writes(), TestTokens.RESPONDER, TestTokens.ADMIN));
    }

    @Test
    void theEntryListsTheRowsWrittenAndTheFieldsChangedButNoValues() {
        Auditor auditor = AuditProbe.auditor(TestTokens.RESPONDER);
        String id = ActionTestSupport.create(UUID.randomUUID(), "payments", "LOCAL", null);
        given().header("Authorization", auditor.bearer()).contentType(ContentType.JSON)
                .body("{\"to\": \"WONT_DO\", \"reason\": \"superseded by the platform pool\"}")
                .when().post("/api/actions/" + id + "/transitions").then().statusCode(200);

        JsonNode entry = AuditProbe.entriesBy(auditor).get(0);
        JsonNode change = entry.path("changes").get(0);
        assertEquals("follow_up_action", change.path("type").asText());
        assertEquals(id, change.path("id").asText());
        assertEquals("update", change.path("op").asText());
        List<String> fields = new ArrayList<>();
        change.path("fields").forEach(f -> fields.add(f.asText()));
        assertTrue(fields.containsAll(List.of("closedAt", "status")), fields.toString());
        assertTrue(!entry.toString().contains("superseded"), "values must not be copied: " + entry);
    }

    @Test
    void aRefusedWriteLeavesNoEntry() {
        Auditor auditor = AuditProbe.auditor(TestTokens.RESPONDER, TestTokens.ADMIN);
        String id = ActionTestSupport.create(UUID.randomUUID(), "payments", "LOCAL", null);
        ActionTestSupport.move(id, "DONE");

        given().header("Authorization", auditor.bearer()).contentType(ContentType.JSON)
                .body(ActionTestSupport.action(UUID.randomUUID(), "payments", "SYSTEMIC", null).replace(
                        ", \"systemicRationale\": \"every service opens its own pool\"", ""))
                .when().post("/api/actions").then().statusCode(400);
        given().header("Authorization", auditor.bearer()).contentType(ContentType.JSON).body("{\"to\": \"IN_PROGRESS\"}")
                .when().post("/api/actions/" + UUID.randomUUID() + "/transitions").then().statusCode(404);
        given().header("Authorization", auditor.bearer()).contentType(ContentType.JSON).body("{\"to\": \"IN_PROGRESS\"}")
                .when().post("/api/actions/" + id + "/transitions").then().statusCode(409);
        given().header("Authorization", auditor.bearer()).when().post("/api/admin/dead-letters/daff.no-such-topic/replay")
                .then().statusCode(404);
        for (String max : List.of("ten", "99999999999", "0")) { // a wrong type too is a 400 naming it, not JAX-RS's 404
            given().header("Authorization", auditor.bearer()).queryParam("max", max)
                    .when().post("/api/admin/dead-letters/" + DEAD_LETTERS + "/replay").then().statusCode(400)
                    .contentType("application/problem+json").body("errors[0].field", org.hamcrest.Matchers.equalTo("max"));
        }

        assertEquals(List.of(), AuditProbe.entriesBy(auditor));
    }

    @Test
    void readsLeaveNoEntry() {
        Auditor auditor = AuditProbe.auditor(TestTokens.VIEWER, TestTokens.ADMIN);
        UUID incidentId = UUID.randomUUID();
        String id = ActionTestSupport.create(incidentId, "payments", "LOCAL", null);
        for (String read : List.of("/api/actions?incidentId=" + incidentId, "/api/actions/" + id,
                "/api/teams/payments/actions/report", "/api/admin/dead-letters", "/api/audit?object=action:" + id)) {
            given().header("Authorization", auditor.bearer()).when().get(read).then().statusCode(200);
        }
        assertEquals(List.of(), AuditProbe.entriesBy(auditor));
    }

    @Test
    void aWriteDrivenByAnEventLeavesNoEntry() {
        UUID incidentId = UUID.randomUUID();
        ActionTestSupport.sendIncidentEvent(UUID.randomUUID().toString(), "IncidentResolved", incidentId, "SEV2",
                "payments", "RESOLVED");
        String washup = await().atMost(Duration.ofSeconds(30)).until(() -> given().queryParam("incidentId", incidentId.toString())
                .when().get("/api/actions").then().statusCode(200).extract().<String>path("[0].id"), id -> id != null);

        assertEquals(List.of(), AuditProbe.entries(Map.of("object", "action:" + washup)));
        assertEquals(List.of(), AuditProbe.entries(Map.of("object", "follow_up_action:" + washup)));
    }

    @Test
    void theLogFiltersByActorObjectAndTimeAndPagesNewestFirst() {
        Auditor auditor = AuditProbe.auditor(TestTokens.RESPONDER);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(1)); // entries are stamped with the service clock, which stands still here
            ids.add(given().header("Authorization", auditor.bearer()).contentType(ContentType.JSON)
                    .body(ActionTestSupport.action(UUID.randomUUID(), "payments", "LOCAL", null))
                    .when().post("/api/actions").then().statusCode(201).extract().path("id"));
        }
        clock.advance(Duration.ofSeconds(1));
        given().header("Authorization", auditor.bearer()).contentType(ContentType.JSON).body("{\"to\": \"IN_PROGRESS\"}")
                .when().post("/api/actions/" + ids.get(0) + "/transitions").then().statusCode(200);
        String admin = "Bearer " + TestTokens.token("audit-admin", TestTokens.ADMIN);

        // newest first, two to a page
        var first = given().header("Authorization", admin).queryParam("actor", auditor.subject()).queryParam("limit", 2)
                .when().get("/api/audit").then().statusCode(200).body("", hasSize(2))
                .body("[0].action", equalTo("POST /api/actions/{id}/transitions"))
                .body("[0].object", equalTo("action:" + ids.get(0)))
                .body("[1].object", equalTo("action:" + ids.get(2)))
                .body("[0].actor", equalTo(auditor.subject())).extract();
        String cursor = first.header("X-Next-Cursor");
        assertNotNull(cursor);
        var second = given().header("Authorization", admin).queryParam("actor", auditor.subject()).queryParam("limit", 2)
                .queryParam("cursor", cursor).when().get("/api/audit").then().statusCode(200).body("", hasSize(2))
                .body("[0].object", equalTo("action:" + ids.get(1))).body("[1].object", equalTo("action:" + ids.get(0)))
                .body("[1].action", equalTo("POST /api/actions")).extract();
        assertNull(second.header("X-Next-Cursor"));

        // by object: its creation and its transition, whoever made them
        List<JsonNode> aboutFirst = AuditProbe.entries(Map.of("object", "action:" + ids.get(0)));
        assertEquals(List.of("POST /api/actions/{id}/transitions", "POST /api/actions"),
                aboutFirst.stream().map(e -> e.path("action").asText()).toList());
        // the row's own table name finds the same writes
        assertEquals(2, AuditProbe.entries(Map.of("object", "follow_up_action:" + ids.get(0))).size());

        // by time: from inclusive, to exclusive
        List<JsonNode> all = AuditProbe.entriesBy(auditor);
        Instant newest = Instant.parse(all.get(0).path("occurredAt").asText());
        Instant oldest = Instant.parse(all.get(3).path("occurredAt").asText());
        assertEquals(4, AuditProbe.entries(Map.of("actor", auditor.subject(), "from", oldest.toString())).size());
        assertEquals(all.subList(1, 4).stream().map(e -> e.path("id").asLong()).toList(),
                AuditProbe.entries(Map.of("actor", auditor.subject(), "to", newest.toString())).stream()
                        .map(e -> e.path("id").asLong()).toList());
        assertEquals(1, AuditProbe.entries(Map.of("actor", auditor.subject(), "from", newest.toString(),
                "to", newest.plusMillis(1).toString())).size());
    }

    @Test
    void onlyAdminsReadTheLogAndBadFiltersAre400() {
        given().header("Authorization", "Bearer " + TestTokens.token("responder", TestTokens.RESPONDER, TestTokens.VIEWER))
                .when().get("/api/audit").then().statusCode(403);
        String admin = "Bearer " + TestTokens.token("audit-admin", TestTokens.ADMIN);
        for (Map.Entry<String, String> bad : Map.of("from", "yesterday", "to", "2026-13-01T00:00:00Z", "object", "incident",
                "limit", "501", "cursor", "not-a-cursor").entrySet()) {
            given().header("Authorization", admin).queryParam(bad.getKey(), bad.getValue()).when().get("/api/audit")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("errors[0].field", equalTo(bad.getKey()));
        }
        given().header("Authorization", admin).queryParam("from", "2026-02-01T00:00:00Z").queryParam("to", "2026-01-01T00:00:00Z")
                .when().get("/api/audit").then().statusCode(400).contentType("application/problem+json");
    }
}
