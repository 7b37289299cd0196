package dev.daff.incident;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.events.Topics;
import dev.daff.localinfra.LockWaits;
import dev.daff.localinfra.KafkaTestClient;
import dev.daff.localinfra.RealInfrastructureResource;
import dev.daff.localinfra.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class FinalisationGateTest {

    @jakarta.inject.Inject
    io.agroal.api.AgroalDataSource database;

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @BeforeAll
    static void auth() {
        TestTokens.authenticateEveryRequest();
    }

    /**
     * A resolved incident on a service and with a title of its own: these incidents get done SYSTEMIC actions, and
     * sharing a service and title with later tests' incidents would make those recurrences of them.
     */
    static String resolvedIncident() {
        String u = ChangesTest.unique();
        String id = IncidentLifecycleTest.open("""
                {"title": "Gate %s", "severity": "SEV2", "services": ["gate-%s"], "team": "payments",
                 "detectionSource": "HUMAN"}
                """.formatted(u, u));
        IncidentLifecycleTest.move(id, "ANALYSING");
        IncidentLifecycleTest.move(id, "FIXING");
        IncidentLifecycleTest.move(id, "RESOLVED");
        return id;
    }

    static void reviewWashup(String id) {
        given().contentType(ContentType.JSON).body("{\"class\": \"CHANGE\", \"seams\": [\"CONFIG\"]}")
                .when().put("/api/incidents/" + id + "/cause").then().statusCode(200);
        given().contentType(ContentType.JSON).body(WashupTest.FULL_WASHUP)
                .when().put("/api/incidents/" + id + "/washup").then().statusCode(200);
        WashupTest.review(id, 200);
    }

    static String actionEvent(String id, String eventId, Instant occurredAt, int total, int open, int systemicDone,
            int systemicOpen) {
        return """
                {"eventId": "%s", "type": "ActionUpdated", "version": 1, "actionId": "%s", "incidentId": "%s",
                 "occurredAt": "%s", "title": "standardise access to the platform database", "ownerTeam": "payments",
                 "kind": "PREVENT", "scope": "SYSTEMIC", "status": "DONE", "dueAt": null,
                 "summary": {"incidentId": "%s", "total": %d, "open": %d, "systemicDone": %d, "systemicOpen": %d,
                             "washupDone": true}}
                """.formatted(eventId, UUID.randomUUID(), id, occurredAt, id, total, open, systemicDone, systemicOpen);
    }

    /** The action event for one action of its own: its id, event type, status and title. */
    static String withAction(String event, String actionId, String type, String status, String title) {
        return event.replaceFirst("\"actionId\": \"[^\"]+\"", "\"actionId\": \"" + actionId + "\"")
                .replace("\"ActionUpdated\"", "\"" + type + "\"").replace("\"status\": \"DONE\"", "\"status\": \"" + status + "\"")
                .replace("standardise access to the platform database", title);
    }

    static void send(String id, String event) {
        KafkaTestClient.send(RealInfrastructureResource.kafka().bootstrapServers(), Topics.ACTION_EVENTS, id, event);
    }

    static void finalise(String id, int status) {
        given().contentType(ContentType.JSON).body("{\"to\": \"FINALISED\"}")
                .when().post("/api/incidents/" + id + "/transitions").then().statusCode(status);
    }

    static List<String> unmetOnFinalising(String id) {
        return given().contentType(ContentType.JSON).body("{\"to\": \"FINALISED\"}")
                .when().post("/api/incidents/" + id + "/transitions")
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", containsString("finalisation-gated"))
                .body("unmet.text", everyItem(notNullValue()))
                .extract().jsonPath().getList("unmet.code", String.class);
    }

    static void awaitSummaryOccurredAt(String id, Instant occurredAt) {
        await().atMost(PATIENCE).untilAsserted(() -> given().when().get("/api/incidents/" + id + "/finalisation")
                .then().statusCode(200).body("actionSummary.occurredAt", equalTo(occurredAt.toString())));
    }

    @Test
    void gateRefusesWithExactlyTheMissingConditionsUntilWashupReviewedAndSystemicActionDone() {
        String id = resolvedIncident();
        assertEquals(List.of("WASHUP_NOT_REVIEWED", "NO_SYSTEMIC_ACTION", "ACTIONS_OPEN"), unmetOnFinalising(id));
        given().when().get("/api/incidents/" + id + "/finalisation").then().statusCode(200)
                .body("finalisable", equalTo(false))
                .body("conditions.code", contains("WASHUP_NOT_REVIEWED", "NO_SYSTEMIC_ACTION", "ACTIONS_OPEN"))
                .body("conditions.met", contains(false, false, false))
                .body("waiver", nullValue()).body("actionSummary", nullValue());

        reviewWashup(id);
        assertEquals(List.of("NO_SYSTEMIC_ACTION", "ACTIONS_OPEN"), unmetOnFinalising(id));

        Instant t0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusSeconds(3_600);
        send(id, actionEvent(id, UUID.randomUUID().toString(), t0, 2, 1, 0, 1));
        awaitSummaryOccurredAt(id, t0);
        assertEquals(List.of("ACTIONS_OPEN"), unmetOnFinalising(id));
        given().when().get("/api/incidents/" + id).then().body("finalisable", equalTo(false));

        String done = UUID.randomUUID().toString();
        Instant t1 = t0.plusSeconds(60);
        send(id, actionEvent(id, done, t1, 2, 0, 1, 0));
        await().atMost(PATIENCE).untilAsserted(() -> given().when().get("/api/incidents/" + id)
                .then().statusCode(200).body("finalisable", equalTo(true)));
        given().when().get("/api/incidents/" + id + "/finalisation").then().statusCode(200)
                .body("finalisable", equalTo(true))
                .body("conditions.met", contains(true, true, true))
                .body("actionSummary.total", equalTo(2)).body("actionSummary.open", equalTo(0))
                .body("actionSummary.systemicDone", equalTo(1));
        given().when().get("/api/incidents?status=RESOLVED&size=500").then().statusCode(200)
                .body("items.find { it.id == '" + id + "' }.finalisable", equalTo(true));

        finalise(id, 200);
        given().when().get("/api/incidents/" + id).then().statusCode(200)
                .body("status", equalTo("FINALISED")).body("finalisedAt", notNullValue())
                .body("finalisable", equalTo(false)).body("allowedNext", hasSize(0));
        given().when().get("/api/incidents/" + id + "/timeline").then().statusCode(200)
                .body("findAll { it.kind == 'STATUS_CHANGED' }.text", org.hamcrest.Matchers.hasItem("Status RESOLVED → FINALISED"))
                .body("find { it.kind == 'STATUS_CHANGED' && it.data.to == 'FINALISED' }.phase", equalTo("FINALISE"));

        List<ConsumerRecord<String, String>> finalised = KafkaTestClient.read(
                RealInfrastructureResource.kafka().bootstrapServers(), Topics.INCIDENT_EVENTS,
                r -> id.equals(r.key()) && r.value().contains("\"type\":\"IncidentFinalised\""), 1, PATIENCE);
        assertEquals(1, finalised.size());
        org.hamcrest.MatcherAssert.assertThat(finalised.get(0).value(), containsString("\"status\":\"FINALISED\""));
    }

    @Test
    void theReviewAloneOpensTheGateWhenTheHeldActionSummaryHasNothingOpen() {
        String id = resolvedIncident();
        // action-service leaves WASHUP actions out of its counts, and what it says about one is never read here: the
        // summary it sent before the review already has nothing open, even marked as a WASHUP action not done.
        Instant t0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusSeconds(600);
        send(id, actionEvent(id, UUID.randomUUID().toString(), t0, 1, 0, 1, 0)
                .replace("\"washupDone\": true", "\"washupDone\": false"));
        awaitSummaryOccurredAt(id, t0);
        assertEquals(List.of("WASHUP_NOT_REVIEWED"), unmetOnFinalising(id));
        given().when().get("/api/incidents/" + id).then().statusCode(200).body("finalisable", equalTo(false));

        reviewWashup(id);
        // No trip through Kafka: the review's own transaction made the incident finalisable.
        given().when().get("/api/incidents/" + id).then().statusCode(200).body("finalisable", equalTo(true));
        given().when().get("/api/incidents/" + id + "/finalisation").then().statusCode(200)
                .body("finalisable", equalTo(true))
                .body("conditions.met", contains(true, true, true))
                .body("actionSummary.total", equalTo(1)).body("actionSummary.open", equalTo(0))
                .body("actionSummary.occurredAt", equalTo(t0.toString()));
        given().when().get("/api/incidents/" + id + "/timeline").then().statusCode(200)
                .body("findAll { it.kind == 'READY_TO_FINALISE' }", hasSize(1));
        String markdown = given().when().get("/api/incidents/" + id + "/washup.md").then().statusCode(200)
                .extract().asString();
        org.hamcrest.MatcherAssert.assertThat(markdown,
                containsString("\n- 1 action: 0 open; systemic: 1 done, 0 open\n"));

        finalise(id, 200);
        given().when().get("/api/incidents/" + id).then().body("status", equalTo("FINALISED"));

        // An action opened in the moment before action-service heard of the finalise is said on the timeline, once:
        // its later update is no news. One opened before the finalise and reported late (its summary older than
        // the one stored, so the summary is not kept) is said too, as reported late.
        Instant late = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plusSeconds(1);
        String opened = UUID.randomUUID().toString();
        send(id, withAction(actionEvent(id, UUID.randomUUID().toString(), late, 2, 1, 1, 1), opened, "ActionCreated",
                "OPEN", "cap the pool per replica"));
        awaitSummaryOccurredAt(id, late);
        send(id, withAction(actionEvent(id, UUID.randomUUID().toString(), late.plusSeconds(1), 2, 1, 1, 1), opened,
                "ActionUpdated", "IN_PROGRESS", "cap the pool per replica"));
        awaitSummaryOccurredAt(id, late.plusSeconds(1));
        send(id, withAction(actionEvent(id, UUID.randomUUID().toString(), t0.plusSeconds(1), 3, 2, 1, 2),
                UUID.randomUUID().toString(), "ActionCreated", "OPEN", "alert on pool saturation"));
        await().atMost(PATIENCE).untilAsserted(() -> given().when().get("/api/incidents/" + id + "/timeline").then()
                .statusCode(200).body("findAll { it.kind == 'ACTION_AFTER_FINALISE' }.text", contains(
                        containsString("\"cap the pool per replica\" was opened after this incident was finalised"),
                        containsString("\"alert on pool saturation\" was reported after this incident was finalised"))));
        given().when().get("/api/incidents/" + id).then().body("status", equalTo("FINALISED"));
    }

    @Test
    void aSummaryDatedInTheFutureIsDeadLetteredAndCannotFreezeTheGate() {
        String id = resolvedIncident();
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String forged = UUID.randomUUID().toString();
        send(id, actionEvent(id, forged, Instant.parse("2100-01-01T00:00:00Z"), 1, 0, 1, 0));
        List<ConsumerRecord<String, String>> dead = KafkaTestClient.read(RealInfrastructureResource.kafka().bootstrapServers(),
                "daff.action-events.incident-service.dead-letter", r -> r.value().contains(forged), 1, PATIENCE);
        assertEquals(1, dead.size());
        org.hamcrest.MatcherAssert.assertThat(new String(dead.get(0).headers().lastHeader("dead-letter-reason").value(),
                java.nio.charset.StandardCharsets.UTF_8), containsString("ahead of this service's clock"));
        given().when().get("/api/incidents/" + id + "/finalisation").then().statusCode(200).body("actionSummary", nullValue());

        // The honest summary that follows is taken as usual.
        send(id, actionEvent(id, UUID.randomUUID().toString(), now, 2, 1, 0, 1));
        awaitSummaryOccurredAt(id, now);
    }

    /**
     * action-service reports a newly opened action while someone finalises: the finalise waits for the summary being
     * stored and is refused by it, rather than both committing (FINALISED with an open action it never saw).
     */
    @Test
    void aFinaliseWaitsForTheActionSummaryBeingStoredAndIsRefusedByItsOpenAction() throws Exception {
        String id = resolvedIncident();
        Instant t0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusSeconds(600);
        send(id, actionEvent(id, UUID.randomUUID().toString(), t0, 1, 0, 1, 0));
        awaitSummaryOccurredAt(id, t0);
        reviewWashup(id);
        given().when().get("/api/incidents/" + id).then().body("finalisable", equalTo(true));

        java.util.concurrent.ExecutorService person = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (java.sql.Connection consumer = database.getConnection(); var sql = consumer.createStatement()) {
            // What ActionEventsConsumer's transaction does, held open: the summary's lock, then the new counts.
            consumer.setAutoCommit(false);
            sql.execute("select pg_advisory_xact_lock(hashtextextended('action-summary\n" + id + "', 0))");
            sql.execute("update action_summary set total = 2, open = 1 where incident_id = '" + id + "'");
            var finalising = person.submit(() -> given().contentType(ContentType.JSON).body("{\"to\": \"FINALISED\"}")
                    .when().post("/api/incidents/" + id + "/transitions").then().extract().statusCode());
            await("the finalise waits for the summary").atMost(PATIENCE).until(() -> LockWaits.onAdvisoryLocks(database) > 0);
            consumer.commit();
            assertEquals(409, finalising.get());
        } finally {
            person.shutdown();
        }
        given().when().get("/api/incidents/" + id).then().body("status", equalTo("RESOLVED"));
    }

    /**
     * The other order: a finalise holds the summary's lock, and an action opened in that moment is consumed. The
     * consumer waits for the finalise, then sees the incident FINALISED and says so on its timeline — it must not
     * judge the action against the incident as it was before the finalise committed.
     */
    @Test
    void anActionOpenedWhileAFinaliseCommitsIsSaidOnTheFinalisedIncidentsTimeline() throws Exception {
        String id = resolvedIncident();
        Instant t0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusSeconds(600);
        send(id, actionEvent(id, UUID.randomUUID().toString(), t0, 1, 0, 1, 0));
        awaitSummaryOccurredAt(id, t0);
        reviewWashup(id);

        try (java.sql.Connection finalising = database.getConnection(); var sql = finalising.createStatement()) {
            // What a finalise's transaction does, held open: the summary's lock, then the incident FINALISED.
            finalising.setAutoCommit(false);
            sql.execute("select pg_advisory_xact_lock(hashtextextended('action-summary\n" + id + "', 0))");
            sql.execute("update incident set status = 'FINALISED', finalised_at = now() where id = '" + id + "'");
            Instant opened = t0.plusSeconds(60);
            send(id, withAction(actionEvent(id, UUID.randomUUID().toString(), opened, 2, 1, 1, 1),
                    UUID.randomUUID().toString(), "ActionCreated", "OPEN", "shed load before the pool fills"));
            await("the consumer waits for the finalise").atMost(PATIENCE).until(() -> LockWaits.onAdvisoryLocks(database) > 0);
            finalising.commit();
            awaitSummaryOccurredAt(id, opened);
        }
        given().when().get("/api/incidents/" + id + "/timeline").then().statusCode(200)
                .body("findAll { it.kind == 'ACTION_AFTER_FINALISE' }.text", contains(
                        containsString("\"shed load before the pool fills\" was reported after this incident was finalised")));
        given().when().get("/api/incidents/" + id).then().body("status", equalTo("FINALISED"));
    }

    /**
     * The last open action closes while the incident is being resolved, and the resolve takes the gate's row first:
     * it judges the summary as it was before the close committed, so the consumer must judge the incident as it is
     * once it has the row (RESOLVED), not as it read it before (FIXING). Otherwise neither sees it ready.
     */
    @Test
    void anActionClosedWhileTheIncidentIsResolvedLeavesItReadyToFinalise() throws Exception {
        String id = resolvedIncident();
        Instant t0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusSeconds(600);
        send(id, actionEvent(id, UUID.randomUUID().toString(), t0, 1, 1, 0, 1));
        awaitSummaryOccurredAt(id, t0);
        reviewWashup(id);
        IncidentLifecycleTest.move(id, "FIXING");

        java.util.concurrent.ExecutorService person = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (java.sql.Connection holding = database.getConnection(); var sql = holding.createStatement()) {
            holding.setAutoCommit(false);
            sql.execute("select incident_id from finalisation where incident_id = '" + id + "' for update");
            var resolving = person.submit(() -> given().contentType(ContentType.JSON).body("{\"to\": \"RESOLVED\"}")
                    .when().post("/api/incidents/" + id + "/transitions").then().extract().statusCode());
            await("the resolve waits for the gate's row").atMost(PATIENCE).until(() -> LockWaits.onRows(database) > 0);
            send(id, actionEvent(id, UUID.randomUUID().toString(), t0.plusSeconds(60), 1, 0, 1, 0));
            await("the consumer waits for it too").atMost(PATIENCE).until(() -> LockWaits.onRows(database) > 1);
            holding.commit();
            assertEquals(200, resolving.get());
        } finally {
            person.shutdown();
        }
        awaitSummaryOccurredAt(id, t0.plusSeconds(60));
        // The reopen sent the washup back to draft: reviewed again, nothing else is missing.
        given().when().get("/api/incidents/" + id).then().body("status", equalTo("RESOLVED"))
                .body("finalisable", equalTo(false));
        reviewAgainAfterReopen(id);
        await().atMost(PATIENCE).untilAsserted(() -> given().when().get("/api/incidents/" + id).then()
                .body("status", equalTo("RESOLVED")).body("finalisable", equalTo(true)));
        given().when().get("/api/incidents/" + id + "/timeline").then()
                .body("findAll { it.kind == 'READY_TO_FINALISE' }", hasSize(1));
    }

    /** The washup of an incident reopened after its review, reviewed again with why the fix did not hold. */
    static void reviewAgainAfterReopen(String id) {
        given().contentType(ContentType.JSON).body(WashupTest.FULL_WASHUP.replace("\"detection\"",
                "\"whyFixDidNotHold\": \"the pool was raised on one replica only\", \"detection\""))
                .when().put("/api/incidents/" + id + "/washup").then().statusCode(200);
        WashupTest.review(id, 200);
    }

    /**
     * A washup review and a reopen at the same moment: the review waits for the reopen and is refused by it (the
     * incident is no longer RESOLVED), rather than announcing a review of the incident as it was before it reopened.
     */
    @Test
    void aWashupReviewWaitsForAReopenInFlightAndIsRefusedByIt() throws Exception {
        String id = resolvedIncident();
        given().contentType(ContentType.JSON).body("{\"class\": \"CHANGE\", \"seams\": [\"CONFIG\"]}")
                .when().put("/api/incidents/" + id + "/cause").then().statusCode(200);
        given().contentType(ContentType.JSON).body(WashupTest.FULL_WASHUP)
                .when().put("/api/incidents/" + id + "/washup").then().statusCode(200);

        java.util.concurrent.ExecutorService reviewer = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (java.sql.Connection reopening = database.getConnection(); var sql = reopening.createStatement()) {
            // What a reopen's transaction does, held open: the incident's row locked and moved back to FIXING.
            reopening.setAutoCommit(false);
            sql.execute("select id from incident where id = '" + id + "' for update");
            sql.execute("update incident set status = 'FIXING', resolved_at = null where id = '" + id + "'");
            var reviewing = reviewer.submit(() -> given().contentType(ContentType.JSON).body("{}")
                    .when().post("/api/incidents/" + id + "/washup/review").then().extract().statusCode());
            await("the review waits for the reopen").atMost(PATIENCE)
                    .until(() -> reviewing.isDone() || LockWaits.onRows(database) > 0);
            reopening.commit();
            assertEquals(409, reviewing.get(), "reviewed the incident as it was before it reopened");
        } finally {
            reviewer.shutdown();
        }
        given().when().get("/api/incidents/" + id + "/washup").then().body("status", equalTo("DRAFT"));
    }

    /**
     * A waiver and a reopen at the same moment: the waiver waits for the reopen and is refused by it, rather than
     * deciding on the RESOLVED read before it and leaving a reopened incident finalisable.
     */
    @Test
    void aWaiverWaitsForAReopenInFlightAndIsRefusedByIt() throws Exception {
        String id = resolvedIncident();
        java.util.concurrent.ExecutorService admin = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (java.sql.Connection reopening = database.getConnection(); var sql = reopening.createStatement()) {
            // What a reopen's transaction does, held open: the incident's row locked and moved back to FIXING.
            reopening.setAutoCommit(false);
            sql.execute("select id from incident where id = '" + id + "' for update");
            sql.execute("update incident set status = 'FIXING', resolved_at = null where id = '" + id + "'");
            var waiving = admin.submit(() -> as(TestTokens.token("carol", TestTokens.ADMIN))
                    .body("{\"reason\": \"duplicate of another incident\"}")
                    .when().post("/api/incidents/" + id + "/finalisation-waiver").then().extract().statusCode());
            await("the waiver waits for the reopen").atMost(PATIENCE)
                    .until(() -> waiving.isDone() || LockWaits.onRows(database) > 0);
            reopening.commit();
            assertEquals(409, waiving.get(), "waived the incident as it was before it reopened");
        } finally {
            admin.shutdown();
        }
        given().when().get("/api/incidents/" + id).then().body("status", equalTo("FIXING"))
                .body("finalisable", equalTo(false));
    }

    @Test
    void aFinaliseWaitsForAWaiverBeingReplacedAndNeverWritesTheOldOneBack() throws Exception {
        String id = resolvedIncident();
        as(TestTokens.token("carol", TestTokens.ADMIN)).body("{\"reason\": \"duplicate of another incident\"}")
                .when().post("/api/incidents/" + id + "/finalisation-waiver")
                .then().statusCode(201).body("finalisable", equalTo(true));

        java.util.concurrent.ExecutorService person = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (java.sql.Connection proposal = database.getConnection(); var sql = proposal.createStatement()) {
            // What a responder's new proposal writes, held open: the waiver replaced, waiting for its approval.
            proposal.setAutoCommit(false);
            sql.execute("update finalisation set waiver_reason = 'not a duplicate after all', waiver_recorded_by = 'bob',"
                    + " waiver_recorded_by_subject = 'bob-subject', waiver_recorded_at = now(), waiver_approved_by = null,"
                    + " waiver_approved_by_subject = null, waiver_approved_at = null, finalisable = false,"
                    + " ready_since = null where incident_id = '" + id + "'");
            var finalising = person.submit(() -> given().contentType(ContentType.JSON).body("{\"to\": \"FINALISED\"}")
                    .when().post("/api/incidents/" + id + "/transitions").then().extract().statusCode());
            await("the finalise waits for the waiver row").atMost(PATIENCE).until(() -> LockWaits.onRows(database) > 0);
            proposal.commit();
            assertEquals(409, finalising.get(), "decided on the waiver being replaced");
        } finally {
            person.shutdown();
        }
        given().when().get("/api/incidents/" + id).then().body("status", equalTo("RESOLVED"));
        given().when().get("/api/incidents/" + id + "/finalisation").then()
                .body("waiver.recordedBy", equalTo("bob")).body("waiver.status", equalTo("PENDING"));
    }

    /** A finalise and a reopen of one incident at the same moment take turns: one wins, the other is told why. */
    @Test
    void aFinaliseAndAReopenAtOnceTakeTurns() throws Exception {
        for (int round = 0; round < 8; round++) {
            String id = resolvedIncident();
            as(TestTokens.token("carol", TestTokens.ADMIN)).body("{\"reason\": \"duplicate of another incident\"}")
                    .when().post("/api/incidents/" + id + "/finalisation-waiver").then().statusCode(201);
            List<Integer> answers = AtOnce.statuses(() -> transition(id, "FINALISED"), () -> transition(id, "FIXING"));
            int finalised = answers.get(0);
            int reopened = answers.get(1);
            assertTrue((finalised == 200) != (reopened == 200), "round " + round + ": " + answers);
            assertTrue(finalised != 503 && reopened != 503, "round " + round + ": a deadlock");
            given().when().get("/api/incidents/" + id).then()
                    .body("status", equalTo(finalised == 200 ? "FINALISED" : "FIXING"));
        }
    }

    /**
     * A washup review, a waiver's approval and a reopen at the same moment, on three connections: whichever order they
     * take, a reopened incident keeps neither the review nor the waiver, and none of them deadlocks.
     */
    @Test
    void aReviewAWaiverApprovalAndAReopenAtOnceLeaveTheReopenedIncidentWithNeither() throws Exception {
        for (int round = 0; round < 6; round++) {
            String id = resolvedIncident();
            given().contentType(ContentType.JSON).body("{\"class\": \"CHANGE\", \"seams\": [\"CONFIG\"]}")
                    .when().put("/api/incidents/" + id + "/cause").then().statusCode(200);
            given().contentType(ContentType.JSON).body(WashupTest.FULL_WASHUP)
                    .when().put("/api/incidents/" + id + "/washup").then().statusCode(200);
            as(responder("alice")).body("{\"reason\": \"duplicate of another incident\"}")
                    .when().post("/api/incidents/" + id + "/finalisation-waiver").then().statusCode(201);
            String approval = approvalOf(id);
            List<Integer> answers = AtOnce.statuses(
                    () -> given().contentType(ContentType.JSON).body("{}")
                            .when().post("/api/incidents/" + id + "/washup/review").then().extract().statusCode(),
                    () -> as(TestTokens.token("carol", TestTokens.ADMIN)).body(approval)
                            .when().post("/api/incidents/" + id + "/finalisation-waiver/approval").then().extract()
                            .statusCode(),
                    () -> transition(id, "FIXING"));
            assertEquals(200, answers.get(2), "round " + round + ": the reopen is always allowed: " + answers);
            assertTrue(answers.stream().allMatch(status -> status == 200 || status == 409), "round " + round + ": "
                    + answers);
            given().when().get("/api/incidents/" + id).then().body("status", equalTo("FIXING"))
                    .body("finalisable", equalTo(false));
            given().when().get("/api/incidents/" + id + "/washup").then().body("status", equalTo("DRAFT"));
            given().when().get("/api/incidents/" + id + "/finalisation").then().body("waiver", nullValue());
        }
    }

    private static int transition(String id, String to) {
        return given().contentType(ContentType.JSON).body("{\"to\": \"" + to + "\"}")
                .when().post("/api/incidents/" + id + "/transitions").then().extract().statusCode();
    }

    /**
     * Two action-service replicas whose clocks disagree: the later change (an action opened) carries the earlier
     * occurredAt. Its sequence — action-service's order of the incident's events — says it is the later, so its summary
     * is kept and the open action refuses the finalise; a replayed dead letter of an earlier sequence changes nothing.
     */
    @Test
    void theLaterActionEventCountsWhateverTheWritingReplicasClockSaid() {
        String id = resolvedIncident();
        reviewWashup(id);
        Instant t0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusSeconds(600);
        send(id, withSequence(actionEvent(id, UUID.randomUUID().toString(), t0, 1, 0, 1, 0), 10));
        awaitSummaryOccurredAt(id, t0);
        given().when().get("/api/incidents/" + id).then().body("finalisable", equalTo(true));

        String opened = UUID.randomUUID().toString();
        send(id, withSequence(withAction(actionEvent(id, UUID.randomUUID().toString(), t0.minusMillis(5), 2, 1, 1, 0),
                opened, "ActionCreated", "OPEN", "a second replica's action"), 11));
        awaitSummaryOccurredAt(id, t0.minusMillis(5));
        given().contentType(ContentType.JSON).body("{\"to\": \"FINALISED\"}").when()
                .post("/api/incidents/" + id + "/transitions").then().statusCode(409)
                .body("unmet.code", contains("ACTIONS_OPEN"));

        // Dead letters of sequences 9 and 8 replayed now, however new their times: the summary stays the latest. The
        // second names an action not heard of before, whose row says both were consumed.
        send(id, withSequence(actionEvent(id, UUID.randomUUID().toString(), t0.plusSeconds(60), 1, 0, 1, 0), 9));
        String replayed = UUID.randomUUID().toString();
        send(id, withSequence(withAction(actionEvent(id, UUID.randomUUID().toString(), t0.plusSeconds(61), 1, 0, 1, 0),
                replayed, "ActionUpdated", "DONE", "an action from a replayed dead letter"), 8));
        await().atMost(PATIENCE).until(() -> actionItems(replayed) == 1);
        given().when().get("/api/incidents/" + id + "/finalisation").then()
                .body("actionSummary.occurredAt", equalTo(t0.minusMillis(5).toString())).body("actionSummary.open", equalTo(1));
    }

    private long actionItems(String actionId) throws java.sql.SQLException {
        try (java.sql.Connection connection = database.getConnection();
                var count = connection.prepareStatement("select count(*) from action_item where action_id = ?::uuid")) {
            count.setString(1, actionId);
            try (var result = count.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    static String withSequence(String event, long sequence) {
        return event.replaceFirst("\"dueAt\": null", "\"dueAt\": null, \"sequence\": " + sequence);
    }

    @Test
    void readyToFinaliseIsNotedOnceAndRedeliveredOrOlderEventsChangeNothing() {
        String id = resolvedIncident();
        reviewWashup(id);
        Instant t0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusSeconds(7_200);
        String first = actionEvent(id, UUID.randomUUID().toString(), t0, 1, 1, 0, 1);
        String done = actionEvent(id, UUID.randomUUID().toString(), t0.plusSeconds(60), 1, 0, 1, 0);
        send(id, first);
        send(id, done);
        await().atMost(PATIENCE).untilAsserted(() -> given().when().get("/api/incidents/" + id)
                .then().statusCode(200).body("finalisable", equalTo(true)));

        // Redeliveries, an older summary under a new id, then one more current summary: events of one incident
        // are applied in order, so once the last is visible the others have been handled.
        send(id, first);
        send(id, done);
        send(id, actionEvent(id, UUID.randomUUID().toString(), t0.plusSeconds(30), 3, 2, 0, 1));
        Instant t2 = t0.plusSeconds(120);
        send(id, actionEvent(id, UUID.randomUUID().toString(), t2, 1, 0, 1, 0));
        awaitSummaryOccurredAt(id, t2);

        given().when().get("/api/incidents/" + id + "/finalisation").then().statusCode(200)
                .body("finalisable", equalTo(true))
                .body("actionSummary.total", equalTo(1)).body("actionSummary.open", equalTo(0));
        given().when().get("/api/incidents/" + id + "/timeline").then().statusCode(200)
                .body("findAll { it.kind == 'READY_TO_FINALISE' }", hasSize(1))
                .body("find { it.kind == 'READY_TO_FINALISE' }.text", startsWith("Ready to finalise: "))
                .body("find { it.kind == 'READY_TO_FINALISE' }.phase", equalTo("FINALISE"))
                .body("find { it.kind == 'READY_TO_FINALISE' }.actor", equalTo("daff-finalisation-gate"))
                .body("find { it.kind == 'READY_TO_FINALISE' }.actorSubject", nullValue());
        given().when().get("/api/incidents/" + id).then().body("status", equalTo("RESOLVED"));
    }

    static io.restassured.specification.RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
    }

    static String responder(String user) {
        return TestTokens.token(user, TestTokens.RESPONDER);
    }

    static void approveWaiver(String id, String token, int status) {
        as(token).body(approvalOf(id)).when().post("/api/incidents/" + id + "/finalisation-waiver/approval").then()
                .statusCode(status);
    }

    /** An approval of the pending waiver as it reads now (any reason when there is none). */
    static String approvalOf(String id) {
        String reason = given().when().get("/api/incidents/" + id + "/finalisation").then().extract().path("waiver.reason");
        return new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                .put("reason", reason == null ? "r" : reason).toString();
    }

    /**
     * Four eyes on what was read: bob reads alice's waiver, alice replaces it with another reason, and bob's approval
     * of the one he read is refused; the new one stays pending until someone approves what it says.
     */
    @Test
    void anApprovalOfAWaiverReplacedSinceItWasReadIsRefused() {
        String id = resolvedIncident();
        as(responder("alice")).body("{\"reason\": \"the service is being retired next week\"}")
                .when().post("/api/incidents/" + id + "/finalisation-waiver").then().statusCode(201);
        String read = approvalOf(id);
        as(responder("alice")).body("{\"reason\": \"nobody needs a washup for this one\"}")
                .when().post("/api/incidents/" + id + "/finalisation-waiver").then().statusCode(201);
        as(responder("bob")).body(read).when().post("/api/incidents/" + id + "/finalisation-waiver/approval")
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", containsString("waiver-changed"));
        as(responder("bob")).when().post("/api/incidents/" + id + "/finalisation-waiver/approval")
                .then().statusCode(400).contentType("application/problem+json");
        given().when().get("/api/incidents/" + id + "/finalisation").then().statusCode(200)
                .body("finalisable", equalTo(false)).body("waiver.status", equalTo("PENDING"))
                .body("waiver.reason", equalTo("nobody needs a washup for this one"));
        approveWaiver(id, responder("bob"), 200);
        given().when().get("/api/incidents/" + id + "/finalisation").then().statusCode(200)
                .body("finalisable", equalTo(true)).body("waiver.approvedBy", equalTo("bob"));
    }

    @Test
    void aWaiverNeedsAReasonAndNeverTakesAFreeTextApprover() {
        String id = resolvedIncident();
        as(responder("alice")).body("{\"approvedBy\": \"head of SRE\"}")
                .when().post("/api/incidents/" + id + "/finalisation-waiver")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("reason"));
        as(responder("alice")).body("{\"reason\": \"the service is being retired\", \"approvedBy\": \"head of SRE\"}")
                .when().post("/api/incidents/" + id + "/finalisation-waiver")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", contains("approvedBy"))
                .body("detail", containsString("/finalisation-waiver/approval"));
        // Not even an admin names someone else as approver.
        given().contentType(ContentType.JSON).body("{\"reason\": \"r\", \"approvedBy\": \"cto\"}")
                .when().post("/api/incidents/" + id + "/finalisation-waiver").then().statusCode(400);
        as(responder("alice")).body("{\"reason\": \"" + "x".repeat(4001) + "\"}")
                .when().post("/api/incidents/" + id + "/finalisation-waiver").then().statusCode(400);
        as(responder("alice")).body("{\"reason\": \"r\"}")
                .when().post("/api/incidents/" + UUID.randomUUID() + "/finalisation-waiver").then().statusCode(404);
        approveWaiver(UUID.randomUUID().toString(), responder("bob"), 404);
        String unresolved = IncidentLifecycleTest.open(IncidentLifecycleTest.CHECKOUT_DOWN);
        as(responder("alice")).body("{\"reason\": \"r\"}")
                .when().post("/api/incidents/" + unresolved + "/finalisation-waiver")
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", containsString("incident-not-resolved"));
        as(responder("bob")).body(approvalOf(id)).when().post("/api/incidents/" + id + "/finalisation-waiver/approval")
                .then().statusCode(409).contentType("application/problem+json").body("type", containsString("no-pending-waiver"));

        given().when().get("/api/incidents/" + id + "/finalisation").then().statusCode(200)
                .body("finalisable", equalTo(false)).body("waiver", nullValue());
        given().when().get("/api/incidents/" + id + "/timeline").then().statusCode(200)
                .body("findAll { it.kind.startsWith('FINALISATION_WAIVE') }", hasSize(0));
        assertEquals(List.of("WASHUP_NOT_REVIEWED", "NO_SYSTEMIC_ACTION", "ACTIONS_OPEN"), unmetOnFinalising(id));
    }

    @Test
    void aRespondersWaiverTakesEffectOnlyOnceASecondResponderApprovesItWithTheirOwnToken() {
        String id = resolvedIncident();
        as(responder("alice")).body("{\"reason\": \"the service is being retired next week\"}")
                .when().post("/api/incidents/" + id + "/finalisation-waiver")
                .then().statusCode(201).header("Location", containsString("/api/incidents/" + id + "/finalisation"))
                .body("finalisable", equalTo(false))
                .body("conditions.met", contains(false, false, false))
                .body("waiver.reason", equalTo("the service is being retired next week"))
                .body("waiver.status", equalTo("PENDING"))
                .body("waiver.recordedBy", equalTo("alice"))
                .body("waiver.recordedBySubject", equalTo("alice-subject"))
                .body("waiver.approvedBy", nullValue())
                .body("waiver.approvedAt", nullValue());
        assertEquals(List.of("WASHUP_NOT_REVIEWED", "NO_SYSTEMIC_ACTION", "ACTIONS_OPEN"), unmetOnFinalising(id));

        // Four eyes compare who people are (sub), not what they are called: the proposer under a new display name
        // is still the proposer, and is refused.
        String aliceRenamed = io.smallrye.jwt.build.Jwt.preferredUserName("alice.smith").subject("alice-subject")
                .groups(java.util.Set.of(TestTokens.RESPONDER)).expiresIn(3600).sign();
        for (String proposer : List.of(responder("alice"), aliceRenamed)) {
            as(proposer).body(approvalOf(id)).when().post("/api/incidents/" + id + "/finalisation-waiver/approval")
                    .then().statusCode(403).contentType("application/problem+json")
                    .body("type", containsString("four-eyes"));
        }
        given().when().get("/api/incidents/" + id + "/finalisation").then().statusCode(200)
                .body("finalisable", equalTo(false)).body("waiver.status", equalTo("PENDING"));
        given().when().get("/api/incidents/" + id).then().body("finalisable", equalTo(false));

        // Someone else who happens to share the display name is a second person.
        String otherAlice = io.smallrye.jwt.build.Jwt.preferredUserName("alice").subject("the-other-alice")
                .groups(java.util.Set.of(TestTokens.RESPONDER)).expiresIn(3600).sign();
        as(otherAlice).body(approvalOf(id)).when().post("/api/incidents/" + id + "/finalisation-waiver/approval")
                .then().statusCode(200)
                .body("finalisable", equalTo(true))
                .body("waiver.status", equalTo("APPROVED"))
                .body("waiver.recordedBy", equalTo("alice"))
                .body("waiver.approvedBy", equalTo("alice"))
                .body("waiver.approvedBySubject", equalTo("the-other-alice"))
                .body("waiver.approvedAt", notNullValue());
        approveWaiver(id, responder("bob"), 409);
        given().when().get("/api/incidents/" + id).then().body("finalisable", equalTo(true));
        given().when().get("/api/incidents/" + id + "/timeline").then().statusCode(200)
                .body("find { it.kind == 'FINALISATION_WAIVER_PROPOSED' }.actor", equalTo("alice"))
                .body("find { it.kind == 'FINALISATION_WAIVER_PROPOSED' }.data.proposedBySubject", equalTo("alice-subject"))
                .body("findAll { it.kind == 'FINALISATION_WAIVED' }", hasSize(1))
                .body("find { it.kind == 'FINALISATION_WAIVED' }.text",
                        equalTo("Finalisation conditions waived, proposed by alice, approved by alice: the service is being"
                                + " retired next week"))
                .body("find { it.kind == 'FINALISATION_WAIVED' }.data.proposedBySubject", equalTo("alice-subject"))
                .body("find { it.kind == 'FINALISATION_WAIVED' }.data.approvedBySubject", equalTo("the-other-alice"))
                .body("findAll { it.kind == 'READY_TO_FINALISE' }", hasSize(1));

        finalise(id, 200);
        given().when().get("/api/incidents/" + id).then().body("status", equalTo("FINALISED"));
        as(responder("alice")).body("{\"reason\": \"r\"}")
                .when().post("/api/incidents/" + id + "/finalisation-waiver").then().statusCode(409);
    }

    @Test
    void anAdminsWaiverTakesEffectAtOnceAndANewProposalReplacesIt() {
        String id = resolvedIncident();
        as(TestTokens.token("carol", TestTokens.ADMIN)).body("{\"reason\": \"duplicate of another incident\"}")
                .when().post("/api/incidents/" + id + "/finalisation-waiver")
                .then().statusCode(201)
                .body("finalisable", equalTo(true))
                .body("waiver.status", equalTo("APPROVED"))
                .body("waiver.recordedBy", equalTo("carol"))
                .body("waiver.approvedBy", equalTo("carol"))
                .body("waiver.approvedBySubject", equalTo("carol-subject"));
        given().when().get("/api/incidents/" + id + "/timeline").then().statusCode(200)
                .body("findAll { it.kind == 'FINALISATION_WAIVER_PROPOSED' }", hasSize(0))
                .body("find { it.kind == 'FINALISATION_WAIVED' }.actor", equalTo("carol"))
                .body("find { it.kind == 'FINALISATION_WAIVED' }.text",
                        equalTo("Finalisation conditions waived by carol (admin): duplicate of another incident"));

        // A responder's new proposal replaces the waiver and waits for its own approval.
        as(responder("alice")).body("{\"reason\": \"the other incident was closed\"}")
                .when().post("/api/incidents/" + id + "/finalisation-waiver")
                .then().statusCode(201).body("finalisable", equalTo(false)).body("waiver.status", equalTo("PENDING"));
        approveWaiver(id, TestTokens.token("carol", TestTokens.ADMIN), 200);
        given().when().get("/api/incidents/" + id + "/finalisation").then()
                .body("finalisable", equalTo(true)).body("waiver.approvedBy", equalTo("carol"))
                .body("waiver.recordedBy", equalTo("alice"));
    }

    /**
     * A waiver judged the incident as it was resolved; the problem came back, so the judgement is void: before, an
     * approved waiver stood through the reopen and resolving again made the incident finalisable at once.
     */
    @Test
    void aReopenVoidsTheWaiverAndResolvingAgainNeedsANewOne() {
        String id = resolvedIncident();
        given().contentType(ContentType.JSON).body("{\"reason\": \"duplicate of another incident\"}")
                .when().post("/api/incidents/" + id + "/finalisation-waiver").then().statusCode(201)
                .body("waiver.status", equalTo("APPROVED"));
        IncidentLifecycleTest.move(id, "FIXING");
        given().when().get("/api/incidents/" + id).then().body("finalisable", equalTo(false));
        given().when().get("/api/incidents/" + id + "/finalisation").then().body("finalisable", equalTo(false))
                .body("waiver", nullValue());
        given().when().get("/api/incidents/" + id + "/timeline").then()
                .body("find { it.kind == 'FINALISATION_WAIVER_VOIDED' }.text",
                        containsString("Finalisation waiver voided: the incident was reopened"))
                .body("find { it.kind == 'FINALISATION_WAIVER_VOIDED' }.data.reason",
                        equalTo("duplicate of another incident"));
        IncidentLifecycleTest.move(id, "RESOLVED");
        given().when().get("/api/incidents/" + id).then().body("finalisable", equalTo(false));
        assertEquals(List.of("WASHUP_NOT_REVIEWED", "NO_SYSTEMIC_ACTION", "ACTIONS_OPEN"), unmetOnFinalising(id));

        // Waived anew, by two people who judged it as it is now.
        given().contentType(ContentType.JSON).body("{\"reason\": \"duplicate of another incident, again\"}")
                .when().post("/api/incidents/" + id + "/finalisation-waiver").then().statusCode(201)
                .body("finalisable", equalTo(true));
        given().when().get("/api/incidents/" + id + "/timeline").then()
                .body("findAll { it.kind == 'READY_TO_FINALISE' }", hasSize(2));
        finalise(id, 200);
    }

    /** A pending proposal is of the round before too: approving it after the next resolve has nothing to approve. */
    @Test
    void aReopenVoidsAPendingWaiver() {
        String id = resolvedIncident();
        as(responder("alice")).body("{\"reason\": \"duplicate of another incident\"}")
                .when().post("/api/incidents/" + id + "/finalisation-waiver")
                .then().statusCode(201).body("waiver.status", equalTo("PENDING"));
        IncidentLifecycleTest.move(id, "FIXING");
        IncidentLifecycleTest.move(id, "RESOLVED");
        approveWaiver(id, TestTokens.token("carol", TestTokens.ADMIN), 409);
        given().when().get("/api/incidents/" + id + "/finalisation").then().body("finalisable", equalTo(false))
                .body("waiver", nullValue());
        given().when().get("/api/incidents/" + id + "/timeline").then()
                .body("find { it.kind == 'FINALISATION_WAIVER_VOIDED' }.text", containsString("(pending)"));
    }

    /**
     * The problem came back after the washup was reviewed and the systemic action done: before, the review stood,
     * resolving again made the incident finalisable at once, and its cause could not be corrected. The washup is a
     * draft again, and its next review must say why the fix did not hold.
     */
    @Test
    void aReopenSendsAReviewedWashupBackToDraftAndItsNextReviewSaysWhyTheFixDidNotHold() {
        String id = resolvedIncident();
        reviewWashup(id);
        Instant at = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusSeconds(600);
        send(id, actionEvent(id, UUID.randomUUID().toString(), at, 1, 0, 1, 0));
        await().atMost(PATIENCE).untilAsserted(() -> given().when().get("/api/incidents/" + id)
                .then().statusCode(200).body("finalisable", equalTo(true)));

        IncidentLifecycleTest.move(id, "FIXING");
        given().when().get("/api/incidents/" + id + "/washup").then().statusCode(200)
                .body("status", equalTo("DRAFT")).body("reviewedBy", nullValue()).body("reviewers", hasSize(0))
                .body("rootCause", equalTo("connection pool too small for the new retry policy"));
        given().when().get("/api/incidents/" + id + "/timeline").then()
                .body("find { it.kind == 'WASHUP_REOPENED' }.text", containsString("Washup back to draft"));
        // The cause is no longer frozen: what the reopen taught can be said.
        given().contentType(ContentType.JSON).body("{\"class\": \"CHANGE\", \"seams\": [\"CONFIG\", \"CAPACITY\"]}")
                .when().put("/api/incidents/" + id + "/cause").then().statusCode(200);
        IncidentLifecycleTest.move(id, "RESOLVED");
        given().when().get("/api/incidents/" + id).then().body("finalisable", equalTo(false));
        assertEquals(List.of("WASHUP_NOT_REVIEWED"), unmetOnFinalising(id));

        given().contentType(ContentType.JSON).body("{}").when().post("/api/incidents/" + id + "/washup/review")
                .then().statusCode(409).body("missing", contains("whyFixDidNotHold"))
                .body("detail", containsString("reopened after its washup was reviewed"));
        reviewAgainAfterReopen(id);
        await().atMost(PATIENCE).untilAsserted(() -> given().when().get("/api/incidents/" + id)
                .then().statusCode(200).body("finalisable", equalTo(true)));

        // Reopened once more: the answer given for the first reopen is of another round, and is asked anew.
        IncidentLifecycleTest.move(id, "FIXING");
        given().when().get("/api/incidents/" + id + "/washup").then().statusCode(200).body("status", equalTo("DRAFT"))
                .body("whyFixDidNotHold", nullValue());
        given().when().get("/api/incidents/" + id + "/timeline").then().body(
                "findAll { it.kind == 'WASHUP_REOPENED' }.data.whyFixDidNotHold",
                contains(nullValue(), equalTo("the pool was raised on one replica only")));
        IncidentLifecycleTest.move(id, "RESOLVED");
        given().contentType(ContentType.JSON).body("{}").when().post("/api/incidents/" + id + "/washup/review")
                .then().statusCode(409).body("missing", contains("whyFixDidNotHold"));
        reviewAgainAfterReopen(id);
        await().atMost(PATIENCE).untilAsserted(() -> given().when().get("/api/incidents/" + id)
                .then().statusCode(200).body("finalisable", equalTo(true)));
        finalise(id, 200);
    }

    /** A blank-looking answer is no answer: a root cause of one no-break space did not keep the washup from review. */
    @Test
    void aRootCauseOfInvisibleCharactersIsMissing() {
        String id = resolvedIncident();
        given().contentType(ContentType.JSON).body("{\"class\": \"CHANGE\", \"seams\": [\"CONFIG\"]}")
                .when().put("/api/incidents/" + id + "/cause").then().statusCode(200);
        given().contentType(ContentType.JSON).body(WashupTest.FULL_WASHUP
                .replace("connection pool too small for the new retry policy", "\\u00a0\\u200b")
                .replace("pool size is copied by hand into every service; it should come from one place", "\\u202f"))
                .when().put("/api/incidents/" + id + "/washup").then().statusCode(200);
        given().contentType(ContentType.JSON).body("{}").when().post("/api/incidents/" + id + "/washup/review")
                .then().statusCode(409).body("missing", contains("rootCause", "oneMoreWhy"));
        given().when().get("/api/incidents/" + id + "/washup").then().statusCode(200).body("status", equalTo("DRAFT"))
                .body("reviewedBy", nullValue());
        given().when().get("/api/incidents/" + id + "/timeline").then()
                .body("findAll { it.kind == 'WASHUP_REVIEWED' }", hasSize(0));
        given().when().get("/api/incidents/" + id).then().body("finalisable", equalTo(false));
    }

    /**
     * A finalised incident is the record the meta-review reads (severity and times make its MTTR): a PATCH is 409 and
     * changes nothing. Before, SEV1 could become SEV4 after the finalise, and was announced.
     */
    @Test
    void aFinalisedIncidentsFieldsStayAsTheyWereFinalised() {
        String id = resolvedIncident();
        given().contentType(ContentType.JSON).body("{\"reason\": \"duplicate of another incident\"}")
                .when().post("/api/incidents/" + id + "/finalisation-waiver").then().statusCode(201);
        finalise(id, 200);
        int version = given().when().get("/api/incidents/" + id).then().extract().path("version");
        given().contentType(ContentType.JSON).body("{\"version\": " + version + ", \"severity\": \"SEV4\"}")
                .when().patch("/api/incidents/" + id).then().statusCode(409).contentType("application/problem+json")
                .body("type", containsString("incident-finalised"))
                .body("detail", containsString("add what was learnt since as a note"));
        given().when().get("/api/incidents/" + id).then().body("severity", equalTo("SEV2"))
                .body("version", equalTo(version));
        given().when().get("/api/incidents/" + id + "/timeline").then()
                .body("findAll { it.kind == 'SEVERITY_CHANGED' }", hasSize(0));
    }
}
