package dev.daff.incident;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.daff.localinfra.AuditProbe;
import dev.daff.localinfra.AuditProbe.Auditor;
import dev.daff.localinfra.RealInfrastructureResource;
import dev.daff.localinfra.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Every write through the API leaves exactly one audit entry naming its caller; nothing else leaves one. */
@QuarkusTest
@QuarkusTestResource(value = RealInfrastructureResource.class, restrictToAnnotatedClass = false,
        initArgs = @ResourceArg(name = "database", value = "incident"))
class IncidentAuditTest {

    private static final String DEAD_LETTERS = "daff.change-events.incident-service.dead-letter";

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    private static RequestSpecification as(Auditor auditor) {
        return given().header("Authorization", auditor.bearer()).contentType(ContentType.JSON);
    }

    /**
     * Each write operation of the OpenAPI document: it makes what it needs as someone else, then calls the operation
     * as the auditor and answers the object the entry must name.
     */
    private static Map<String, Function<Auditor, String>> writes() {
        Map<String, Function<Auditor, String>> writes = new LinkedHashMap<>();
        writes.put("POST /api/incidents", auditor -> "incident:" + as(auditor).body(IncidentLifecycleTest.CHECKOUT_DOWN)
                .when().post("/api/incidents").then().statusCode(201).extract().path("id"));
        writes.put("PATCH /api/incidents/{id}", auditor -> {
            String id = IncidentLifecycleTest.open(IncidentLifecycleTest.CHECKOUT_DOWN);
            as(auditor).body("{\"version\": 0, \"severity\": \"SEV1\"}").when().patch("/api/incidents/" + id)
                    .then().statusCode(200);
            return "incident:" + id;
        });
        writes.put("POST /api/incidents/{id}/transitions", auditor -> {
            String id = IncidentLifecycleTest.open(IncidentLifecycleTest.CHECKOUT_DOWN);
            as(auditor).body("{\"to\": \"ANALYSING\"}").when().post("/api/incidents/" + id + "/transitions")
                    .then().statusCode(200);
            return "incident:" + id;
        });
        writes.put("PUT /api/incidents/{id}/roles/{role}", auditor -> {
            String id = IncidentLifecycleTest.open(IncidentLifecycleTest.CHECKOUT_DOWN);
            as(auditor).body("{\"handle\": \"alice\"}").when().put("/api/incidents/" + id + "/roles/COMMANDER")
                    .then().statusCode(200);
            return "incident:" + id;
        });
        writes.put("POST /api/incidents/{id}/timeline", auditor -> {
            String id = IncidentLifecycleTest.open(IncidentLifecycleTest.CHECKOUT_DOWN);
            as(auditor).body("{\"phase\": \"FIX\", \"text\": \"rolled back the pool change\"}").when().post("/api/incidents/" + id + "/timeline")
                    .then().statusCode(201);
            return "incident:" + id;
        });
        writes.put("POST /api/incidents/{id}/changes/{changeId}", auditor -> {
            String service = "audited-" + ChangesTest.unique();
            ChangesTest.service(service, "{\"team\": \"payments\"}");
            Instant t = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
            String change = ChangesTest.register(service, "CONFIG", "pool size 5", t, null).getString("change.id");
            String id = ChangesTest.incident(service, t.plusSeconds(600), t.plusSeconds(600));
            as(auditor).body("{\"role\": \"CAUSED\"}").when().post("/api/incidents/" + id + "/changes/" + change)
                    .then().statusCode(200);
            return "incident:" + id;
        });
        writes.put("POST /api/incidents/{id}/changes/{changeId}/rollback", auditor -> {
            try (dev.daff.localinfra.RecordingReceiver pipeline = dev.daff.localinfra.RecordingReceiver.start()) {
                String service = "audited-" + ChangesTest.unique();
                ChangesTest.service(service, "{\"team\": \"payments\", \"rollbackHook\": \"" + pipeline.url("/rollback") + "\"}");
                Instant t = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
                String change = ChangesTest.register(service, "CONFIG", "pool size 5", t, null).getString("change.id");
                String id = ChangesTest.incident(service, t.plusSeconds(600), t.plusSeconds(600));
                given().contentType(ContentType.JSON).body("{\"role\": \"CAUSED\"}")
                        .when().post("/api/incidents/" + id + "/changes/" + change).then().statusCode(200);
                as(auditor).when().post("/api/incidents/" + id + "/changes/" + change + "/rollback").then().statusCode(200);
                return "incident:" + id;
            }
        });
        writes.put("POST /api/changes", auditor -> {
            String service = "audited-" + ChangesTest.unique();
            ChangesTest.service(service, "{\"team\": \"payments\"}");
            return "change:" + as(auditor).body(ChangesTest.changeJson(service, "DEPLOY", "v2", Instant.now(), null, "production"))
                    .when().post("/api/changes").then().statusCode(201).extract().path("change.id");
        });
        writes.put("PUT /api/services/{name}", auditor -> {
            String name = "audited-" + ChangesTest.unique();
            as(auditor).body("{\"team\": \"payments\"}").when().put("/api/services/" + name)
                    .then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
            return "service:" + name;
        });
        writes.put("PUT /api/incidents/{id}/cause", auditor -> {
            String id = IncidentLifecycleTest.open(IncidentLifecycleTest.CHECKOUT_DOWN);
            as(auditor).body("{\"class\": \"CHANGE\", \"seams\": [\"CONFIG\"]}").when().put("/api/incidents/" + id + "/cause")
                    .then().statusCode(200);
            return "incident:" + id;
        });
        writes.put("PUT /api/incidents/{id}/washup", auditor -> {
            String id = IncidentLifecycleTest.open(IncidentLifecycleTest.CHECKOUT_DOWN);
            as(auditor).body(WashupTest.FULL_WASHUP).when().put("/api/incidents/" + id + "/washup").then().statusCode(200);
            return "incident:" + id;
        });
        writes.put("POST /api/incidents/{id}/washup/review", auditor -> {
            String id = FinalisationGateTest.resolvedIncident();
            given().contentType(ContentType.JSON).body("{\"class\": \"CHANGE\", \"seams\": [\"CONFIG\"]}")
                    .when().put("/api/incidents/" + id + "/cause").then().statusCode(200);
            given().contentType(ContentType.JSON).body(WashupTest.FULL_WASHUP)
                    .when().put("/api/incidents/" + id + "/washup").then().statusCode(200);
            as(auditor).body("{}").when().post("/api/incidents/" + id + "/washup/review").then().statusCode(200);
            return "incident:" + id;
        });
        writes.put("POST /api/incidents/{id}/washup/review/confirmations", auditor -> {
            String id = FinalisationGateTest.resolvedIncident();
            given().contentType(ContentType.JSON).body("{\"class\": \"CHANGE\", \"seams\": [\"CONFIG\"]}")
                    .when().put("/api/incidents/" + id + "/cause").then().statusCode(200);
            given().contentType(ContentType.JSON).body(WashupTest.FULL_WASHUP)
                    .when().put("/api/incidents/" + id + "/washup").then().statusCode(200);
            given().contentType(ContentType.JSON).body("{\"reviewers\": [\"" + auditor.name() + "\"]}")
                    .when().post("/api/incidents/" + id + "/washup/review").then().statusCode(200);
            as(auditor).when().post("/api/incidents/" + id + "/washup/review/confirmations").then().statusCode(200);
            return "incident:" + id;
        });
        writes.put("POST /api/incidents/{id}/finalisation-waiver", auditor -> {
            String id = FinalisationGateTest.resolvedIncident();
            as(auditor).body("{\"reason\": \"the service is being retired\"}")
                    .when().post("/api/incidents/" + id + "/finalisation-waiver").then().statusCode(201);
            return "incident:" + id;
        });
        writes.put("POST /api/incidents/{id}/finalisation-waiver/approval", auditor -> {
            String id = FinalisationGateTest.resolvedIncident();
            given().header("Authorization", "Bearer " + FinalisationGateTest.responder("proposer")).contentType(ContentType.JSON)
                    .body("{\"reason\": \"the service is being retired\"}")
                    .when().post("/api/incidents/" + id + "/finalisation-waiver").then().statusCode(201);
            as(auditor).body(FinalisationGateTest.approvalOf(id)).when().post("/api/incidents/" + id
                    + "/finalisation-waiver/approval").then().statusCode(200);
            return "incident:" + id;
        });
        writes.put("POST /api/integrations/alertmanager", auditor -> {
            String service = "gateway-" + ChangesTest.unique();
            String groupKey = "{}:{alertname=\\\"HighErrorRate\\\", service=\\\"" + service + "\\\"}";
            return "incident:" + as(auditor).body(AlertmanagerWebhookTest.notification(groupKey, "firing", service, "critical"))
                    .when().post("/api/integrations/alertmanager").then().statusCode(200).extract().path("incidentId");
        });
        writes.put("POST /api/deploy-decisions", auditor -> "deploy-decision:" + as(auditor)
                .body("{\"service\": \"audited-" + ChangesTest.unique() + "\", \"environment\": \"production\", \"kind\": \"DEPLOY\"}")
                .when().post("/api/deploy-decisions").then().statusCode(201).extract().path("decisionId"));
        writes.put("POST /api/deploy-decisions/{id}/override", auditor -> {
            String service = "audited-" + ChangesTest.unique();
            Instant now = Instant.now();
            given().header("Authorization", "Bearer " + DeployGateTest.ADMIN).contentType(ContentType.JSON)
                    .body(DeployGateTest.freezeJson("audited-" + ChangesTest.unique(), now.minusSeconds(60), now.plusSeconds(600), service))
                    .when().put("/api/freezes").then().statusCode(201);
            String id = DeployGateTest.decide(service, "production").getString("decisionId");
            as(auditor).body("{\"reason\": \"hotfix\"}").when().post("/api/deploy-decisions/" + id + "/override")
                    .then().statusCode(200);
            return "deploy-decision:" + id;
        });
        writes.put("PUT /api/freezes", auditor -> {
            String id = "audited-" + ChangesTest.unique();
            Instant now = Instant.now();
            as(auditor).body(DeployGateTest.freezeJson(id, now.plusSeconds(3600), now.plusSeconds(7200), "nothing-" + id))
                    .when().put("/api/freezes").then().statusCode(201);
            return "freeze:" + id;
        });
        writes.put("DELETE /api/freezes/{id}", auditor -> {
            String id = "audited-" + ChangesTest.unique();
            Instant now = Instant.now();
            given().header("Authorization", "Bearer " + DeployGateTest.ADMIN).contentType(ContentType.JSON)
                    .body(DeployGateTest.freezeJson(id, now.plusSeconds(3600), now.plusSeconds(7200), "nothing-" + id))
                    .when().put("/api/freezes").then().statusCode(201);
            as(auditor).when().delete("/api/freezes/" + id).then().statusCode(204);
            return "freeze:" + id;
        });
        writes.put("POST /api/admin/dead-letters/{topic}/replay", auditor -> {
            as(auditor).when().post("/api/admin/dead-letters/" + DEAD_LETTERS + "/replay").then().statusCode(200);
            return "dead-letter:" + DEAD_LETTERS;
        });
        return writes;
    }

    @Test
    void everyWriteOperationIsCovered() {
        assertEquals(AuditProbe.writeOperations(), writes().keySet().stream().collect(Collectors.toCollection(TreeSet::new)),
                "a write operation without an audit case here (or a case for one that is gone)");
    }

    @Test
    void everyWriteLeavesExactlyOneEntryWithItsCallerItsRouteAndItsObject() {
        assertEquals(List.of(), AuditProbe.problemsWith(writes(), TestTokens.RESPONDER, TestTokens.ADMIN, TestTokens.INGEST));
    }

    @Test
    void aRefusedWriteLeavesNoEntry() {
        Auditor auditor = AuditProbe.auditor(TestTokens.RESPONDER, TestTokens.ADMIN, TestTokens.INGEST);
        String id = IncidentLifecycleTest.open(IncidentLifecycleTest.CHECKOUT_DOWN);
        as(auditor).body("{\"title\": \"\"}").when().post("/api/incidents").then().statusCode(400);
        as(auditor).body("{\"to\": \"RESOLVED\"}").when().post("/api/incidents/" + id + "/transitions").then().statusCode(409);
        as(auditor).body("{\"version\": 7, \"severity\": \"SEV1\"}").when().patch("/api/incidents/" + id).then().statusCode(409);
        as(auditor).body("{\"handle\": \"dave\"}").when().put("/api/incidents/" + UUID.randomUUID() + "/roles/COMMANDER")
                .then().statusCode(404);
        as(auditor).body("{}").when().post("/api/incidents/" + id + "/washup/review").then().statusCode(409);
        as(auditor).body("{\"reason\": \"r\"}").when().post("/api/incidents/" + id + "/finalisation-waiver")
                .then().statusCode(409);
        as(auditor).body(FinalisationGateTest.approvalOf(id)).when().post("/api/incidents/" + id
                + "/finalisation-waiver/approval").then().statusCode(409);

        assertEquals(List.of(), AuditProbe.entriesBy(auditor));
    }

    @Test
    void readsLeaveNoEntry() {
        Auditor auditor = AuditProbe.auditor(TestTokens.VIEWER, TestTokens.ADMIN);
        String id = IncidentLifecycleTest.open(IncidentLifecycleTest.CHECKOUT_DOWN);
        for (String read : List.of("/api/incidents", "/api/incidents/" + id, "/api/incidents/" + id + "/timeline",
                "/api/incidents/" + id + "/changes", "/api/incidents/" + id + "/finalisation", "/api/incidents/" + id + "/washup",
                "/api/incidents/" + id + "/similar", "/api/incidents/" + id + "/washup.md",
                "/api/meta-review", "/api/changes", "/api/admin/dead-letters", "/api/audit?object=incident:" + id)) {
            given().header("Authorization", auditor.bearer()).when().get(read).then()
                    .statusCode(org.hamcrest.Matchers.oneOf(200, 404));
        }
        assertEquals(List.of(), AuditProbe.entriesBy(auditor));
    }

    @Test
    void aWriteDrivenByAnEventLeavesNoEntry() {
        String id = FinalisationGateTest.resolvedIncident();
        List<JsonNode> before = AuditProbe.entries(Map.of("object", "incident:" + id));
        Instant occurredAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        FinalisationGateTest.send(id, FinalisationGateTest.actionEvent(id, UUID.randomUUID().toString(), occurredAt, 1, 0, 1, 0));
        FinalisationGateTest.awaitSummaryOccurredAt(id, occurredAt);

        assertEquals(List.of(), AuditProbe.entries(Map.of("object", "action_summary:" + id)));
        assertEquals(before, AuditProbe.entries(Map.of("object", "incident:" + id)));
        assertTrue(before.size() == 4, "the opening and three transitions: " + before);
    }
}
