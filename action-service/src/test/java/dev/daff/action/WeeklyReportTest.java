package dev.daff.action;

import static dev.daff.action.ActionTestSupport.awaitKnownIncident;
import static dev.daff.action.ActionTestSupport.create;
import static dev.daff.action.ActionTestSupport.json;
import static dev.daff.action.ActionTestSupport.kafka;
import static dev.daff.action.ActionTestSupport.move;
import static dev.daff.action.ActionTestSupport.sendIncidentEvent;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.daff.action.incidents.KnownIncidents;
import dev.daff.action.reminders.ActionReminders;
import dev.daff.action.report.WeeklyReports;
import dev.daff.events.Topics;
import dev.daff.localinfra.DatabaseRefusals;
import dev.daff.localinfra.KafkaTestClient;
import dev.daff.localinfra.SimulatedClock;
import dev.daff.localinfra.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class WeeklyReportTest {

    @Inject
    SimulatedClock clock;

    @Inject
    WeeklyReports weeklyReports;

    @Inject
    KnownIncidents incidents;

    @Inject
    ActionReminders reminders;

    @Inject
    AgroalDataSource database;

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    @Test
    void aSeededTeamGetsOneWeeklyReportWithItsFiguresAndTheEndpointShowsTheSame() {
        String team = "weekly-" + UUID.randomUUID().toString().substring(0, 8);
        UUID incidentId = UUID.randomUUID();
        Instant start = clock.instant();
        String doneLongAgo = create(incidentId, team, "SYSTEMIC", null);
        move(doneLongAgo, "DONE"); // closed 10 days before the report: not this week's
        clock.advance(Duration.ofDays(10));
        create(incidentId, team, "LOCAL", start.plus(Duration.ofDays(11))); // overdue at the report
        create(incidentId, team, "SYSTEMIC", start.plus(Duration.ofDays(30))); // open, not due
        String done = create(incidentId, team, "LOCAL", null);
        String declined = create(incidentId, team, "LOCAL", null);
        move(done, "DONE");
        move(declined, "WONT_DO");
        // One incident resolved and waiting for finalisation (it makes the WASHUP action, open), one still being fixed.
        UUID resolved = UUID.randomUUID();
        UUID fixing = UUID.randomUUID();
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentResolved", resolved, "SEV3", team, "RESOLVED");
        sendIncidentEvent(UUID.randomUUID().toString(), "IncidentStatusChanged", fixing, "SEV3", team, "FIXING");
        awaitKnownIncident(incidents, resolved, "RESOLVED");
        awaitKnownIncident(incidents, fixing, "FIXING");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given()
                .queryParam("incidentId", resolved.toString()).when().get("/api/actions")
                .then().statusCode(200).body("size()", equalTo(1)));
        clock.advance(Duration.ofDays(2));

        assertEquals(0, weeklyReports.tick(), "daff.actions.weekly-report.enabled is false in the test profile");
        assertTrue(weeklyReports.send() >= 1);
        weeklyReports.send(); // the same week again: nothing more

        // open: overdue one, not-due one, the WASHUP; overdue: the first; closed this week: done and declined;
        // systemic: doneLongAgo and the not-due one of five chosen actions (WASHUP left out)
        given().when().get("/api/teams/" + team + "/actions/report").then().statusCode(200)
                .body("open", equalTo(3)).body("overdue", equalTo(1)).body("closedLast7Days", equalTo(2))
                .body("systemicShare", equalTo(0.4f)).body("incidentsAwaitingFinalisation", equalTo(1));

        // A reminder after both runs, on the team's key: a second report would come before it.
        String marker = create(incidentId, team, "LOCAL", clock.instant().minus(Duration.ofMinutes(1)));
        reminders.check();
        List<ConsumerRecord<String, String>> seen = KafkaTestClient.read(kafka(), Topics.TEAM_NOTICES,
                r -> team.equals(r.key()) && ("WeeklyActionReport".equals(json(r).path("type").asText())
                        || marker.equals(json(r).path("actionId").asText())), 2, Duration.ofSeconds(30));
        assertEquals(2, seen.size(), "the report, then the marker");
        assertEquals(marker, json(seen.get(1)).path("actionId").asText(), "one report per team and week, however often it runs");
        List<ConsumerRecord<String, String>> reports = seen.subList(0, 1);
        JsonNode weekly = json(reports.get(0)).path("weekly");
        assertEquals(3, weekly.path("open").asInt());
        assertEquals(1, weekly.path("overdue").asInt());
        assertEquals(2, weekly.path("closedLast7Days").asInt());
        assertEquals(0.4, weekly.path("systemicShare").asDouble(), 1e-9);
        assertEquals(1, weekly.path("incidentsAwaitingFinalisation").asInt());
        assertTrue(weekly.path("week").asText().matches("\\d{4}-W\\d{2}"));
        assertEquals(team, json(reports.get(0)).path("team").asText());
    }

    /**
     * Which teams get the week's report: every team with an open action or one closed in the last 7 days, and no team
     * whose actions all closed before that (the README's promise, which only "at least one report" showed).
     */
    @Test
    void theWeeksReportGoesToTeamsWithAnOpenActionOrOneClosedThisWeekOnly() {
        String quiet = "quiet-" + UUID.randomUUID().toString().substring(0, 8);
        String recent = "recent-" + UUID.randomUUID().toString().substring(0, 8);
        String busy = "busy-" + UUID.randomUUID().toString().substring(0, 8);
        UUID incidentId = UUID.randomUUID();
        move(create(incidentId, quiet, "LOCAL", null), "DONE");
        clock.advance(Duration.ofDays(7));
        move(create(incidentId, recent, "LOCAL", null), "WONT_DO");
        clock.advance(Duration.ofDays(3)); // quiet's action closed 10 days ago, recent's 3
        create(incidentId, busy, "LOCAL", clock.instant().plus(Duration.ofDays(30)));

        // A week no other test reports on, so this run is its first.
        String week = "29" + (10 + new java.util.Random().nextInt(90)) + "-W" + (10 + new java.util.Random().nextInt(43));
        assertTrue(weeklyReports.send(week) >= 2);
        for (String team : List.of(recent, busy)) {
            assertEquals(1, KafkaTestClient.read(kafka(), Topics.TEAM_NOTICES, r -> team.equals(r.key())
                    && "WeeklyActionReport".equals(json(r).path("type").asText())
                    && week.equals(json(r).path("weekly").path("week").asText()), 1, Duration.ofSeconds(30)).size(), team);
        }
        // A reminder on the quiet team's key after the run: a report to it would have come before.
        String marker = create(incidentId, quiet, "LOCAL", clock.instant().minus(Duration.ofMinutes(1)));
        reminders.check();
        List<ConsumerRecord<String, String>> quietNotices = KafkaTestClient.read(kafka(), Topics.TEAM_NOTICES,
                r -> quiet.equals(r.key()), 1, Duration.ofSeconds(30));
        assertEquals(marker, json(quietNotices.get(0)).path("actionId").asText(), "no report for a team quiet all week");
    }

    /**
     * The week's report is due at the cron's time (Monday 08:00 UTC) and not before; a database that refused it then
     * only delays it to the next check, where it went out the next Monday before.
     */
    @Test
    void theWeeksReportWaitsForItsTimeAndADatabaseThatRefusedThenOnlyDelaysIt() throws Exception {
        String team = "weekly-late-" + UUID.randomUUID().toString().substring(0, 8);
        Instant now = clock.instant();
        Instant mondaySeven = now.atZone(ZoneOffset.UTC).plusWeeks(2).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
                .truncatedTo(ChronoUnit.DAYS).plusHours(7).toInstant();
        clock.advance(Duration.between(now, mondaySeven));
        create(UUID.randomUUID(), team, "LOCAL", clock.instant().plus(Duration.ofDays(20)));
        assertEquals(0, weeklyReports.sendIfDue(), "not due before Monday 08:00");

        clock.advance(Duration.ofMinutes(61));
        try (DatabaseRefusals refusing = DatabaseRefusals.refuse(database, "weekly_report_run", "insert on weekly_report_run",
                "true", "57P03", 1)) {
            assertThrows(RuntimeException.class, () -> weeklyReports.sendIfDue(), "the check at 08:01 fails");
        }
        clock.advance(Duration.ofMinutes(5));
        assertTrue(weeklyReports.sendIfDue() >= 1, "the next check sends the week's reports");
        assertEquals(0, weeklyReports.sendIfDue(), "and only once");
        List<ConsumerRecord<String, String>> reports = KafkaTestClient.read(kafka(), Topics.TEAM_NOTICES,
                r -> team.equals(r.key()) && "WeeklyActionReport".equals(json(r).path("type").asText()), 1,
                Duration.ofSeconds(30));
        assertEquals(1, reports.size());
        java.time.ZonedDateTime at = clock.instant().atZone(ZoneOffset.UTC);
        assertEquals("%d-W%02d".formatted(at.get(java.time.temporal.IsoFields.WEEK_BASED_YEAR),
                at.get(java.time.temporal.IsoFields.WEEK_OF_WEEK_BASED_YEAR)),
                json(reports.get(0)).path("weekly").path("week").asText());
    }

    /**
     * Every pooled connection gives up on a database that stops answering (a host lost without a reset) after a
     * minute, rather than after TCP's quarter of an hour with this service's consumers stalled on it.
     */
    @Test
    void everyDatabaseConnectionGivesUpOnAnAnswerAfterAMinute() throws Exception {
        try (java.sql.Connection connection = database.getConnection()) {
            assertEquals(60_000, connection.getNetworkTimeout());
        }
    }
}
