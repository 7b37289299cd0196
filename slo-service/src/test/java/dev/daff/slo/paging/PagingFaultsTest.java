package dev.daff.slo.paging;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.localinfra.SimulatedClock;
import dev.daff.localinfra.TestTokens;
import dev.daff.slo.paging.escalation.Escalator;
import dev.daff.slo.paging.pages.PageAlertsConsumer;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * A team whose stored on-call definition this version cannot use — a time zone a newer JDK dropped, a document it
 * cannot use — must not cost a page: not its own (it is stored and paged once the team can be), and never another
 * team's.
 */
@QuarkusTest
@QuarkusTestResource(value = PagingReceiverResource.class, restrictToAnnotatedClass = false)
class PagingFaultsTest {

    @Inject
    SimulatedClock clock;

    @Inject
    PageAlertsConsumer alerts;

    @Inject
    Escalator escalator;

    @Inject
    DataSource database;

    @Inject
    MeterRegistry registry;

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    String team(String name) {
        return PagingFixtures.team(clock, name, PagingFixtures.receiver().url("/hook/" + name));
    }

    void fire(String team) {
        String dedupKey = team + ":PAGE:1"; // short: the fixture's alert id ("a-" and it) has 36 characters at most
        String alert = PagingFixtures.alert(clock, "AlertFired", team, "dns-" + team, dedupKey);
        // Bounded: an alert whose transaction is doomed is retried as transient, for good.
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> alerts.onAlert(alert));
    }

    /** Rewrites the team's stored definition behind the API's back, as an older version or a newer JDK leaves it. */
    void storedDefinition(String team, String from, String to) throws SQLException {
        try (Connection connection = database.getConnection(); PreparedStatement update = connection.prepareStatement(
                "update team set definition = replace(definition, ?, ?) where name = ? and strpos(definition, ?) > 0")) {
            update.setString(1, from);
            update.setString(2, to);
            update.setString(3, team);
            update.setString(4, from);
            assertEquals(1, update.executeUpdate(), "the stored definition held " + from);
        }
    }

    int webhooksTo(String team) {
        return PagingFixtures.receiver().received(r -> r.path().equals("/hook/" + team)).size();
    }

    double escalationFailures() {
        return registry.find("daff.paging.escalation.failures").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void aScheduleInAZoneThisJdkDoesNotKnowStillPagesWhoeverIsOnCall() throws Exception {
        String team = team("fault-zone");
        storedDefinition(team, "\"Europe/London\"", "\"Europe/Atlantis\"");

        fire(team);
        String id = PagingFixtures.awaitPage(team);
        await().atMost(Duration.ofSeconds(20)).until(() -> PagingFixtures.pagerDuty("rk-" + team, "trigger").size() == 1);
        given().when().get("/api/pages/" + id).then().body("primary", equalTo("alice"));
    }

    @Test
    void anAlertForATeamWhoseDefinitionCannotBeUsedIsStoredAndPagedOnceTheTeamIsMended() throws Exception {
        String team = team("fault-unusable");
        storedDefinition(team, "\"members\"", "\"members-of-a-newer-version\"");

        fire(team);
        String id = PagingFixtures.awaitPage(team);
        given().when().get("/api/pages/" + id).then().body("state", equalTo("TRIGGERED")).body("notifications", hasSize(0));
        // every other team's secrets can still be re-encrypted and counted; this one's are left as they are
        given().when().post("/api/admin/secrets/re-encrypt").then().statusCode(200);
        given().when().get("/api/admin/secrets").then().statusCode(200).body("byKey.'unreadable-teams'", equalTo(1));

        team(team); // the definition stored again, whole
        clock.advance(Duration.ofMinutes(1));
        escalator.escalate(clock.instant());
        await().atMost(Duration.ofSeconds(20)).until(() -> PagingFixtures.pagerDuty("rk-" + team, "trigger").size() == 1);
        given().when().get("/api/pages/" + id).then().body("primary", equalTo("alice"))
                .body("notifications.action", contains("trigger"));
    }

    @Test
    void aPageWhoseTeamsDefinitionWentBadCanStillBeAcknowledged() throws Exception {
        String team = team("fault-ack");
        fire(team);
        String id = PagingFixtures.awaitPage(team);
        storedDefinition(team, "\"rotation\"", "\"rotation-of-a-newer-version\"");

        given().header("Authorization", "Bearer " + TestTokens.token("alice", TestTokens.RESPONDER))
                .contentType(ContentType.JSON).body("{}")
                .when().post("/api/pages/" + id + "/ack")
                .then().statusCode(200).body("state", equalTo("ACKNOWLEDGED")).body("acknowledgedBy", equalTo("alice"));
        team(team);
    }

    @Test
    void aPageThatCannotBeEscalatedHoldsBackNoOtherTeamsEscalation() throws Exception {
        String broken = team("fault-esc-broken");
        String healthy = team("fault-esc-healthy");
        fire(broken);
        fire(healthy);
        String brokenPage = PagingFixtures.awaitPage(broken);
        String healthyPage = PagingFixtures.awaitPage(healthy);
        storedDefinition(broken, "\"members\"", "\"members-of-a-newer-version\"");
        double failuresBefore = escalationFailures();

        clock.advance(Duration.ofMinutes(5)); // both teams' ackTimeout: both pages are due for bob, the secondary
        assertTrue(escalator.escalate(clock.instant()) >= 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> webhooksTo(healthy) == 1);
        given().when().get("/api/pages/" + healthyPage).then().body("escalationLevel", equalTo(1));
        given().when().get("/api/pages/" + brokenPage).then().body("state", equalTo("TRIGGERED"))
                .body("escalationLevel", equalTo(0));
        assertTrue(escalationFailures() >= failuresBefore + 1, "the failure is counted");
        clock.advance(Duration.ofSeconds(30));
        double failuresThen = escalationFailures();
        escalator.escalate(clock.instant());
        assertEquals(failuresThen, escalationFailures(), "a failed page is tried again a minute later, not at every check");

        team(broken); // mended: the step it missed is paged a minute after its failure
        clock.advance(Duration.ofSeconds(30));
        escalator.escalate(clock.instant());
        await().atMost(Duration.ofSeconds(20)).until(() -> webhooksTo(broken) == 1);
        given().when().get("/api/pages/" + brokenPage).then().body("escalationLevel", equalTo(1));
        assertEquals(1, webhooksTo(healthy), "the healthy team's secondary was paged once");
    }
}
