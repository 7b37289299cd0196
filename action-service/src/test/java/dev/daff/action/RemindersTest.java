package dev.daff.action;

import static dev.daff.action.ActionTestSupport.create;
import static dev.daff.action.ActionTestSupport.json;
import static dev.daff.action.ActionTestSupport.kafka;
import static dev.daff.action.ActionTestSupport.move;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.action.reminders.ActionReminders;
import dev.daff.events.Topics;
import dev.daff.localinfra.KafkaTestClient;
import dev.daff.localinfra.SimulatedClock;
import dev.daff.localinfra.TestTokens;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class RemindersTest {

    @Inject
    SimulatedClock clock;

    @Inject
    ActionReminders reminders;

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    @Test
    void eachOpenActionIsRemindedOnceDueSoonThenOnceDueAndAClosedOneNever() {
        String team = "remind-" + UUID.randomUUID().toString().substring(0, 8);
        UUID incidentId = UUID.randomUUID();
        Instant start = clock.instant();
        String open = create(incidentId, team, "LOCAL", start.plus(Duration.ofDays(5)));
        String closed = create(incidentId, team, "LOCAL", start.plus(Duration.ofDays(5)));
        move(closed, "DONE");

        reminders.check();
        clock.advance(Duration.ofDays(2)); // due in 3 days: not yet within the 2 days before
        reminders.check();
        clock.advance(Duration.ofDays(1).plusHours(1)); // due in 47 hours
        reminders.check();
        reminders.check();
        clock.advance(Duration.ofDays(1)); // due in 23 hours: still the one "due soon"
        reminders.check();
        String firstMarker = marker(team, incidentId);
        assertEquals(List.of("ActionDueSoon " + open), noticesUpTo(team, firstMarker, 2));

        clock.advance(Duration.ofHours(23));
        reminders.check();
        reminders.check();
        clock.advance(Duration.ofDays(8));
        reminders.check();
        List<String> notices = noticesUpTo(team, marker(team, incidentId), 4).stream()
                .filter(notice -> !notice.endsWith(firstMarker)).toList();
        assertEquals(List.of("ActionDueSoon " + open, "ActionDue " + open), notices,
                "due soon once, due once, however often the check runs; nothing for the closed action");
    }

    @Test
    void aReminderSaysWhatIsDueAndWhen() {
        String team = "said-" + UUID.randomUUID().toString().substring(0, 8);
        UUID incidentId = UUID.randomUUID();
        Instant dueAt = clock.instant().plus(Duration.ofDays(1)).plus(Duration.ofMinutes(5));
        String action = create(incidentId, team, "LOCAL", dueAt);
        reminders.check();
        ConsumerRecord<String, String> record = KafkaTestClient.read(kafka(), Topics.TEAM_NOTICES,
                r -> action.equals(json(r).path("actionId").asText()), 1, Duration.ofSeconds(30)).get(0);
        assertEquals(team, record.key());
        var notice = json(record);
        assertEquals("ActionDueSoon", notice.path("type").asText());
        assertEquals(1, notice.path("version").asInt());
        assertEquals(team, notice.path("team").asText());
        assertEquals(incidentId.toString(), notice.path("incidentId").asText());
        assertEquals(dueAt, Instant.parse(notice.path("dueAt").asText()));
        assertEquals("Follow-up action due in 1 day: Pool connections through the platform client",
                notice.path("summary").asText());
    }

    @Test
    void theScheduledCheckSendsNothingUnlessEnabled() {
        String team = "off-" + UUID.randomUUID().toString().substring(0, 8);
        UUID incidentId = UUID.randomUUID();
        create(incidentId, team, "LOCAL", clock.instant().minus(Duration.ofHours(1)));
        assertEquals(0, reminders.tick(), "daff.actions.reminders.enabled is false in the test profile, as by default");
        assertTrue(reminders.check() >= 1, "the check itself would have sent a reminder");
    }

    /**
     * A WASHUP action handed to another team (the incident's team set later) is reminded to that team too: reminders
     * were kept by action, kind and due date, so the team given it after its ActionDue went out was never told.
     */
    @Test
    void aWashupActionHandedToAnotherTeamIsRemindedToThatTeam() {
        String before = "first-" + UUID.randomUUID().toString().substring(0, 8);
        String after = "later-" + UUID.randomUUID().toString().substring(0, 8);
        UUID incidentId = UUID.randomUUID();
        ActionTestSupport.sendIncidentEvent(UUID.randomUUID().toString(), "IncidentResolved", incidentId, "SEV2", before,
                "RESOLVED", 1L);
        String washup = ActionTestSupport.awaitOpenWashupAction(incidentId);
        Instant dueAt = Instant.parse(io.restassured.RestAssured.given().when().get("/api/actions/" + washup).then()
                .statusCode(200).extract().path("dueAt"));
        clock.advance(Duration.between(clock.instant(), dueAt).plusHours(1));
        reminders.check();
        assertEquals("ActionDue", json(awaitNotice(before, washup)).path("type").asText());

        ActionTestSupport.sendIncidentEvent(UUID.randomUUID().toString(), "IncidentUpdated", incidentId, "SEV2", after,
                "RESOLVED", 2L);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> io.restassured.RestAssured
                .given().when().get("/api/actions/" + washup).then().statusCode(200)
                .body("ownerTeam", org.hamcrest.Matchers.equalTo(after)));
        reminders.check();
        ConsumerRecord<String, String> handedOver = awaitNotice(after, washup);
        assertEquals("ActionDue", json(handedOver).path("type").asText());
        assertEquals(after, json(handedOver).path("team").asText());
    }

    private static ConsumerRecord<String, String> awaitNotice(String team, String action) {
        return KafkaTestClient.read(kafka(), Topics.TEAM_NOTICES,
                r -> team.equals(r.key()) && action.equals(json(r).path("actionId").asText()), 1, Duration.ofSeconds(30))
                .get(0);
    }

    /** An action already overdue, created now: its ActionDue, after everything before it on the team's key. */
    private String marker(String team, UUID incidentId) {
        String marker = create(incidentId, team, "LOCAL", clock.instant().minus(Duration.ofMinutes(1)));
        reminders.check();
        return marker;
    }

    /**
     * The team's notices ("type actionId") before the marker's ActionDue, reading {@code expected} of them with the
     * marker. The outbox keeps one key's order and so does its partition: a notice sent twice would come before the
     * marker and push it out of what is read, so the count is exact without waiting for what does not come.
     */
    private static List<String> noticesUpTo(String team, String marker, int expected) {
        List<ConsumerRecord<String, String>> seen = KafkaTestClient.read(kafka(), Topics.TEAM_NOTICES,
                record -> team.equals(record.key()), expected, Duration.ofSeconds(30));
        List<String> notices = seen.stream().map(r -> json(r).path("type").asText() + " " + json(r).path("actionId").asText())
                .toList();
        int markerAt = notices.indexOf("ActionDue " + marker);
        assertTrue(markerAt >= 0, "the marker's reminder arrives; saw " + notices);
        return notices.subList(0, markerAt);
    }
}
