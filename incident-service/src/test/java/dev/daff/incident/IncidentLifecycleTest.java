package dev.daff.incident;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import dev.daff.events.Topics;
import dev.daff.localinfra.RealInfrastructureResource;
import dev.daff.localinfra.KafkaTestClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@QuarkusTestResource(value = RealInfrastructureResource.class, restrictToAnnotatedClass = false,
        initArgs = @ResourceArg(name = "database", value = "incident"))
class IncidentLifecycleTest {

    @org.junit.jupiter.api.BeforeAll
    static void authenticate() {
        dev.daff.localinfra.TestTokens.authenticateEveryRequest();
    }

    static final String CHECKOUT_DOWN = """
            {"title": "Checkout errors in eu-west-1c", "severity": "SEV2", "services": ["checkout"],
             "team": "payments", "detectionSource": "HUMAN"}
            """;

    static String open(String body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/api/incidents")
                .then().statusCode(201).extract().path("id");
    }

    static void move(String id, String to) {
        given().contentType(ContentType.JSON).body("{\"to\": \"" + to + "\"}")
                .when().post("/api/incidents/" + id + "/transitions").then().statusCode(200);
    }

    @Test
    void openedIncidentIsStoredAndAnnouncedOnKafka() {
        String id = given().contentType(ContentType.JSON).body(CHECKOUT_DOWN)
                .when().post("/api/incidents")
                .then().statusCode(201)
                .header("Location", containsString("/api/incidents/"))
                .body("status", equalTo("DISCOVERED"))
                .body("detectedAt", notNullValue())
                .extract().path("id");
        given().when().get("/api/incidents/" + id).then().statusCode(200).body("title", equalTo("Checkout errors in eu-west-1c"));

        List<ConsumerRecord<String, String>> events = KafkaTestClient.read(RealInfrastructureResource.kafka().bootstrapServers(),
                Topics.INCIDENT_EVENTS, record -> id.equals(record.key()), 1, Duration.ofSeconds(20));
        assertEquals(1, events.size());
        org.hamcrest.MatcherAssert.assertThat(events.get(0).value(), containsString("\"type\":\"IncidentOpened\""));
    }

    /** A PATCH is announced too, with the state it leaves: action-service keeps severity and team from these events. */
    @Test
    void aPatchIsAnnouncedAsIncidentUpdatedWithTheNewState() {
        String id = open(CHECKOUT_DOWN);
        given().contentType(ContentType.JSON).body("{\"version\": " + BoundedInputTest.version(id) + ", \"severity\": \"SEV1\"}")
                .when().patch("/api/incidents/" + id).then().statusCode(200);
        List<ConsumerRecord<String, String>> events = KafkaTestClient.read(RealInfrastructureResource.kafka().bootstrapServers(),
                Topics.INCIDENT_EVENTS, record -> id.equals(record.key()), 2, Duration.ofSeconds(20));
        assertEquals(2, events.size());
        org.hamcrest.MatcherAssert.assertThat(events.get(1).value(), containsString("\"type\":\"IncidentUpdated\""));
        org.hamcrest.MatcherAssert.assertThat(events.get(1).value(), containsString("\"severity\":\"SEV1\""));
        // In the order they were committed: consumers tell a replayed older event by it.
        assertTrue(sequence(events.get(0).value()) < sequence(events.get(1).value()), events.toString());
    }

    /**
     * An incident an alert opened without a team ("unknown") gets its team by PATCH, as a handle: on the timeline and
     * announced, so action-service hands the incident's washup action to that team.
     */
    @Test
    void theTeamIsSetByPatchAsAHandleAndAnnounced() {
        String id = open(CHECKOUT_DOWN.replace("\"payments\"", "\"unknown\""));
        long version = BoundedInputTest.version(id);
        given().contentType(ContentType.JSON).body("{\"version\": " + version + ", \"team\": \"Payments Team\"}")
                .when().patch("/api/incidents/" + id).then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("team"));
        given().contentType(ContentType.JSON).body("{\"version\": " + version + ", \"team\": \"payments\"}")
                .when().patch("/api/incidents/" + id).then().statusCode(200).body("team", equalTo("payments"));
        given().when().get("/api/incidents/" + id + "/timeline").then().statusCode(200)
                .body("find { it.text.startsWith('team changed') }.text", equalTo("team changed from unknown to payments"));
        List<ConsumerRecord<String, String>> events = KafkaTestClient.read(RealInfrastructureResource.kafka().bootstrapServers(),
                Topics.INCIDENT_EVENTS, record -> id.equals(record.key()), 2, Duration.ofSeconds(20));
        org.hamcrest.MatcherAssert.assertThat(events.get(1).value(), containsString("\"team\":\"payments\""));
    }

    private static long sequence(String event) {
        java.util.regex.Matcher sequence = java.util.regex.Pattern.compile("\"sequence\":(\\d+)").matcher(event);
        assertTrue(sequence.find(), event);
        return Long.parseLong(sequence.group(1));
    }

    @Test
    void lifecycleStampsMilestonesAndTimelineInOrder() {
        String id = open(CHECKOUT_DOWN);
        move(id, "ANALYSING");
        move(id, "FIXING");
        given().contentType(ContentType.JSON).body("{\"at\": \"2020-01-01T00:00:00Z\", \"phase\": \"ANALYSE\", \"text\": \"noticed late\"}")
                .when().post("/api/incidents/" + id + "/timeline").then().statusCode(201);
        move(id, "RESOLVED");
        given().when().get("/api/incidents/" + id).then().statusCode(200)
                .body("status", equalTo("RESOLVED"))
                .body("acknowledgedAt", notNullValue())
                .body("identifiedAt", notNullValue())
                .body("resolvedAt", notNullValue())
                .body("finalisedAt", nullValue())
                .body("allowedNext", contains("FIXING", "FINALISED"));
        given().when().get("/api/incidents/" + id + "/timeline").then().statusCode(200)
                .body("kind", contains("NOTE", "OPENED", "STATUS_CHANGED", "STATUS_CHANGED", "STATUS_CHANGED"))
                .body("[4].text", equalTo("Status FIXING → RESOLVED"));
    }

    @Test
    void timelineEntriesShowTheActorsNameAndKeepWhoTheyAre() {
        String responder = "Bearer " + dev.daff.localinfra.TestTokens.token("alice", dev.daff.localinfra.TestTokens.RESPONDER);
        String id = given().header("Authorization", responder).contentType(ContentType.JSON).body(CHECKOUT_DOWN)
                .when().post("/api/incidents").then().statusCode(201).extract().path("id");
        given().header("Authorization", responder).contentType(ContentType.JSON)
                .body("{\"phase\": \"ANALYSE\", \"text\": \"pool exhausted\"}")
                .when().post("/api/incidents/" + id + "/timeline").then().statusCode(201)
                .body("actor", equalTo("alice")).body("actorSubject", equalTo("alice-subject"));
        given().when().get("/api/incidents/" + id + "/timeline").then().statusCode(200)
                .body("actor", contains("alice", "alice"))
                .body("actorSubject", contains("alice-subject", "alice-subject"));
    }

    @Test
    void roleAssignmentsAndHandOversGoOnTheTimeline() {
        String id = open(CHECKOUT_DOWN);
        for (String handle : List.of("alice", "bob")) {
            given().contentType(ContentType.JSON).body("{\"handle\": \"" + handle + "\"}")
                    .when().put("/api/incidents/" + id + "/roles/COMMANDER").then().statusCode(200);
        }
        given().contentType(ContentType.JSON).body("{\"handle\": \"carol\"}")
                .when().put("/api/incidents/" + id + "/roles/SCRIBE").then().statusCode(200);
        given().when().get("/api/incidents/" + id + "/timeline").then().statusCode(200)
                .body("kind", contains("OPENED", "ROLE_ASSIGNED", "ROLE_ASSIGNED", "ROLE_ASSIGNED"))
                .body("text", contains(containsString("opened"), equalTo("alice is COMMANDER"),
                        equalTo("COMMANDER handed over from alice to bob"), equalTo("carol is SCRIBE")));
        given().contentType(ContentType.JSON).body("{\"handle\": \"dave\"}")
                .when().put("/api/incidents/" + id + "/roles/JANITOR").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void everyIllegalTransitionAnswers409AndChangesNothing() {
        List<String> path = List.of("DISCOVERED", "ANALYSING", "FIXING", "RESOLVED");
        List<String> all = List.of("DISCOVERED", "ANALYSING", "FIXING", "RESOLVED", "FINALISED");
        java.util.Map<String, List<String>> legal = java.util.Map.of("DISCOVERED", List.of("ANALYSING"),
                "ANALYSING", List.of("FIXING"), "FIXING", List.of("RESOLVED"), "RESOLVED", List.of("FIXING"));
        for (int reached = 0; reached < path.size(); reached++) {
            String id = open(CHECKOUT_DOWN);
            for (int step = 1; step <= reached; step++) {
                move(id, path.get(step));
            }
            String from = path.get(reached);
            for (String to : all) {
                if (legal.get(from).contains(to)) {
                    continue;
                }
                given().contentType(ContentType.JSON).body("{\"to\": \"" + to + "\"}")
                        .when().post("/api/incidents/" + id + "/transitions")
                        .then().statusCode(409).contentType("application/problem+json");
                given().when().get("/api/incidents/" + id).then().body("status", equalTo(from));
            }
        }
    }

    @Test
    void illegalTransitionsAnswer409NamingTheAllowedStates() {
        String id = open(CHECKOUT_DOWN);
        given().contentType(ContentType.JSON).body("{\"to\": \"RESOLVED\"}")
                .when().post("/api/incidents/" + id + "/transitions")
                .then().statusCode(409).contentType("application/problem+json")
                .body("allowedNext", contains("ANALYSING"))
                .body("detail", containsString("DISCOVERED cannot move to RESOLVED"));
    }

    @Test
    void stalePatchAnswers409AndChangesNothing() {
        String id = open(CHECKOUT_DOWN);
        given().contentType(ContentType.JSON).body("{\"version\": 0, \"severity\": \"SEV1\"}")
                .when().patch("/api/incidents/" + id).then().statusCode(200).body("severity", equalTo("SEV1"));
        given().contentType(ContentType.JSON).body("{\"version\": 0, \"title\": \"someone else's idea\"}")
                .when().patch("/api/incidents/" + id).then().statusCode(409).contentType("application/problem+json");
        given().when().get("/api/incidents/" + id).then().body("title", equalTo("Checkout errors in eu-west-1c"));
    }

    /**
     * The answer's version is the one stored, so a client sends its next PATCH with it: a field, then the services
     * list alone, then a field again. Each PATCH moves it by one (the second had been refused as stale).
     */
    @Test
    void aPatchAnswersTheVersionItLeavesAndTheNextPatchTakesIt() {
        String id = open(CHECKOUT_DOWN);
        int version = given().when().get("/api/incidents/" + id).then().extract().path("version");
        for (String change : List.of("\"severity\": \"SEV1\"", "\"services\": [\"checkout\", \"payments-api\"]",
                "\"title\": \"Checkout and payments errors\"")) {
            int answered = given().contentType(ContentType.JSON).body("{\"version\": " + version + ", " + change + "}")
                    .when().patch("/api/incidents/" + id).then().statusCode(200).extract().path("version");
            assertEquals(version + 1, answered, change);
            given().when().get("/api/incidents/" + id).then().body("version", equalTo(answered));
            version = answered;
        }
    }

    @Test
    void badInputIsRefusedWithProblemJson() {
        given().contentType(ContentType.JSON).body(CHECKOUT_DOWN.replace("SEV2", "SEV9"))
                .when().post("/api/incidents")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("severity"));
        given().contentType(ContentType.JSON).body("{not json")
                .when().post("/api/incidents")
                .then().statusCode(400).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body("{\"title\": \"\", \"severity\": \"SEV2\", \"team\": \"x\", \"services\": [], \"detectionSource\": \"HUMAN\"}")
                .when().post("/api/incidents")
                .then().statusCode(400).contentType("application/problem+json");
    }

    /** A title or a note of invisible characters says nothing to the next responder: refused, nothing stored. */
    @Test
    void aTitleOrANoteOfInvisibleCharactersIsRefused() {
        String title = "Invisible " + ChangesTest.unique();
        given().contentType(ContentType.JSON).body(CHECKOUT_DOWN.replace("Checkout errors in eu-west-1c", "\\u200b\\u00a0"))
                .when().post("/api/incidents")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("title"));
        String id = open(CHECKOUT_DOWN.replace("Checkout errors in eu-west-1c", title));
        given().contentType(ContentType.JSON).body("{\"phase\": \"ANALYSE\", \"text\": \"\\u2007\\ufeff\"}")
                .when().post("/api/incidents/" + id + "/timeline")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("text"));
        given().contentType(ContentType.JSON).body("{\"version\": 0, \"title\": \"\\u202f\"}")
                .when().patch("/api/incidents/" + id)
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("title"));
        given().when().get("/api/incidents/" + id).then().body("title", equalTo(title)).body("version", equalTo(0));
        given().when().get("/api/incidents/" + id + "/timeline").then().statusCode(200).body("kind", contains("OPENED"));
        given().contentType(ContentType.JSON).body("{\"phase\": \"ANALYSE\", \"text\": \"the pool is full\"}")
                .when().post("/api/incidents/" + id + "/timeline").then().statusCode(201);
    }

    @Test
    void healthIsReady() {
        // Another test takes the broker away and back; readiness follows it, so wait for UP.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP")));
        given().when().get("/q/openapi").then().statusCode(200).body(containsString("/api/incidents"));
    }

}
