package dev.daff.action;

import static dev.daff.action.ActionTestSupport.awaitKnownIncident;
import static dev.daff.action.ActionTestSupport.awaitOpenWashupAction;
import static dev.daff.action.ActionTestSupport.create;
import static dev.daff.action.ActionTestSupport.eventsBefore;
import static dev.daff.action.ActionTestSupport.is;
import static dev.daff.action.ActionTestSupport.move;
import static dev.daff.action.ActionTestSupport.sendIncidentEvent;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.action.incidents.KnownIncidents;
import dev.daff.action.overdue.OverdueCheck;
import dev.daff.action.reminders.ActionReminders;
import io.quarkus.narayana.jta.QuarkusTransaction;
import dev.daff.events.Topics;
import dev.daff.localinfra.KafkaTestClient;
import dev.daff.localinfra.LockWaits;
import dev.daff.localinfra.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import dev.daff.localinfra.SimulatedClock;

@QuarkusTest
class OverdueAndReportTest {

    @Inject
    SimulatedClock clock;

    @Inject
    OverdueCheck overdueCheck;

    @Inject
    KnownIncidents incidents;

    @Inject
    ActionReminders reminders;

    @Inject
    EntityManager entityManager;

    @Inject
    AgroalDataSource database;

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    @Test
    void anOverdueActionIsAnnouncedOnceThenAgainAfterAWeek() {
        UUID incidentId = UUID.randomUUID();
        String team = "late-" + UUID.randomUUID().toString().substring(0, 8);
        Instant start = clock.instant();
        String late = create(incidentId, team, "LOCAL", start.plus(Duration.ofDays(1)));
        String done = create(incidentId, team, "LOCAL", start.plus(Duration.ofDays(1)));
        move(done, "DONE");
        overdueCheck.check();

        clock.advance(Duration.ofDays(2));
        overdueCheck.check();
        overdueCheck.check();

        given().queryParam("incidentId", incidentId.toString()).queryParam("overdue", true)
                .when().get("/api/actions")
                .then().statusCode(200).body("", hasSize(1)).body("[0].id", equalTo(late)).body("[0].overdue", equalTo(true));
        // Not "true" or "false": refused. JAX-RS read ?overdue=1 as false, and the filter silently went.
        given().queryParam("incidentId", incidentId.toString()).queryParam("overdue", "1").when().get("/api/actions")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("overdue"));
        List<ConsumerRecord<String, String>> overdue = eventsBefore(incidentId,
                create(incidentId, team, "LOCAL", null), record -> is(record, "ActionOverdue", late)
                        || is(record, "ActionOverdue", done), 1);
        assertEquals(1, overdue.size(), "one announcement however often the check runs; none for the closed action");

        clock.advance(Duration.ofDays(6));
        overdueCheck.check();
        clock.advance(Duration.ofDays(1));
        overdueCheck.check();
        overdueCheck.check();

        overdue = eventsBefore(incidentId, create(incidentId, team, "LOCAL", null),
                record -> is(record, "ActionOverdue", late) || is(record, "ActionOverdue", done), 2);
        assertEquals(2, overdue.size(), "announced again 7 days after the first announcement, once");
        assertEquals(late, ActionTestSupport.json(overdue.get(1)).path("actionId").asText());

        move(late, "DONE");
        clock.advance(Duration.ofDays(8));
        overdueCheck.check();
        overdue = eventsBefore(incidentId, create(incidentId, team, "LOCAL", null),
                record -> is(record, "ActionOverdue", late) || is(record, "ActionOverdue", done), 2);
        assertEquals(2, overdue.size(), "a closed action is never announced");
    }

    /**
     * helper-77: a person moves one of an incident's overdue actions while the overdue check is announcing another of
     * them. The check held the incident's lock (taken for its first announcement) and then wanted the second action's
     * row, which the transition had changed before waiting for that lock: PostgreSQL aborted one of them as a deadlock,
     * or the transition wrote over the check's marking and was told 409. Every writer now takes the incident's lock
     * before its actions' rows: the transition waits for the check, then moves the action as the check left it.
     */
    @Test
    void aTransitionDuringTheOverdueCheckWaitsForItAndNeitherIsAborted() throws Exception {
        UUID incidentId = UUID.randomUUID();
        String team = "busy-" + UUID.randomUUID().toString().substring(0, 8);
        Instant start = clock.instant();
        String first = create(incidentId, team, "LOCAL", start.plus(Duration.ofHours(1)));
        String second = create(incidentId, team, "LOCAL", start.plus(Duration.ofHours(2)));
        clock.advance(Duration.ofHours(3));
        long gate = 0x0da1ff0eL;
        try (Connection holder = database.getConnection(); Statement sql = holder.createStatement()) {
            // The check's announcement of the first action waits at a lock this test holds: the incident's lock taken.
            sql.execute("create or replace function overdue_test_gate() returns trigger language plpgsql as $$ begin"
                    + " perform pg_advisory_lock(" + gate + "); perform pg_advisory_unlock(" + gate + "); return new; end $$");
            sql.execute("create trigger overdue_test_gate before insert on outbox_message for each row when (new.payload"
                    + " like '%\"ActionOverdue\"%' and new.payload like '%" + first + "%') execute function overdue_test_gate()");
            sql.execute("select pg_advisory_lock(" + gate + ")");
            try {
                long waitingBefore = LockWaits.onAdvisoryLocks(database);
                CompletableFuture<Integer> checked = CompletableFuture.supplyAsync(overdueCheck::check);
                await().atMost(Duration.ofSeconds(20)).until(() -> LockWaits.onAdvisoryLocks(database) > waitingBefore);
                CompletableFuture<Integer> moved = CompletableFuture.supplyAsync(() -> given().contentType(ContentType.JSON)
                        .body("{\"to\": \"DONE\"}").when().post("/api/actions/" + second + "/transitions").then()
                        .extract().statusCode());
                await().atMost(Duration.ofSeconds(20)).until(() -> LockWaits.onAdvisoryLocks(database) > waitingBefore + 1);
                sql.execute("select pg_advisory_unlock(" + gate + ")");
                assertEquals(200, moved.get(30, TimeUnit.SECONDS), "the transition waited and went through");
                assertTrue(checked.get(30, TimeUnit.SECONDS) >= 2, "the check went through");
            } finally {
                sql.execute("select pg_advisory_unlock_all()");
                sql.execute("drop trigger overdue_test_gate on outbox_message");
            }
        }
        List<ConsumerRecord<String, String>> overdue = eventsBefore(incidentId, create(incidentId, team, "LOCAL", null),
                record -> is(record, "ActionOverdue", first) || is(record, "ActionOverdue", second), 2);
        assertEquals(2, overdue.size(), "both announced: " + overdue);
        given().when().get("/api/actions/" + second).then().statusCode(200).body("status", equalTo("DONE"));
    }

    /**
     * An incident finalised by a waiver never has its washup reviewed; its WASHUP action, closed as WONT_DO by the
     * finalise, is never announced overdue (left open, it was announced every week for an incident that is done).
     */
    @Test
    void aWashupActionClosedByAFinalisationWaiverIsNeverAnnouncedOverdue() {
        UUID incidentId = UUID.randomUUID();
        String team = "waived-" + UUID.randomUUID().toString().substring(0, 8);
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentResolved", incidentId, "SEV2", team, "RESOLVED");
        String washup = awaitOpenWashupAction(incidentId); // SEV2: due in 5 days
        // Due after the washup, so one check announces it after the washup's: once it is read, so would that be.
        String later = create(incidentId, team, "LOCAL", clock.instant().plus(Duration.ofDays(6)));
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentFinalised", incidentId, "SEV2", team, "FINALISED");
        awaitKnownIncident(incidents, incidentId, "FINALISED");

        clock.advance(Duration.ofDays(7));
        overdueCheck.check();

        List<ConsumerRecord<String, String>> washupOverdue = eventsBefore(incidentId,
                record -> is(record, "ActionOverdue", later), record -> is(record, "ActionOverdue", washup), 0);
        assertEquals(List.of(), washupOverdue.stream().map(ConsumerRecord::value).toList(),
                "the waived washup's action is closed, never announced");
        given().queryParam("incidentId", incidentId.toString()).queryParam("overdue", true)
                .when().get("/api/actions")
                .then().statusCode(200).body("", hasSize(1)).body("[0].id", equalTo(later));
        given().when().get("/api/actions/" + washup).then().statusCode(200).body("status", equalTo("WONT_DO"));
    }

    /**
     * An incident reopened after its WASHUP action was made cannot have its washup written until it is resolved again:
     * the action is neither announced overdue nor reminded of while the incident is being fixed, and it is due
     * {@code washup-due-days} after the second resolve, not the first.
     */
    @Test
    void aReopenedIncidentsWashupActionWaitsForTheNextResolveAndIsDueFromIt() {
        UUID incidentId = UUID.randomUUID();
        String team = "reopened-" + UUID.randomUUID().toString().substring(0, 8);
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentResolved", incidentId, "SEV2", team, "RESOLVED");
        String washup = awaitOpenWashupAction(incidentId); // SEV2: due in 5 days
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentStatusChanged", incidentId, "SEV2", team, "FIXING");
        awaitKnownIncident(incidents, incidentId, "FIXING");
        String later = create(incidentId, team, "LOCAL", clock.instant().plus(Duration.ofDays(6)));

        clock.advance(Duration.ofDays(7));
        overdueCheck.check();
        reminders.check();
        assertEquals(List.of(), eventsBefore(incidentId, record -> is(record, "ActionOverdue", later),
                record -> is(record, "ActionOverdue", washup), 0).stream().map(ConsumerRecord::value).toList(),
                "not overdue while the incident is being fixed");
        assertEquals(0L, QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(
                "select count(*) from action_reminder where action_id = ?1").setParameter(1, UUID.fromString(washup))
                .getSingleResult()).longValue()), "no reminder of it either");
        // Nor is it overdue to whoever reads: its view, the overdue list and the team's report (the weekly report's
        // "(N overdue)") all counted it, a week past a due date the reopen had taken away.
        given().when().get("/api/actions/" + washup).then().statusCode(200).body("overdue", equalTo(false));
        given().queryParam("overdue", "true").queryParam("incidentId", incidentId.toString()).when().get("/api/actions")
                .then().statusCode(200).body("id", org.hamcrest.Matchers.contains(later));
        given().when().get("/api/teams/" + team + "/actions/report").then().statusCode(200)
                .body("open", equalTo(2)).body("overdue", equalTo(1));

        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentResolved", incidentId, "SEV2", team, "RESOLVED");
        Instant dueAgain = clock.instant().plus(Duration.ofDays(5));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var action = given().when().get("/api/actions/" + washup).then().statusCode(200)
                    .body("status", equalTo("OPEN")).body("overdue", equalTo(false)).extract();
            assertEquals(0, Duration.between(dueAgain, Instant.parse(action.path("dueAt"))).abs().toMillis(),
                    "due five days after the second resolve: " + action.path("dueAt"));
        });
        clock.advance(Duration.ofDays(6));
        overdueCheck.check();
        assertEquals(1, KafkaTestClient.read(ActionTestSupport.kafka(), Topics.ACTION_EVENTS,
                record -> is(record, "ActionOverdue", washup), 1, Duration.ofSeconds(30)).size(),
                "overdue once those five days have passed");
    }

    @Test
    void theTeamReportCountsOpenOverdueRecentlyDoneMedianDaysAndSystemicShare() {
        String team = "report-" + UUID.randomUUID().toString().substring(0, 8);
        given().when().get("/api/teams/" + team + "/actions/report")
                .then().statusCode(200)
                .body("team", equalTo(team)).body("open", equalTo(0)).body("overdue", equalTo(0))
                .body("doneLast30Days", equalTo(0))
                .body("medianDaysToClose", nullValue()).body("systemicShare", nullValue());

        UUID incidentId = UUID.randomUUID();
        // Done 37 days before the report: outside the 30 days, but still one of the team's actions.
        String old = create(incidentId, team, "SYSTEMIC", null);
        clock.advance(Duration.ofDays(1));
        move(old, "DONE");
        clock.advance(Duration.ofDays(31));

        Instant start = clock.instant();
        String twoDays = create(incidentId, team, "LOCAL", null);
        String fourDays = create(incidentId, team, "SYSTEMIC", null);
        String declined = create(incidentId, team, "LOCAL", null);
        String stillOpen = create(incidentId, team, "SYSTEMIC", null);
        create(incidentId, team, "LOCAL", start.plus(Duration.ofDays(1))); // will be overdue
        // The WASHUP action (SEV1: due in 3 days) is open and will be overdue, but is not the team's choice of scope.
        UUID resolved = UUID.randomUUID();
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentResolved", resolved, "SEV1", team, "RESOLVED");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given()
                .queryParam("incidentId", resolved.toString()).when().get("/api/actions")
                .then().statusCode(200).body("", hasSize(1)).body("[0].kind", equalTo("WASHUP")));

        clock.advance(Duration.ofDays(2));
        move(twoDays, "DONE");
        move(fourDays, "IN_PROGRESS");
        clock.advance(Duration.ofDays(2));
        move(fourDays, "DONE");
        move(stillOpen, "IN_PROGRESS");
        clock.advance(Duration.ofDays(2));
        move(declined, "WONT_DO");

        given().when().get("/api/teams/" + team + "/actions/report")
                .then().statusCode(200)
                .body("team", equalTo(team))
                .body("open", equalTo(3)) // stillOpen, the one due after a day, the washup
                .body("overdue", equalTo(2)) // the one due after a day, the washup
                .body("doneLast30Days", equalTo(2)) // twoDays, fourDays; not old, not declined
                .body("medianDaysToClose", equalTo(3.0f)) // (2 + 4) / 2
                .body("systemicShare", equalTo(0.5f)); // old, fourDays, stillOpen of six, the washup left out
        given().when().get("/api/teams/" + "t".repeat(101) + "/actions/report")
                .then().statusCode(400).contentType("application/problem+json");
    }
}
