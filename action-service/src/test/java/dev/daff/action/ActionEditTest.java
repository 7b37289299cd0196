package dev.daff.action;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.localinfra.RealInfrastructureResource;
import dev.daff.localinfra.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * An open action's team, due date, assignee, priority and words change as its work is planned (PATCH), announced
 * as one ActionUpdated; what cannot hold is refused and changes nothing.
 */
@QuarkusTest
@QuarkusTestResource(value = RealInfrastructureResource.class, restrictToAnnotatedClass = false,
        initArgs = @ResourceArg(name = "database", value = "action"))
class ActionEditTest {

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    @Test
    void anOpenActionIsHandedOnAndRescheduledAsOneAnnouncedChange() {
        UUID incidentId = UUID.randomUUID();
        String id = ActionTestSupport.create(incidentId, "payments", "LOCAL", Instant.now().minus(Duration.ofDays(1)));
        given().when().get("/api/actions/" + id).then().body("overdue", equalTo(true)).body("version", equalTo(0));

        Instant nextSprint = Instant.now().plus(Duration.ofDays(14)).truncatedTo(ChronoUnit.SECONDS);
        given().header("Authorization", "Bearer " + TestTokens.token("dana", TestTokens.RESPONDER))
                .contentType(ContentType.JSON).body("""
                        {"version": 0, "ownerTeam": "platform", "dueAt": "%s", "assignee": "erin", "priority": "P1"}
                        """.formatted(nextSprint))
                .when().patch("/api/actions/" + id).then().statusCode(200)
                .body("ownerTeam", equalTo("platform")).body("dueAt", equalTo(nextSprint.toString()))
                .body("overdue", equalTo(false)).body("assignee", equalTo("erin")).body("priority", equalTo("P1"))
                .body("title", equalTo("Pool connections through the platform client"))
                .body("updatedBy", equalTo("dana")).body("version", equalTo(1));
        given().when().get("/api/actions?ownerTeam=platform&incidentId=" + incidentId).then().body("id", equalTo(List.of(id)));

        String marker = ActionTestSupport.create(incidentId, "payments", "LOCAL", null);
        List<ConsumerRecord<String, String>> updates = ActionTestSupport.eventsBefore(incidentId, marker,
                record -> ActionTestSupport.is(record, "ActionUpdated", id), 1);
        assertEquals(1, updates.size(), "one event for the whole change: " + updates);
        assertEquals("platform", ActionTestSupport.json(updates.get(0)).path("ownerTeam").asText());
        assertEquals(nextSprint.toString(), ActionTestSupport.json(updates.get(0)).path("dueAt").asText());

        // The same request again changes nothing and announces nothing; with the version read before it is stale.
        given().contentType(ContentType.JSON).body("{\"version\": 1, \"ownerTeam\": \"platform\"}")
                .when().patch("/api/actions/" + id).then().statusCode(200).body("version", equalTo(1));
        given().contentType(ContentType.JSON).body("{\"version\": 0, \"ownerTeam\": \"payments\"}")
                .when().patch("/api/actions/" + id).then().statusCode(409).contentType("application/problem+json");
        given().when().get("/api/actions/" + id).then().body("ownerTeam", equalTo("platform")).body("version", equalTo(1));
    }

    @Test
    void whatCannotHoldIsRefusedAndChangesNothing() {
        UUID incidentId = UUID.randomUUID();
        String id = ActionTestSupport.create(incidentId, "payments", "SYSTEMIC", null);
        String due = given().when().get("/api/actions/" + id).then().extract().path("dueAt");
        for (String[] refused : List.of(
                new String[] { "\"ownerTeam\": [\"payments\", \"platform\"]", "ownerTeam" },
                new String[] { "\"ownerTeam\": \"Payments Team\"", "ownerTeam" },
                new String[] { "\"dueAt\": \"" + Instant.now().plus(Duration.ofDays(6 * 365)) + "\"", "dueAt" },
                new String[] { "\"title\": \"\\u200b\"", "title" },
                new String[] { "\"systemicRationale\": \"\\u00a0\"", "systemicRationale" })) {
            given().contentType(ContentType.JSON).body("{\"version\": 0, \"priority\": \"P1\", " + refused[0] + "}")
                    .when().patch("/api/actions/" + id).then().statusCode(400).contentType("application/problem+json")
                    .body("errors[0].field", equalTo(refused[1]));
        }
        given().contentType(ContentType.JSON).body("{\"priority\": \"P1\"}")
                .when().patch("/api/actions/" + id).then().statusCode(400).body("errors[0].field", equalTo("version"));
        given().when().get("/api/actions/" + id).then().body("version", equalTo(0)).body("priority", equalTo("P2"))
                .body("ownerTeam", equalTo("payments")).body("dueAt", equalTo(due));

        ActionTestSupport.move(id, "DONE");
        given().contentType(ContentType.JSON).body("{\"version\": 1, \"dueAt\": \"" + Instant.now().plus(Duration.ofDays(3)) + "\"}")
                .when().patch("/api/actions/" + id).then().statusCode(409).body("type", org.hamcrest.Matchers.endsWith("action-closed"));
    }

    @Test
    void aWashupActionsTeamAndDueDateFollowItsIncident() {
        UUID incidentId = UUID.randomUUID();
        ActionTestSupport.sendIncidentEvent(UUID.randomUUID().toString(), "IncidentResolved", incidentId, "SEV2",
                "payments", "RESOLVED");
        String washup = ActionTestSupport.awaitOpenWashupAction(incidentId);
        long version = given().when().get("/api/actions/" + washup).then().extract().<Integer> path("version");
        given().contentType(ContentType.JSON).body("{\"version\": " + version + ", \"ownerTeam\": \"platform\"}")
                .when().patch("/api/actions/" + washup).then().statusCode(409)
                .body("type", org.hamcrest.Matchers.endsWith("washup-action-managed-by-daff"));
        given().contentType(ContentType.JSON).body("{\"version\": " + version + ", \"ownerTeam\": \"payments\","
                + " \"assignee\": \"erin\"}")
                .when().patch("/api/actions/" + washup).then().statusCode(200).body("assignee", equalTo("erin"))
                .body("ownerTeam", equalTo("payments"));
    }
}
