package dev.daff.slo.paging;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.events.Topics;
import dev.daff.localinfra.DatabaseRefusals;
import dev.daff.localinfra.KafkaTestClient;
import dev.daff.localinfra.RealInfrastructureResource;
import dev.daff.localinfra.RecordingReceiver;
import dev.daff.localinfra.RecordingReceiver.Received;
import dev.daff.localinfra.TestTokens;
import dev.daff.localinfra.SimulatedClock;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import dev.daff.slo.paging.delivery.PageDispatcher;

/** Delivery is concurrent and every attempt has a hard deadline, so one hanging receiver delays nobody else. */
@QuarkusTest
@QuarkusTestResource(value = PagingReceiverResource.class, restrictToAnnotatedClass = false)
class PageDeliveryTest {

    @Inject
    SimulatedClock clock;

    @Inject
    PagingConfig config;

    @Inject
    PageDispatcher dispatcher;

    @Inject
    DataSource database;

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    @Test
    void aReceiverThatAnswersAfterTheDeadlineIsGivenLongerOnTheRetryNotADozenCopies() {
        // A receiver that takes a page and answers 6 s later (a cold start): the first attempt's 5 s deadline passes,
        // so it is sent again (nobody can know it arrived); the retry waits twice as long and is answered. With the
        // one deadline for every attempt, each retry timed out too, and the receiver got all twelve.
        try (RecordingReceiver late = RecordingReceiver.start()) {
            Duration answersAfter = config.deliveryTimeout().plusSeconds(1);
            late.onReceive(request -> {
                try {
                    Thread.sleep(answersAfter.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            String team = PagingFixtures.soloTeam(clock, "sre-late-answer", "gus",
                    "{\"type\": \"webhook\", \"url\": \"" + late.url("/hook/late") + "\"}");
            PagingFixtures.publish(team, PagingFixtures.alert(clock, "AlertFired", team, "dns-late", "dns-late:PAGE:1"));
            String id = PagingFixtures.awaitPage(team);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/pages/" + id).then()
                    .body("notifications[0].deliveryLog.error", contains("timeout")));

            clock.advance(Duration.ofSeconds(2)); // past the first backoff (1 s ± 20 %)
            dispatcher.deliverDue();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/pages/" + id).then()
                    .body("notifications[0].status", equalTo("DELIVERED"))
                    .body("notifications[0].deliveryLog.statusCode", contains(null, 200)));
            assertEquals(2, late.received(r -> true).size(), "two copies: the late-answered one and its retry");
        }
    }

    @Test
    void aDeliveryWhoseOutcomeTheDatabaseRefusedForAMomentIsRecordedNotSentAgain() throws Exception {
        // The receiver answers 200; then recording the attempt fails eight times, for about 20 s, as a database in a
        // failover fails (a transient SQLSTATE, injected by a trigger for this receiver's notifications only), and the
        // ninth try works: recording gave up after seven tries (12 s) and the page went out again after its lease.
        String receiver = PagingFixtures.receiver().url("/hook/record-blip");
        try (DatabaseRefusals refusing = DatabaseRefusals.refuse(database, "record_blip", "insert on delivery_attempt",
                "exists (select 1 from page_notification n where n.id = new.notification_id and n.endpoint = '"
                        + receiver + "')", "40001", 8)) {
            String team = PagingFixtures.soloTeam(clock, "sre-record-blip", "fay",
                    "{\"type\": \"webhook\", \"url\": \"" + receiver + "\"}");
            PagingFixtures.publish(team, PagingFixtures.alert(clock, "AlertFired", team, "dns-blip", "dns-blip:PAGE:1"));
            String id = PagingFixtures.awaitPage(team);
            await().atMost(Duration.ofSeconds(45)).untilAsserted(() -> given().when().get("/api/pages/" + id).then()
                    .body("notifications[0].status", equalTo("DELIVERED")).body("notifications[0].deliveryLog", hasSize(1)));

            clock.advance(config.deliveryTimeout().plus(Duration.ofMinutes(1))); // past any lease of the attempt
            dispatcher.deliverDue();
            given().when().get("/api/pages/" + id).then().body("notifications[0].deliveryLog", hasSize(1));
            assertEquals(1, PagingFixtures.receiver().received(r -> r.path().equals("/hook/record-blip")).size(),
                    "one page at the receiver");
        }
    }

    @Test
    void aWebhookThatSendsHeadersThenStallsDoesNotHoldUpAnotherTeamsPagerDutyPage() throws Exception {
        Duration deadline = config.deliveryTimeout();
        try (StallingReceiver stalling = StallingReceiver.start()) {
            String stalled = PagingFixtures.soloTeam(clock, "sre-stalled", "dan",
                    "{\"type\": \"webhook\", \"url\": \"" + stalling.url("/hook") + "\"}");
            String other = PagingFixtures.soloTeam(clock, "sre-unaffected", "erin",
                    "{\"type\": \"pagerduty\", \"routingKey\": \"rk-sre-unaffected\"}");

            PagingFixtures.publish(stalled, PagingFixtures.alert(clock, "AlertFired", stalled, "dns-stalled",
                    "dns-stalled:PAGE:BURN_RATE:1"));
            await().atMost(Duration.ofSeconds(20)).until(() -> stalling.arrivals().size() == 1);
            Instant stallBegan = stalling.arrivals().get(0); // headers answered, the body is not coming

            Instant published = Instant.now();
            PagingFixtures.publish(other, PagingFixtures.alert(clock, "AlertFired", other, "dns-unaffected",
                    "dns-unaffected:PAGE:BURN_RATE:1"));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> PagingFixtures.pagerDuty("rk-sre-unaffected", "trigger").size() == 1);
            Instant paged = PagingFixtures.pagerDuty("rk-sre-unaffected", "trigger").get(0).at();
            // Delivered one after the other, the page would wait out the stalled attempt's deadline (or forever without
            // one); delivered side by side it is there long before half of it has passed.
            Duration heldUpFor = Duration.between(stallBegan, paged);
            assertTrue(heldUpFor.compareTo(deadline.dividedBy(2)) < 0, "PagerDuty had the other team's page "
                    + heldUpFor.toMillis() + " ms after the webhook stalled; the attempt deadline is " + deadline.toMillis() + " ms");
            assertTrue(Duration.between(published, paged).compareTo(deadline) < 0);

            // The stalled attempt ends at its deadline, as a timeout, and is queued for a retry.
            String id = PagingFixtures.awaitPage(stalled);
            await().atMost(deadline.plusSeconds(20)).untilAsserted(() -> given().when().get("/api/pages/" + id).then()
                    .body("notifications[0].deliveryLog", hasSize(1)));
            Map<String, Object> attempt = given().when().get("/api/pages/" + id).then().extract()
                    .path("notifications[0].deliveryLog[0]");
            assertNull(attempt.get("statusCode"));
            assertEquals("timeout", attempt.get("error"), attempt.toString());
            long tookMs = ((Number) attempt.get("durationMs")).longValue();
            assertTrue(tookMs >= deadline.toMillis() && tookMs < deadline.toMillis() + 3_000,
                    "the attempt was cut off at its deadline, not later: " + tookMs + " ms");
            given().when().get("/api/pages/" + id).then().body("notifications[0].status", equalTo("PENDING"));
        }
    }

    @Test
    void aChannelWhoseNameServerDoesNotAnswerIsCutOffAtTheDeadlineAndItsTeamCanStillBeChanged() {
        // A zone's DNS down: the host's lookup is never answered. The attempt used to wait in the JDK's resolver,
        // which has no timeout, past its deadline and its lease (another replica sent the page as well); and a
        // change to the team's rota waited with it.
        Duration deadline = config.deliveryTimeout();
        String silentHost = "http://pager.dns.test:";
        String url = PagingFixtures.receiver().url("/hook/dns-silent").replace("http://localhost:", silentHost);
        String channel = "{\"type\": \"webhook\", \"url\": \"" + url + "\"}";
        String team = PagingFixtures.soloTeam(clock, "sre-dns-silent", "ivy", channel);
        SilentNameServer.silence("pager.dns.test");
        try {
            PagingFixtures.publish(team, PagingFixtures.alert(clock, "AlertFired", team, "dns-silent", "dns-silent:PAGE:1"));
            String id = PagingFixtures.awaitPage(team);
            await().atMost(deadline.plusSeconds(15)).untilAsserted(() -> given().when().get("/api/pages/" + id).then()
                    .body("notifications[0].deliveryLog", hasSize(1)));
            assertTrue(SilentNameServer.waiting() > 0, "the name server has not answered yet");
            Map<String, Object> attempt = given().when().get("/api/pages/" + id).then().extract()
                    .path("notifications[0].deliveryLog[0]");
            assertEquals("timeout", attempt.get("error"), attempt.toString());
            long tookMs = ((Number) attempt.get("durationMs")).longValue();
            assertTrue(tookMs >= deadline.toMillis() && tookMs < deadline.toMillis() + 3_000,
                    "the attempt was cut off at its deadline: " + tookMs + " ms");
            given().when().get("/api/pages/" + id).then().body("notifications[0].status", equalTo("PENDING"));

            // The rota can still be changed: the lookup waits a little, and the send checks the host again.
            PagingFixtures.soloTeam(clock, team, "jon", channel);
            given().when().get("/api/teams/" + team).then().body("members.handle", contains("jon"));
            assertTrue(SilentNameServer.waiting() > 0, "the name server has still not answered");
        } finally {
            SilentNameServer.answerAgain();
        }
    }

    @Test
    void receiversThatHangTogetherLeaveWorkersForEveryOtherPage() throws Exception {
        // One team's ten channels all behind one host that hangs: more attempts than the replica has workers.
        Duration deadline = config.deliveryTimeout();
        try (StallingReceiver stalling = StallingReceiver.start()) {
            String channels = IntStream.range(0, 10)
                    .mapToObj(i -> "{\"type\": \"webhook\", \"url\": \"" + stalling.url("/hook/" + i) + "\"}")
                    .collect(Collectors.joining(", "));
            assertTrue(10 > config.deliveryConcurrency(), "the flood must outnumber the workers");
            String flooded = PagingFixtures.soloTeam(clock, "sre-flooded", "gus", channels);
            String bystander = PagingFixtures.soloTeam(clock, "sre-bystander", "hana",
                    "{\"type\": \"pagerduty\", \"routingKey\": \"rk-sre-bystander\"}");

            PagingFixtures.publish(flooded, PagingFixtures.alert(clock, "AlertFired", flooded, "dns-flooded",
                    "dns-flooded:PAGE:BURN_RATE:1"));
            await().atMost(Duration.ofSeconds(20)).until(() -> !stalling.arrivals().isEmpty());
            Instant published = Instant.now();
            PagingFixtures.publish(bystander, PagingFixtures.alert(clock, "AlertFired", bystander, "dns-bystander",
                    "dns-bystander:PAGE:BURN_RATE:1"));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> PagingFixtures.pagerDuty("rk-sre-bystander", "trigger").size() == 1);
            Duration waited = Duration.between(published, PagingFixtures.pagerDuty("rk-sre-bystander", "trigger").get(0).at());
            assertTrue(waited.compareTo(deadline.dividedBy(2)) < 0, "the bystander's page waited " + waited.toMillis()
                    + " ms behind the hanging host; the attempt deadline is " + deadline.toMillis() + " ms");

            // The host comes back: every one of the flood's notifications is still sent, none given up.
            stalling.release();
            String page = PagingFixtures.awaitPage(flooded);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                clock.advance(Duration.ofSeconds(2)); // past a first retry's backoff; far from the page's escalation
                dispatcher.deliverDue();
                given().when().get("/api/pages/" + page).then().body("notifications", hasSize(10))
                        .body("notifications.status", everyItem(equalTo("DELIVERED")));
            });
        }
    }

    /**
     * A page goes before team notices queued ahead of it in its lane. The weekly reports and reminders at 09:00 queue
     * hundreds of notices, and a page fired a moment later waited behind every one of them, and behind their retries:
     * claims went by queue order alone. Here a lane's worth of one team's notices, two of another's and then a page
     * all wait for their retry (the receiver was down); when it is due, the page is among the first the lane takes.
     */
    @Test
    void aPageGoesAheadOfTeamNoticesQueuedBeforeItInItsLane() throws Exception {
        try (StallingReceiver stalling = StallingReceiver.start()) {
            stalling.refusing(true);
            int lane = Math.max(1, config.deliveryConcurrency() / 2);
            String paged = noticedTeam("sre-noticed", "ivy", stalling.url("/page"),
                    IntStream.range(0, lane).mapToObj(i -> stalling.url("/first/" + i)).toList());
            String other = noticedTeam("sre-noticed-too", "jo", null, List.of(stalling.url("/second/0"),
                    stalling.url("/second/1")));
            String kafka = RealInfrastructureResource.kafka().bootstrapServers();
            String first = UUID.randomUUID().toString();
            KafkaTestClient.send(kafka, Topics.TEAM_NOTICES, paged, PagingFixtures.notice(first, paged, "report " + first));
            await().atMost(Duration.ofSeconds(20)).until(() -> awaitingRetry(first) == lane);
            String second = UUID.randomUUID().toString();
            KafkaTestClient.send(kafka, Topics.TEAM_NOTICES, other, PagingFixtures.notice(second, other, "report " + second));
            await().atMost(Duration.ofSeconds(20)).until(() -> awaitingRetry(second) == 2);
            PagingFixtures.publish(paged, PagingFixtures.alert(clock, "AlertFired", paged, "dns-noticed",
                    "dns-noticed:PAGE:BURN_RATE:1"));
            String page = PagingFixtures.awaitPage(paged);
            // the page's trigger to ivy and to each of the team's channels
            await().atMost(Duration.ofSeconds(20)).until(() -> awaitingRetry(page) == lane + 1);

            stalling.refusing(false); // now it hangs: the lane takes as many as it may, and they stay
            clock.advance(Duration.ofSeconds(2)); // past the first backoff (1 s ± 20 %) of every one of them
            dispatcher.deliverDue();
            await().atMost(Duration.ofSeconds(20)).until(() -> stalling.bodies().size() >= lane);
            List<String> taken = stalling.bodies().subList(0, lane);
            assertTrue(taken.stream().anyMatch(body -> body.contains("page.triggered")), "the lane took " + taken);
        }
    }

    /** A team whose notices go to {@code noticeUrls}; its one member's page to {@code pageUrl}, when there is one. */
    private String noticedTeam(String team, String member, String pageUrl, List<String> noticeUrls) {
        String memberChannels = pageUrl == null ? "" : "{\"type\": \"webhook\", \"url\": \"" + pageUrl + "\"}";
        String teamChannels = noticeUrls.stream().map(url -> "{\"type\": \"webhook\", \"url\": \"" + url + "\"}")
                .collect(Collectors.joining(", "));
        given().contentType(ContentType.JSON).body("""
                {"members": [{"handle": "%s", "channels": [%s]}], "channels": [%s],
                 "rotation": {"members": ["%1$s"], "shiftLength": "P1D", "startsAt": "%s", "timeZone": "UTC"}}
                """.formatted(member, memberChannels, teamChannels, clock.instant().minus(Duration.ofHours(1))))
                .when().put("/api/teams/" + team).then().statusCode(200);
        return team;
    }

    /** How many notifications mentioning {@code text} (a notice's event id, a page's id) wait for a retry. */
    private long awaitingRetry(String text) throws Exception {
        try (var connection = database.getConnection(); var query = connection.prepareStatement("""
                select count(*) from page_notification
                where status = 'PENDING' and attempts > 0 and (body like ? or cast(page_id as text) = ?)""")) {
            query.setString(1, "%" + text + "%");
            query.setString(2, text);
            try (var rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    @Test
    void notificationsOfOnePageToOneChannelGoOutInTheOrderTheyWereQueued() {
        // Deliveries run in parallel, yet a page's resolve must never reach a channel before its trigger.
        RecordingReceiver receiver = PagingFixtures.receiver();
        String team = PagingFixtures.soloTeam(clock, "sre-order", "frank",
                "{\"type\": \"webhook\", \"url\": \"" + receiver.url("/hook/sre-order") + "\"}");
        receiver.script("/hook/sre-order", 503); // the trigger needs a retry
        PagingFixtures.publish(team, PagingFixtures.alert(clock, "AlertFired", team, "dns-order", "dns-order:PAGE:BURN_RATE:1"));
        String id = PagingFixtures.awaitPage(team);
        PagingFixtures.publish(team, PagingFixtures.alert(clock, "AlertResolved", team, "dns-order", "dns-order:PAGE:BURN_RATE:1"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/pages/" + id).then()
                .body("state", equalTo("RESOLVED")).body("notifications", hasSize(2))
                .body("notifications[0].deliveryLog", hasSize(1)));
        dispatcher.deliverDue();
        assertEquals(List.of("page.triggered"), types(receiver.received(r -> r.path().equals("/hook/sre-order"))),
                "the resolve waits while its trigger waits for its retry");

        // Past the first backoff (1 s ± 20 %): the retry of a trigger whose page has resolved is not sent, and the
        // resolve goes after it (the 503 may have been answered after the trigger was taken).
        clock.advance(Duration.ofSeconds(2));
        dispatcher.deliverDue();
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received(r -> r.path().equals("/hook/sre-order")).size() == 2);
        assertEquals(List.of("page.triggered", "page.resolved"),
                types(receiver.received(r -> r.path().equals("/hook/sre-order"))));
        given().when().get("/api/pages/" + id).then().body("notifications.status", contains("CANCELLED", "DELIVERED"));
    }

    static List<String> types(List<Received> received) {
        return received.stream().map(r -> r.body().replaceAll("(?s).*?\"type\":\"(page\\.[a-z]+)\".*", "$1")).toList();
    }
}
