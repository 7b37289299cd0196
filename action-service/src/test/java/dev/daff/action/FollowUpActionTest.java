package dev.daff.action;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import dev.daff.action.incidents.KnownIncidents;
import dev.daff.events.Topics;
import dev.daff.localinfra.Concurrently;
import dev.daff.localinfra.RealInfrastructureResource;
import dev.daff.localinfra.KafkaTestClient;
import dev.daff.localinfra.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

@QuarkusTest
@QuarkusTestResource(value = RealInfrastructureResource.class, restrictToAnnotatedClass = false,
        initArgs = @ResourceArg(name = "database", value = "action"))
class FollowUpActionTest {

    @org.junit.jupiter.api.BeforeAll
    static void authenticate() {
        dev.daff.localinfra.TestTokens.authenticateEveryRequest();
    }

    static String incidentEvent(String eventId, String type, UUID incidentId, String severity, String status) {
        return """
                {"eventId": "%s", "type": "%s", "version": 1, "incidentId": "%s", "occurredAt": "%s",
                 "title": "Checkout errors", "severity": "%s", "services": ["checkout"], "team": "payments",
                 "status": "%s"}
                """.formatted(eventId, type, incidentId, Instant.now(), severity, status);
    }

    static String action(UUID incidentId, String ownerTeam, String scope, String rationale) {
        return """
                {"incidentId": "%s", "title": "Standardise access to the platform database", "ownerTeam": %s,
                 "kind": "PREVENT", "scope": "%s", "priority": "P2" %s}
                """.formatted(incidentId, ownerTeam, scope, rationale == null ? "" : ", \"systemicRationale\": \"" + rationale + "\"");
    }

    /**
     * A client whose answer was lost sends its create again with the same Idempotency-Key: one action, the same id in
     * both answers (the retry marked), one ActionCreated; the key with another request is 422 and creates nothing.
     */
    @Test
    void aRetriedCreateWithItsIdempotencyKeyMakesOneAction() {
        UUID incidentId = UUID.randomUUID();
        String body = action(incidentId, "\"payments\"", "LOCAL", null);
        String key = UUID.randomUUID().toString();
        String id = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .when().post("/api/actions").then().statusCode(201).header("Idempotent-Replayed", nullValue())
                .extract().path("id");
        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .when().post("/api/actions").then().statusCode(201).header("Idempotent-Replayed", "true")
                .header("Location", containsString("/api/actions/" + id)).body("id", equalTo(id));
        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body.replace("P2", "P1"))
                .when().post("/api/actions").then().statusCode(422).contentType("application/problem+json")
                .body("type", containsString("idempotency-key-reused"));
        given().queryParam("incidentId", incidentId.toString()).when().get("/api/actions").then().statusCode(200)
                .body("", hasSize(1)).body("[0].priority", equalTo("P2"));
        assertEquals(1, KafkaTestClient.read(RealInfrastructureResource.kafka().bootstrapServers(), Topics.ACTION_EVENTS,
                record -> record.value().contains(id) && record.value().contains("\"type\":\"ActionCreated\""), 2,
                Duration.ofSeconds(5)).size(), "ActionCreated announced once");

        // A day later the key is forgotten: the same request is a new action.
        clock.advance(Duration.ofHours(25));
        String later = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .when().post("/api/actions").then().statusCode(201).header("Idempotent-Replayed", nullValue())
                .extract().path("id");
        assertTrue(!later.equals(id), "a new action after the key was forgotten");
    }

    /** Retries that arrive together (a client's timeout shorter than the request) still make one action. */
    @Test
    void createsWithOneIdempotencyKeyAtOnceMakeOneAction() throws Exception {
        UUID incidentId = UUID.randomUUID();
        String body = action(incidentId, "\"payments\"", "LOCAL", null);
        String key = UUID.randomUUID().toString();
        Set<String> ids = new HashSet<>();
        for (Response answer : Concurrently.atOnce(6, () -> given().contentType(ContentType.JSON)
                .header("Idempotency-Key", key).body(body).when().post("/api/actions").andReturn())) {
            answer.then().statusCode(201);
            ids.add(answer.path("id"));
        }
        assertEquals(1, ids.size(), ids.toString());
        given().queryParam("incidentId", incidentId.toString()).when().get("/api/actions").then().statusCode(200)
                .body("", hasSize(1));
        String id = ids.iterator().next();
        assertEquals(1, KafkaTestClient.read(RealInfrastructureResource.kafka().bootstrapServers(), Topics.ACTION_EVENTS,
                record -> record.value().contains(id) && record.value().contains("\"type\":\"ActionCreated\""), 2,
                Duration.ofSeconds(5)).size(), "ActionCreated announced once");
    }

    @Inject
    SimulatedClockBean clock;

    @Inject
    KnownIncidents incidents;

    @Test
    void resolvedIncidentGetsOneWashupActionEvenWhenDeliveredTwice() {
        UUID incidentId = UUID.randomUUID();
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        String resolved = incidentEvent(UUID.randomUUID().toString(), "IncidentResolved", incidentId, "SEV1", "RESOLVED");
        KafkaTestClient.send(kafka, Topics.INCIDENT_EVENTS, incidentId.toString(), resolved);
        KafkaTestClient.send(kafka, Topics.INCIDENT_EVENTS, incidentId.toString(), resolved);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given()
                .queryParam("incidentId", incidentId.toString())
                .when().get("/api/actions")
                .then().statusCode(200)
                .body("", hasSize(1))
                .body("[0].kind", equalTo("WASHUP"))
                .body("[0].ownerTeam", equalTo("payments"))
                .body("[0].createdBy", equalTo("daff"))
                .body("[0].createdBySubject", nullValue()));

        List<ConsumerRecord<String, String>> created = KafkaTestClient.read(kafka, Topics.ACTION_EVENTS,
                record -> incidentId.toString().equals(record.key()), 1, Duration.ofSeconds(20));
        assertEquals(1, created.size());
        org.hamcrest.MatcherAssert.assertThat(created.get(0).value(), containsString("\"type\":\"ActionCreated\""));
    }

    @Test
    void anActionHasExactlyOneOwningTeam() {
        UUID incidentId = UUID.randomUUID();
        for (String owner : List.of("null", "\"\"", "[\"payments\", \"platform\"]", "\"shared\"", "\"payments, platform\"",
                "\"Payments\"", "\"payments team\"")) {
            given().contentType(ContentType.JSON).body(action(incidentId, owner, "LOCAL", null))
                    .when().post("/api/actions")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("errors[0].field", equalTo("ownerTeam"));
        }
        given().contentType(ContentType.JSON).body(action(incidentId, "\"payments\"", "LOCAL", null))
                .when().post("/api/actions").then().statusCode(201).body("status", equalTo("OPEN"));
    }

    @Test
    void anIncidentsActionEventsCarryTheOrderTheyWereCommittedIn() throws Exception {
        // incident-service keeps the latest summary by this order: replicas' clocks cannot say which change came last.
        UUID incidentId = UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            given().contentType(ContentType.JSON).body(action(incidentId, "\"payments\"", "LOCAL", null))
                    .when().post("/api/actions").then().statusCode(201);
        }
        List<ConsumerRecord<String, String>> events = KafkaTestClient.read(RealInfrastructureResource.kafka().bootstrapServers(),
                Topics.ACTION_EVENTS, record -> incidentId.toString().equals(record.key()), 3, Duration.ofSeconds(20));
        assertEquals(3, events.size());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        long previous = Long.MIN_VALUE;
        for (ConsumerRecord<String, String> event : events) {
            com.fasterxml.jackson.databind.JsonNode read = json.readTree(event.value());
            assertTrue(read.path("sequence").isIntegralNumber(), event.value());
            assertTrue(read.path("sequence").asLong() > previous, "in the order they were committed: " + events);
            assertEquals(events.indexOf(event) + 1, read.path("summary").path("total").asInt(), "its summary after the change");
            previous = read.path("sequence").asLong();
        }
    }

    @Test
    void systemicActionsExplainWhatElseTheyProtect() {
        UUID incidentId = UUID.randomUUID();
        given().contentType(ContentType.JSON).body(action(incidentId, "\"platform\"", "SYSTEMIC", null))
                .when().post("/api/actions")
                .then().statusCode(400).body("errors[0].field", equalTo("systemicRationale"));
        // A no-break and a zero-width space say nothing either; nothing is stored.
        given().contentType(ContentType.JSON).body(action(incidentId, "\"platform\"", "SYSTEMIC", "\\u00a0\\u200b"))
                .when().post("/api/actions")
                .then().statusCode(400).body("errors[0].field", equalTo("systemicRationale"));
        given().queryParam("incidentId", incidentId.toString()).when().get("/api/actions").then().statusCode(200)
                .body("", org.hamcrest.Matchers.hasSize(0));
        given().contentType(ContentType.JSON)
                .body(action(incidentId, "\"platform\"", "SYSTEMIC", "every service opens its own pool; one shared client stops them all"))
                .when().post("/api/actions").then().statusCode(201);
    }

    /** An action titled with invisible characters was listed, owned and reminded of, saying nothing. */
    @Test
    void anActionsTitleMustSaySomething() {
        UUID incidentId = UUID.randomUUID();
        for (String title : List.of("\\u200b", "\\u00a0\\u2007", "\\ufeff \\t")) {
            given().contentType(ContentType.JSON)
                    .body(action(incidentId, "\"payments\"", "LOCAL", null).replace("Standardise access to the platform database", title))
                    .when().post("/api/actions")
                    .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("title"));
        }
        given().queryParam("incidentId", incidentId.toString()).when().get("/api/actions").then().statusCode(200)
                .body("", org.hamcrest.Matchers.hasSize(0));
        given().contentType(ContentType.JSON).body(action(incidentId, "\"payments\"", "LOCAL", null))
                .when().post("/api/actions").then().statusCode(201);
    }

    static io.restassured.specification.RequestSpecification as(String user) {
        return given().header("Authorization", "Bearer " + TestTokens.token(user, TestTokens.RESPONDER))
                .contentType(ContentType.JSON);
    }

    @Test
    void recordsWhoCreatedChangedAndClosedEachActionFromTheirTokens() {
        UUID incidentId = UUID.randomUUID();
        String id = as("alice").body(action(incidentId, "\"payments\"", "LOCAL", null))
                .when().post("/api/actions").then().statusCode(201)
                .body("createdBy", equalTo("alice")).body("createdBySubject", equalTo("alice-subject"))
                .body("updatedBy", equalTo("alice")).body("updatedBySubject", equalTo("alice-subject"))
                .body("updatedAt", notNullValue())
                .body("closedBy", nullValue()).body("closedBySubject", nullValue())
                .extract().path("id");

        as("bob").body("{\"to\": \"IN_PROGRESS\"}").when().post("/api/actions/" + id + "/transitions")
                .then().statusCode(200)
                .body("createdBy", equalTo("alice")).body("updatedBy", equalTo("bob"))
                .body("updatedBySubject", equalTo("bob-subject")).body("closedBy", nullValue());
        // A refused change is nobody's change.
        as("mallory").body("{\"to\": \"WONT_DO\"}").when().post("/api/actions/" + id + "/transitions")
                .then().statusCode(400).contentType("application/problem+json");
        as("carol").body("{\"to\": \"DONE\"}").when().post("/api/actions/" + id + "/transitions")
                .then().statusCode(200)
                .body("status", equalTo("DONE"))
                .body("updatedBy", equalTo("carol")).body("closedBy", equalTo("carol"))
                .body("closedBySubject", equalTo("carol-subject"));

        given().when().get("/api/actions/" + id).then().statusCode(200)
                .body("createdBy", equalTo("alice")).body("createdBySubject", equalTo("alice-subject"))
                .body("updatedBy", equalTo("carol")).body("updatedBySubject", equalTo("carol-subject"))
                .body("closedBy", equalTo("carol")).body("closedBySubject", equalTo("carol-subject"))
                .body("closedAt", notNullValue());
        given().queryParam("incidentId", incidentId.toString()).when().get("/api/actions").then().statusCode(200)
                .body("[0].createdBy", equalTo("alice")).body("[0].closedBy", equalTo("carol"));
    }

    @Test
    void aWashupActionClosedByTheReviewIsClosedByDaff() {
        UUID incidentId = UUID.randomUUID();
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        KafkaTestClient.send(kafka, Topics.INCIDENT_EVENTS, incidentId.toString(),
                incidentEvent(UUID.randomUUID().toString(), "IncidentResolved", incidentId, "SEV2", "RESOLVED"));
        KafkaTestClient.send(kafka, Topics.INCIDENT_EVENTS, incidentId.toString(),
                incidentEvent(UUID.randomUUID().toString(), "WashupReviewed", incidentId, "SEV2", "RESOLVED"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given()
                .queryParam("incidentId", incidentId.toString())
                .when().get("/api/actions")
                .then().statusCode(200)
                .body("", hasSize(1))
                .body("[0].status", equalTo("DONE"))
                .body("[0].createdBy", equalTo("daff"))
                .body("[0].closedBy", equalTo("daff"))
                .body("[0].closedBySubject", nullValue()));
    }

    /** The usual end: the review closed the WASHUP action DONE, and the finalise after it leaves it as it was. */
    @Test
    void aFinaliseAfterTheReviewLeavesTheWashupActionDone() {
        UUID incidentId = UUID.randomUUID();
        String team = "reviewed-" + UUID.randomUUID().toString().substring(0, 8);
        ActionTestSupport.sendIncidentEvent(UUID.randomUUID().toString(), "IncidentResolved", incidentId, "SEV2", team,
                "RESOLVED");
        String washup = ActionTestSupport.awaitOpenWashupAction(incidentId);
        ActionTestSupport.sendIncidentEvent(UUID.randomUUID().toString(), "WashupReviewed", incidentId, "SEV2", team,
                "RESOLVED");
        String closedAt = await().atMost(Duration.ofSeconds(20)).until(() -> given().when()
                .get("/api/actions/" + washup).then().statusCode(200).extract().<String> path("closedAt"),
                java.util.Objects::nonNull);

        ActionTestSupport.sendIncidentEvent(UUID.randomUUID().toString(), "IncidentFinalised", incidentId, "SEV2",
                team, "FINALISED");
        ActionTestSupport.awaitKnownIncident(incidents, incidentId, "FINALISED");
        given().when().get("/api/actions/" + washup).then().statusCode(200)
                .body("status", equalTo("DONE")).body("wontDoReason", nullValue())
                .body("closedBy", equalTo("daff")).body("closedAt", equalTo(closedAt));
    }

    @Test
    void healthIsReady() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }
}
