package dev.daff.action;

import static dev.daff.action.ActionTestSupport.awaitKnownIncident;
import static dev.daff.action.ActionTestSupport.create;
import static dev.daff.action.ActionTestSupport.eventsBefore;
import static dev.daff.action.ActionTestSupport.is;
import static dev.daff.action.ActionTestSupport.json;
import static dev.daff.action.ActionTestSupport.awaitOpenWashupAction;
import static dev.daff.action.ActionTestSupport.sendIncidentEvent;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.daff.action.incidents.KnownIncidents;
import dev.daff.events.Topics;
import dev.daff.localinfra.KafkaTestClient;
import dev.daff.localinfra.RealInfrastructureResource;
import dev.daff.localinfra.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import dev.daff.localinfra.SimulatedClock;

@QuarkusTest
class ActionRulesTest {

    @Inject
    SimulatedClock clock;

    @Inject
    KnownIncidents incidents;

    @Inject
    AgroalDataSource database;

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    @Test
    void anActionWithoutDueDateIsDueByTheIncidentsSeverity() {
        String team = "due-" + UUID.randomUUID();
        UUID sev1 = UUID.randomUUID();
        UUID sev4 = UUID.randomUUID();
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentOpened", sev1, "SEV1", team, "DISCOVERED");
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentOpened", sev4, "SEV4", team, "DISCOVERED");
        awaitKnownIncident(incidents, sev1, "DISCOVERED");
        awaitKnownIncident(incidents, sev4, "DISCOVERED");
        Instant now = clock.instant();

        assertEquals(now.plus(Duration.ofDays(7)), dueAt(create(sev1, team, "LOCAL", null)));
        assertEquals(now.plus(Duration.ofDays(60)), dueAt(create(sev4, team, "LOCAL", null)));
        assertEquals(now.plus(Duration.ofDays(30)), dueAt(create(UUID.randomUUID(), team, "LOCAL", null)),
                "an incident action-service has not heard of counts as SEV3");
        Instant given = now.plus(Duration.ofDays(2));
        assertEquals(given, dueAt(create(sev1, team, "LOCAL", given)), "a given due date wins");
    }

    @Test
    void wontDoNeedsAReasonAndClosesTheAction() {
        UUID incidentId = UUID.randomUUID();
        String id = create(incidentId, "payments", "LOCAL", null);

        given().contentType(ContentType.JSON).body("{\"to\": \"WONT_DO\"}")
                .when().post("/api/actions/" + id + "/transitions")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("reason"));
        given().contentType(ContentType.JSON).body("{\"to\": \"WONT_DO\", \"reason\": \"   \"}")
                .when().post("/api/actions/" + id + "/transitions")
                .then().statusCode(400).body("errors[0].field", equalTo("reason"));
        given().when().get("/api/actions/" + id).then().statusCode(200).body("status", equalTo("OPEN"));

        given().contentType(ContentType.JSON)
                .body("{\"to\": \"WONT_DO\", \"reason\": \"the service is retired next month\"}")
                .when().post("/api/actions/" + id + "/transitions")
                .then().statusCode(200)
                .body("status", equalTo("WONT_DO"))
                .body("wontDoReason", equalTo("the service is retired next month"))
                .body("closedAt", equalTo(clock.instant().toString()));

        String marker = create(incidentId, "payments", "LOCAL", null);
        List<ConsumerRecord<String, String>> closed = eventsBefore(incidentId, marker,
                record -> is(record, "ActionClosed", id), 1);
        assertEquals(1, closed.size());
        assertEquals("WONT_DO", json(closed.get(0)).path("status").asText());
        assertEquals(0, json(closed.get(0)).path("summary").path("open").asInt(), "the summary is taken after the change");
    }

    /**
     * A create racing the IncidentFinalised event: the consumer has marked the incident FINALISED but not committed
     * when the POST checks. The POST waits for it and is refused. Before, it read the incident as RESOLVED and
     * answered 201: an open action on a finalised incident, reminded and overdue for good.
     */
    @Test
    void anActionCreatedWhileItsIncidentIsBeingFinalisedIsRefused() throws Exception {
        UUID incidentId = UUID.randomUUID();
        String team = "racing-" + UUID.randomUUID().toString().substring(0, 8);
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentResolved", incidentId, "SEV2", team, "RESOLVED");
        awaitKnownIncident(incidents, incidentId, "RESOLVED");
        int before = given().queryParam("incidentId", incidentId.toString()).when().get("/api/actions")
                .then().statusCode(200).extract().path("size()");
        try (Connection finalising = database.getConnection(); Statement statement = finalising.createStatement()) {
            finalising.setAutoCommit(false);
            statement.executeUpdate("update known_incident set status = 'FINALISED' where id = '" + incidentId + "'");
            CompletableFuture<Integer> created = CompletableFuture.supplyAsync(() -> given().contentType(ContentType.JSON)
                    .body(ActionTestSupport.action(incidentId, "payments", "LOCAL", null)).when().post("/api/actions")
                    .statusCode());
            await().atMost(Duration.ofSeconds(20)).until(() -> created.isDone() || waitingForALock());
            finalising.commit();
            assertEquals(409, created.get(20, TimeUnit.SECONDS));
        }
        given().queryParam("incidentId", incidentId.toString()).when().get("/api/actions")
                .then().statusCode(200).body("size()", equalTo(before));
    }

    private boolean waitingForALock() throws Exception {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
                ResultSet waiting = statement.executeQuery("select count(*) from pg_stat_activity where"
                        + " wait_event_type = 'Lock' and datname = current_database()")) {
            waiting.next();
            return waiting.getInt(1) > 0;
        }
    }

    @Test
    void anActionForAFinalisedIncidentIsRefusedAndNothingIsStored() {
        UUID incidentId = UUID.randomUUID();
        String team = "final-" + UUID.randomUUID().toString().substring(0, 8);
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentResolved", incidentId, "SEV2", team, "RESOLVED");
        create(incidentId, "payments", "LOCAL", null); // RESOLVED: follow-up is still open
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentStatusChanged", incidentId, "SEV2", team, "FINALISED");
        awaitKnownIncident(incidents, incidentId, "FINALISED");
        int before = given().queryParam("incidentId", incidentId.toString()).when().get("/api/actions")
                .then().statusCode(200).extract().path("size()");

        given().contentType(ContentType.JSON).body(ActionTestSupport.action(incidentId, "payments", "LOCAL", null))
                .when().post("/api/actions")
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", containsString("incident-finalised")).body("detail", containsString("FINALISED"));
        given().queryParam("incidentId", incidentId.toString()).when().get("/api/actions")
                .then().statusCode(200).body("size()", equalTo(before));

        // A replayed older IncidentResolved does not take it back from FINALISED, nor make a second washup action.
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentResolved", incidentId, "SEV1", team, "RESOLVED");
        ActionTestSupport.awaitKnownSeverity(incidents, incidentId, "SEV1");
        awaitKnownIncident(incidents, incidentId, "FINALISED");
        given().queryParam("incidentId", incidentId.toString()).when().get("/api/actions")
                .then().statusCode(200).body("size()", equalTo(before));
        given().contentType(ContentType.JSON).body(ActionTestSupport.action(incidentId, "payments", "LOCAL", null))
                .when().post("/api/actions").then().statusCode(409);
        create(UUID.randomUUID(), "payments", "LOCAL", null); // and the next caller's action is taken
    }

    @Test
    void anIllegalTransitionIsAConflict() {
        String id = create(UUID.randomUUID(), "payments", "LOCAL", null);
        ActionTestSupport.move(id, "IN_PROGRESS");
        given().contentType(ContentType.JSON).body("{\"to\": \"OPEN\"}")
                .when().post("/api/actions/" + id + "/transitions")
                .then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("IN_PROGRESS cannot move to OPEN"));
        ActionTestSupport.move(id, "DONE");
        given().contentType(ContentType.JSON).body("{\"to\": \"IN_PROGRESS\"}")
                .when().post("/api/actions/" + id + "/transitions")
                .then().statusCode(409);
        given().when().get("/api/actions/" + id).then().statusCode(200).body("status", equalTo("DONE"));
    }

    @Test
    void aReviewedWashupClosesTheWashupActionOnceEvenWhenDeliveredTwice() {
        UUID incidentId = UUID.randomUUID();
        String team = "washup-" + UUID.randomUUID().toString().substring(0, 8);
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentResolved", incidentId, "SEV2", team, "RESOLVED");
        String washup = awaitOpenWashupAction(incidentId);

        String reviewed = UUID.randomUUID().toString();
        sendIncidentEvent(reviewed, "WashupReviewed", incidentId, "SEV2", team, "RESOLVED");
        sendIncidentEvent(reviewed, "WashupReviewed", incidentId, "SEV2", team, "RESOLVED");
        // A later event on the same partition: once it is taken in, so is the redelivery before it. (Not the
        // finalise: the marker action below could not be opened on a FINALISED incident.)
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentUpdated", incidentId, "SEV1", team, "RESOLVED");
        ActionTestSupport.awaitKnownSeverity(incidents, incidentId, "SEV1");

        given().queryParam("incidentId", incidentId.toString())
                .when().get("/api/actions")
                .then().statusCode(200)
                .body("", hasSize(1))
                .body("[0].id", equalTo(washup))
                .body("[0].status", equalTo("DONE"));
        String marker = create(incidentId, team, "LOCAL", null);
        List<ConsumerRecord<String, String>> closed = eventsBefore(incidentId, marker,
                record -> is(record, "ActionClosed", washup), 1);
        assertEquals(1, closed.size());
        assertEquals(true, json(closed.get(0)).path("summary").path("washupDone").asBoolean());
    }

    /**
     * An incident finalised by a waiver never has its washup reviewed: its WASHUP action is closed as WONT_DO, saying
     * why, rather than left open and announced as overdue every week for an incident that is done.
     */
    @Test
    void anIncidentFinalisedWithoutAReviewedWashupClosesItsWashupActionAsWontDo() {
        UUID incidentId = UUID.randomUUID();
        String team = "waived-" + UUID.randomUUID().toString().substring(0, 8);
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentResolved", incidentId, "SEV2", team, "RESOLVED");
        String washup = awaitOpenWashupAction(incidentId);
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentFinalised", incidentId, "SEV2", team, "FINALISED");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/actions/" + washup)
                .then().statusCode(200).body("status", equalTo("WONT_DO"))
                .body("wontDoReason", containsString("finalised without a reviewed washup")));
    }

    /**
     * A dead letter replayed after newer events of its incident — here an IncidentResolved, after the incident was
     * reopened — is older by incident-service's sequence and changes nothing: no WASHUP action for an incident that
     * is being fixed, no severity or status rolled back.
     */
    @Test
    void anOlderIncidentEventReplayedAfterNewerOnesChangesNothing() {
        UUID incidentId = UUID.randomUUID();
        String team = "replayed-" + UUID.randomUUID().toString().substring(0, 8);
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentOpened", incidentId, "SEV3", team, "DISCOVERED", 10L);
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentUpdated", incidentId, "SEV1", team, "FIXING", 12L);
        ActionTestSupport.awaitKnownSeverity(incidents, incidentId, "SEV1");

        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentResolved", incidentId, "SEV3", team, "RESOLVED", 11L);
        // A newer event that changes nothing the replay would: once it is taken in, so is the replay before it.
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentUpdated", incidentId, "SEV1", team + "-x", "FIXING", 13L);
        await().atMost(Duration.ofSeconds(30)).until(() -> io.quarkus.narayana.jta.QuarkusTransaction.requiringNew()
                .call(() -> incidents.findByIdOptional(incidentId).map(known -> known.team.endsWith("-x")).orElse(false)));
        given().queryParam("incidentId", incidentId.toString()).when().get("/api/actions")
                .then().statusCode(200).body("", hasSize(0));
    }

    /**
     * An IncidentResolved that went to the dead-letter topic, replayed after a newer event of its incident that left it
     * resolved (its team changed): the incident still gets its WASHUP action. Before, the replay was skipped as older,
     * and the incident had none.
     */
    @Test
    void aReplayedResolveOlderThanTheIncidentsLastEventStillMakesTheWashupAction() {
        UUID incidentId = UUID.randomUUID();
        String team = "late-resolve-" + UUID.randomUUID().toString().substring(0, 8);
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentOpened", incidentId, "SEV2", team, "DISCOVERED", 10L);
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentUpdated", incidentId, "SEV1", team, "RESOLVED", 12L);
        ActionTestSupport.awaitKnownSeverity(incidents, incidentId, "SEV1");

        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentResolved", incidentId, "SEV2", team, "RESOLVED", 11L);
        String washup = awaitOpenWashupAction(incidentId);
        given().when().get("/api/actions/" + washup).then().statusCode(200).body("ownerTeam", equalTo(team));
        ActionTestSupport.awaitKnownSeverity(incidents, incidentId, "SEV1"); // the replay rolled nothing back
    }

    /**
     * A WashupReviewed that went to the dead-letter topic, replayed after the IncidentFinalised: the WASHUP action the
     * finalise closed as a waiver is done, as the review says. Before, it stayed WONT_DO, "finalised without a reviewed
     * washup", and the incident's summary said its washup was not done.
     */
    @Test
    void aReviewReplayedAfterTheFinaliseMakesTheWaivedWashupActionDone() {
        UUID incidentId = UUID.randomUUID();
        String team = "waived-" + UUID.randomUUID().toString().substring(0, 8);
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentResolved", incidentId, "SEV2", team, "RESOLVED", 10L);
        String washup = awaitOpenWashupAction(incidentId);
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentFinalised", incidentId, "SEV2", team, "FINALISED", 12L);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/actions/" + washup)
                .then().statusCode(200).body("status", equalTo("WONT_DO")));

        sendIncidentEvent(UUID.randomUUID().toString(), "WashupReviewed", incidentId, "SEV2", team, "RESOLVED", 11L);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/actions/" + washup)
                .then().statusCode(200).body("status", equalTo("DONE")).body("wontDoReason", nullValue()));
        awaitKnownIncident(incidents, incidentId, "FINALISED");
    }

    /**
     * An IncidentResolved that went to the dead-letter topic, replayed after the washup was reviewed: no WASHUP action.
     * Before, it made an open one that nothing could close (the review had come, people may not close it), reminded
     * and overdue until the finalise closed it as "finalised without a reviewed washup" (helper-59).
     */
    @Test
    void aResolveReplayedAfterTheWashupWasReviewedMakesNoWashupAction() {
        UUID incidentId = UUID.randomUUID();
        String team = "reviewed-first-" + UUID.randomUUID().toString().substring(0, 8);
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentOpened", incidentId, "SEV2", team, "DISCOVERED", 10L);
        sendIncidentEvent(UUID.randomUUID().toString(), "WashupReviewed", incidentId, "SEV2", team, "RESOLVED", 12L);
        awaitKnownIncident(incidents, incidentId, "RESOLVED");

        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentResolved", incidentId, "SEV2", team, "RESOLVED", 11L);
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentUpdated", incidentId, "SEV1", team, "RESOLVED", 13L);
        ActionTestSupport.awaitKnownSeverity(incidents, incidentId, "SEV1"); // the replay before it was taken in too
        given().queryParam("incidentId", incidentId.toString()).when().get("/api/actions").then().statusCode(200)
                .body("findAll { it.kind == 'WASHUP' && it.status != 'DONE' }", hasSize(0));
    }

    /**
     * A finalised incident heard of first through an IncidentUpdated (its IncidentFinalised dead-lettered, replayed
     * later as older): its open WASHUP action is closed as waived all the same. Before, it stayed open for good,
     * counted open and overdue in every report (helper-59).
     */
    @Test
    void anIncidentHeardOfAsFinalisedThroughAnUpdateClosesItsWashupAction() {
        UUID incidentId = UUID.randomUUID();
        String team = "finalised-late-" + UUID.randomUUID().toString().substring(0, 8);
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentResolved", incidentId, "SEV2", team, "RESOLVED", 10L);
        String washup = awaitOpenWashupAction(incidentId);
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentUpdated", incidentId, "SEV2", team, "FINALISED", 12L);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/actions/" + washup)
                .then().statusCode(200).body("status", equalTo("WONT_DO")));
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentFinalised", incidentId, "SEV2", team, "FINALISED", 11L);
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentUpdated", incidentId, "SEV1", team, "FINALISED", 13L);
        ActionTestSupport.awaitKnownSeverity(incidents, incidentId, "SEV1");
        given().when().get("/api/actions/" + washup).then().statusCode(200).body("status", equalTo("WONT_DO"));
    }

    /**
     * The WASHUP action is daff's: a reviewed washup closes it, or a finalise without one. People may say they are on
     * it (IN_PROGRESS) but not close it. Before, DONE by hand stopped its reminders for a washup nobody reviewed.
     */
    @Test
    void peopleCannotCloseTheWashupAction() {
        UUID incidentId = UUID.randomUUID();
        String team = "hands-off-" + UUID.randomUUID().toString().substring(0, 8);
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentResolved", incidentId, "SEV2", team, "RESOLVED");
        String washup = awaitOpenWashupAction(incidentId);
        for (String body : new String[] { "{\"to\": \"DONE\"}", "{\"to\": \"WONT_DO\", \"reason\": \"no time\"}" }) {
            given().contentType(ContentType.JSON).body(body).when().post("/api/actions/" + washup + "/transitions")
                    .then().statusCode(409).contentType("application/problem+json")
                    .body("type", containsString("washup-action-closed-by-daff"));
        }
        given().when().get("/api/actions/" + washup).then().statusCode(200).body("status", equalTo("OPEN"));
        given().contentType(ContentType.JSON).body("{\"to\": \"IN_PROGRESS\"}")
                .when().post("/api/actions/" + washup + "/transitions").then().statusCode(200)
                .body("status", equalTo("IN_PROGRESS"));
    }

    /**
     * A WashupReviewed that went to the dead-letter topic, replayed after a newer event of its incident (a severity
     * changed meanwhile): older by sequence, it still closes the WASHUP action, since a review stands whatever came
     * after it.
     */
    @Test
    void aReplayedWashupReviewOlderThanTheIncidentsLastEventStillClosesTheWashupAction() {
        UUID incidentId = UUID.randomUUID();
        String team = "late-review-" + UUID.randomUUID().toString().substring(0, 8);
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentResolved", incidentId, "SEV2", team, "RESOLVED", 10L);
        String washup = awaitOpenWashupAction(incidentId);
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentUpdated", incidentId, "SEV1", team, "RESOLVED", 12L);
        ActionTestSupport.awaitKnownSeverity(incidents, incidentId, "SEV1");

        sendIncidentEvent(UUID.randomUUID().toString(), "WashupReviewed", incidentId, "SEV2", team, "RESOLVED", 11L);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/actions/" + washup)
                .then().statusCode(200).body("status", equalTo("DONE")));
        ActionTestSupport.awaitKnownSeverity(incidents, incidentId, "SEV1"); // the replay rolled nothing back
    }

    /**
     * An incident an alert opened without a team ("unknown") gets its team later: its open WASHUP action goes to that
     * team, announced, rather than remind nobody.
     */
    @Test
    void theWashupActionGoesToTheTeamTheIncidentIsGivenLater() {
        UUID incidentId = UUID.randomUUID();
        String team = "handed-" + UUID.randomUUID().toString().substring(0, 8);
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentResolved", incidentId, "SEV2", "unknown", "RESOLVED");
        String washup = awaitOpenWashupAction(incidentId);
        given().when().get("/api/actions/" + washup).then().statusCode(200).body("ownerTeam", equalTo("unknown"));

        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentUpdated", incidentId, "SEV2", team, "RESOLVED");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/actions/" + washup)
                .then().statusCode(200).body("ownerTeam", equalTo(team)).body("status", equalTo("OPEN")));
        ConsumerRecord<String, String> updated = KafkaTestClient.read(ActionTestSupport.kafka(), Topics.ACTION_EVENTS,
                record -> is(record, "ActionUpdated", washup), 1, Duration.ofSeconds(30)).get(0);
        assertEquals(team, json(updated).path("ownerTeam").asText(), updated.value());
    }

    @Test
    void anIncidentWhoseOnlyOpenActionIsItsWashupReportsNothingOpen() {
        UUID incidentId = UUID.randomUUID();
        String team = "summary-" + UUID.randomUUID().toString().substring(0, 8);
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentResolved", incidentId, "SEV2", team, "RESOLVED");
        String washup = awaitOpenWashupAction(incidentId);

        String other = create(incidentId, team, "LOCAL", null);
        List<ConsumerRecord<String, String>> created = eventsBefore(incidentId, other,
                record -> is(record, "ActionCreated", washup), 1);
        assertEquals(1, created.size());
        JsonNode summary = json(created.get(0)).path("summary");
        assertEquals(0, summary.path("open").asInt(),
                "the WASHUP action is the team's reminder; the gate reads the review itself: " + summary);
        assertEquals(0, summary.path("total").asInt(), summary.toString());
        assertFalse(summary.path("washupDone").asBoolean(), summary.toString());

        // With the WASHUP action still open, the summary counts the other action, and only it.
        JsonNode otherSummary = json(KafkaTestClient.read(ActionTestSupport.kafka(), Topics.ACTION_EVENTS,
                record -> is(record, "ActionCreated", other), 1, Duration.ofSeconds(30)).get(0)).path("summary");
        assertEquals(1, otherSummary.path("total").asInt(), otherSummary.toString());
        assertEquals(1, otherSummary.path("open").asInt(), otherSummary.toString());
        given().when().get("/api/actions/" + washup).then().statusCode(200).body("status", equalTo("OPEN"));
    }

    /**
     * Reopened after its washup was reviewed, the incident's washup is a draft again in incident-service: resolved
     * again, it gets a new WASHUP action asking for the review again, whenever it is due (here sooner than the first:
     * raised to SEV1 meanwhile). Before, the first action, DONE, kept any new one from being made, and nobody was
     * reminded. A redelivered or replayed earlier resolve makes none.
     */
    @Test
    void aResolveAfterTheReviewedWashupsIncidentWasReopenedAsksForTheReviewAgain() {
        UUID incidentId = UUID.randomUUID();
        String team = "reviewed-reopened-" + UUID.randomUUID().toString().substring(0, 8);
        Instant firstResolve = clock.instant().minus(Duration.ofHours(3)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String resolved = UUID.randomUUID().toString();
        sendResolved(resolved, incidentId, "SEV3", team, firstResolve, 10L);
        String first = awaitOpenWashupAction(incidentId);
        sendIncidentEvent(UUID.randomUUID().toString(), "WashupReviewed", incidentId, "SEV3", team, "RESOLVED", 11L);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/actions/" + first).then()
                .statusCode(200).body("status", equalTo("DONE")));

        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentUpdated", incidentId, "SEV1", team, "FIXING", 12L);
        Instant secondResolve = firstResolve.plus(Duration.ofHours(2));
        sendResolved(UUID.randomUUID().toString(), incidentId, "SEV1", team, secondResolve, 13L);
        String again = awaitOpenWashupAction(incidentId);
        given().when().get("/api/actions/" + again).then().statusCode(200)
                .body("title", equalTo("Review the washup again: the incident was reopened"))
                .body("description", containsString("why did the fix not hold?"))
                .body("ownerTeam", equalTo(team));
        assertEquals(secondResolve.plus(Duration.ofDays(3)), dueAt(again), "due washup-due-days (SEV1) after this resolve");

        sendResolved(resolved, incidentId, "SEV3", team, firstResolve, 10L); // redelivered
        sendResolved(UUID.randomUUID().toString(), incidentId, "SEV3", team, firstResolve, 10L); // replayed, older
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentUpdated", incidentId, "SEV2", team, "RESOLVED", 14L);
        ActionTestSupport.awaitKnownSeverity(incidents, incidentId, "SEV2"); // the two before it were taken in too
        given().queryParam("incidentId", incidentId.toString()).when().get("/api/actions").then().statusCode(200)
                .body("findAll { it.kind == 'WASHUP' }.id", containsInAnyOrder(first, again));

        sendIncidentEvent(UUID.randomUUID().toString(), "WashupReviewed", incidentId, "SEV2", team, "RESOLVED", 15L);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/actions/" + again).then()
                .statusCode(200).body("status", equalTo("DONE")));
    }

    /**
     * The first round's review reaches action-service only after the incident was reopened and resolved again (its
     * event dead-lettered, replayed): it reviewed an earlier round, and the WASHUP action of this one stays open.
     * Before, "a review stands whenever it arrives" closed the only reminder of a washup that is a draft again.
     */
    @Test
    void aReviewOfAnEarlierRoundReplayedAfterTheNextResolveClosesNothing() {
        UUID incidentId = UUID.randomUUID();
        String team = "late-review-" + UUID.randomUUID().toString().substring(0, 8);
        Instant firstResolve = clock.instant().minus(Duration.ofHours(3)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        sendResolved(UUID.randomUUID().toString(), incidentId, "SEV2", team, firstResolve, 10L);
        String washup = awaitOpenWashupAction(incidentId);
        // The review (11) is dead-lettered; the incident is reopened (12) and resolved again (13).
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentUpdated", incidentId, "SEV2", team, "FIXING", 12L);
        sendResolved(UUID.randomUUID().toString(), incidentId, "SEV2", team, firstResolve.plus(Duration.ofHours(1)), 13L);
        sendIncidentEvent(UUID.randomUUID().toString(), "WashupReviewed", incidentId, "SEV2", team, "RESOLVED", 11L);
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentUpdated", incidentId, "SEV1", team, "RESOLVED", 14L);
        ActionTestSupport.awaitKnownSeverity(incidents, incidentId, "SEV1"); // the replay before it was taken in too
        given().when().get("/api/actions/" + washup).then().statusCode(200).body("status", equalTo("OPEN"));
        assertEquals(firstResolve.plus(Duration.ofHours(1)).plus(Duration.ofDays(5)), dueAt(washup),
                "due from the second resolve");
    }

    /**
     * Events without incident-service's sequence (from a version before it, or a review taken in before sequences were
     * kept): a resolve due later than the reviewed round's action was due is taken for one after a reopen.
     */
    @Test
    void withoutSequencesAResolveDueLaterThanTheReviewedRoundsActionAsksForTheReviewAgain() {
        UUID incidentId = UUID.randomUUID();
        String team = "unsequenced-" + UUID.randomUUID().toString().substring(0, 8);
        Instant firstResolve = clock.instant().minus(Duration.ofHours(3)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        sendResolved(UUID.randomUUID().toString(), incidentId, "SEV2", team, firstResolve, null);
        String first = awaitOpenWashupAction(incidentId);
        sendIncidentEvent(UUID.randomUUID().toString(), "WashupReviewed", incidentId, "SEV2", team, "RESOLVED");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/actions/" + first).then()
                .statusCode(200).body("status", equalTo("DONE")));
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentUpdated", incidentId, "SEV2", team, "FIXING");
        sendResolved(UUID.randomUUID().toString(), incidentId, "SEV2", team, firstResolve.plus(Duration.ofHours(2)), null);
        String again = awaitOpenWashupAction(incidentId);
        given().when().get("/api/actions/" + again).then().statusCode(200)
                .body("title", equalTo("Review the washup again: the incident was reopened"));
    }

    private static void sendResolved(String eventId, UUID incidentId, String severity, String team, Instant resolvedAt,
            Long sequence) {
        KafkaTestClient.send(RealInfrastructureResource.kafka().bootstrapServers(), Topics.INCIDENT_EVENTS,
                incidentId.toString(), """
                {"eventId": "%s", "type": "IncidentResolved", "version": 1, "incidentId": "%s", "occurredAt": "%s",
                 "title": "Checkout errors", "severity": "%s", "services": ["checkout"], "team": "%s",
                 "status": "RESOLVED", "resolvedAt": "%s", "sequence": %s}
                """.formatted(eventId, incidentId, resolvedAt, severity, team, resolvedAt, sequence));
    }

    private static Instant dueAt(String actionId) {
        return Instant.parse(given().when().get("/api/actions/" + actionId).then().statusCode(200)
                .extract().path("dueAt"));
    }
}
