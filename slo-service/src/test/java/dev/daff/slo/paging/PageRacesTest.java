package dev.daff.slo.paging;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.localinfra.TestTokens;
import dev.daff.localinfra.SimulatedClock;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import dev.daff.slo.paging.pages.PageAlertsConsumer;
import dev.daff.slo.paging.escalation.Escalator;

/**
 * Two replicas at once on one page: a thread held inside its transaction ({@link QueuePause}) is one replica, the
 * test or a second thread the other. Whatever the order, an acknowledgement is never undone, a resolved page is
 * never acknowledged, and each escalation step is paged once.
 */
@QuarkusTest
@QuarkusTestResource(value = PagingReceiverResource.class, restrictToAnnotatedClass = false)
class PageRacesTest {

    static final ExecutorService REPLICAS = Executors.newFixedThreadPool(2);

    @Inject
    SimulatedClock clock;

    @Inject
    PageAlertsConsumer alerts;

    @Inject
    Escalator escalator;

    @Inject
    QueuePause pause;

    @Inject
    DataSource database;

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    @AfterAll
    static void stop() {
        REPLICAS.shutdownNow();
    }

    /** A triggered page for a new team (alice primary on PagerDuty, bob secondary on a webhook). */
    String triggeredPage(String team) throws Exception {
        PagingFixtures.team(clock, team, PagingFixtures.receiver().url("/hook/" + team));
        alerts.onAlert(PagingFixtures.alert(clock, "AlertFired", team, "dns-" + team, key(team)));
        return given().queryParam("team", team).when().get("/api/pages").then().statusCode(200).extract().path("[0].id");
    }

    static String key(String team) {
        return "dns-" + team + ":PAGE:BURN_RATE:1";
    }

    Future<Response> acknowledgeAsBob(String id) {
        return REPLICAS.submit(() -> given().header("Authorization", "Bearer " + TestTokens.token("bob", TestTokens.RESPONDER))
                .contentType(ContentType.JSON).body("{}").when().post("/api/pages/" + id + "/ack")
                .then().extract().response());
    }

    /** Lets the held replica go once the other has finished or is waiting for it on a row lock. */
    void releaseWhenTheOtherFinishedOrWaits(QueuePause.Hold hold, Future<?> other) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> other.isDone() || someoneWaitsForALock());
        hold.release();
    }

    boolean someoneWaitsForALock() throws SQLException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
                ResultSet waiting = statement.executeQuery("""
                        select count(*) from pg_stat_activity
                        where datname = current_database() and wait_event_type = 'Lock' and query like '% from page %'""")) {
            waiting.next();
            return waiting.getInt(1) > 0;
        }
    }

    List<String> notifications(String id) {
        return given().when().get("/api/pages/" + id).then().statusCode(200).extract()
                .<List<String>>path("notifications.collect { it.action + ' ' + it.channel + ' ' + it.recipient }");
    }

    @Test
    void anAcknowledgementWhileAnEscalationIsInFlightIsNeverUndone() throws Exception {
        String id = triggeredPage("race-ack");
        clock.advance(Duration.ofMinutes(5));

        QueuePause.Hold hold = new QueuePause.Hold();
        Future<Integer> escalation = REPLICAS.submit(() -> pause.holdAtFirstQueue(UUID.fromString(id), hold,
                () -> escalator.escalate(clock.instant())));
        hold.awaitHeld(); // mid-escalation: the page read, bob's notification being queued
        Future<Response> ack = acknowledgeAsBob(id);
        releaseWhenTheOtherFinishedOrWaits(hold, ack);

        escalation.get(20, TimeUnit.SECONDS); // the escalation that was under way completes
        Response acknowledged = ack.get(20, TimeUnit.SECONDS);
        assertEquals(200, acknowledged.statusCode(), acknowledged.asString());
        given().when().get("/api/pages/" + id).then()
                .body("state", equalTo("ACKNOWLEDGED")).body("acknowledgedBy", equalTo("bob"))
                .body("escalationLevel", equalTo(1)).body("nextEscalationAt", nullValue());

        clock.advance(Duration.ofMinutes(30));
        escalator.escalate(clock.instant()); // acknowledged: nothing more for this page (other tests' pages may escalate)
        given().when().get("/api/pages/" + id).then().body("state", equalTo("ACKNOWLEDGED"));
        assertEquals(List.of("trigger pagerduty alice", "trigger webhook bob", "acknowledge pagerduty alice"),
                notifications(id));
    }

    @Test
    void twoReplicasEscalatingTheSameDueStepPageItOnce() throws Exception {
        String id = triggeredPage("race-escalate");
        clock.advance(Duration.ofMinutes(5));

        QueuePause.Hold hold = new QueuePause.Hold();
        Future<Integer> first = REPLICAS.submit(() -> pause.holdAtFirstQueue(UUID.fromString(id), hold,
                () -> escalator.escalate(clock.instant())));
        hold.awaitHeld();
        try {
            // The other replica's check, at the same moment, ends while the first is still held: what is being
            // escalated elsewhere is skipped, not waited for.
            REPLICAS.submit(() -> escalator.escalate(clock.instant())).get(20, TimeUnit.SECONDS);
        } finally {
            hold.release();
        }

        first.get(20, TimeUnit.SECONDS);
        escalator.escalate(clock.instant()); // and once escalated it is not due again before ackTimeout
        given().when().get("/api/pages/" + id).then().body("state", equalTo("TRIGGERED")).body("escalationLevel", equalTo(1));
        assertEquals(List.of("trigger pagerduty alice", "trigger webhook bob"), notifications(id));
    }

    @Test
    void anAcknowledgementRacingTheResolveIsRefusedWith409() throws Exception {
        String team = "race-resolve";
        String id = triggeredPage(team);
        await().atMost(Duration.ofSeconds(20)).until(() -> PagingFixtures.pagerDuty("rk-" + team, "trigger").size() == 1);

        QueuePause.Hold hold = new QueuePause.Hold();
        Future<Object> resolve = REPLICAS.submit(() -> pause.holdAtFirstQueue(hold, () -> {
            alerts.onAlert(PagingFixtures.alert(clock, "AlertResolved", team, "dns-" + team, key(team)));
            return null;
        }));
        hold.awaitHeld(); // mid-resolve: the resolve for PagerDuty being queued
        Future<Response> ack = acknowledgeAsBob(id);
        releaseWhenTheOtherFinishedOrWaits(hold, ack);
        resolve.get(20, TimeUnit.SECONDS);

        Response refused = ack.get(20, TimeUnit.SECONDS);
        assertEquals(409, refused.statusCode(), refused.asString());
        assertTrue(refused.contentType().startsWith("application/problem+json"));
        assertTrue(refused.<String>path("type").endsWith("page-resolved"), refused.asString());
        given().when().get("/api/pages/" + id).then()
                .body("state", equalTo("RESOLVED")).body("acknowledgedBy", nullValue());
        given().header("Authorization", "Bearer " + TestTokens.token("bob", TestTokens.RESPONDER))
                .contentType(ContentType.JSON).body("{}").when().post("/api/pages/" + id + "/ack")
                .then().statusCode(409).contentType("application/problem+json");
        assertEquals(List.of("trigger pagerduty alice", "resolve pagerduty alice"), notifications(id));
        await().atMost(Duration.ofSeconds(20)).until(() -> PagingFixtures.pagerDuty("rk-" + team, "resolve").size() == 1);
        assertEquals(0, PagingFixtures.pagerDuty("rk-" + team, "acknowledge").size());
    }
}
