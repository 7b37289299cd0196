package dev.daff.incident;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.events.Topics;
import dev.daff.incident.alerts.SloAlertConsumer;
import dev.daff.localinfra.RealInfrastructureResource;
import dev.daff.localinfra.TestTokens;
import dev.daff.localinfra.KafkaTestClient;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class AlertIncidentsTest {

    @Inject
    SloAlertConsumer alerts;

    @Inject
    AgroalDataSource database;

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    static String alert(String eventId, String type, String dedupKey, String service, String severity) {
        return alert(eventId, type, dedupKey, service, severity, "1h/5m");
    }

    static String alert(String eventId, String type, String dedupKey, String service, String severity, String tier) {
        return """
                {"eventId": "%s", "type": "%s", "version": 1, "alertId": "%s", "dedupKey": "%s", "slo": "%s-availability",
                 "service": "%s", "team": "edge", "severity": "%s", "kind": "BURN_RATE", "tier": "%s",
                 "burnRateLong": 20.5, "burnRateShort": 30.1, "threshold": 14.4, "budgetRemaining": 0.93,
                 "firedAt": "%s", "resolvedAt": %s, "occurredAt": "%s"}
                """.formatted(eventId, type, UUID.randomUUID(), dedupKey, service, service, severity, tier, Instant.now(),
                type.equals("AlertResolved") ? "\"" + Instant.now() + "\"" : "null", Instant.now());
    }

    /**
     * A PAGE that fires while its service's incident is being resolved is not filed on the incident that is closing:
     * the burn is back and needs an incident of its own. The test holds the incident's row as a resolving transaction
     * does, and resolves it once the alert has arrived.
     */
    @Test
    void aPageFiringWhileItsIncidentIsBeingResolvedOpensANewIncident() throws Exception {
        String service = "race-" + UUID.randomUUID().toString().substring(0, 8);
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        KafkaTestClient.send(kafka, Topics.SLO_ALERTS, service, alert(UUID.randomUUID().toString(), "AlertFired",
                service + ":PAGE:BURN_RATE:1", service, "PAGE"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().queryParam("service", service)
                .when().get("/api/incidents").then().statusCode(200).body("items", hasSize(1)));
        String resolved = given().queryParam("service", service).when().get("/api/incidents").then()
                .extract().path("items[0].id");
        try (Connection resolving = database.getConnection(); Statement statement = resolving.createStatement()) {
            resolving.setAutoCommit(false);
            statement.executeQuery("select id from incident where id = '" + resolved + "' for update").close();
            KafkaTestClient.send(kafka, Topics.SLO_ALERTS, service, alert(UUID.randomUUID().toString(), "AlertFired",
                    service + ":PAGE:BURN_RATE:2", service, "PAGE"));
            // the alert's consumer now waits for the row, or (filing it on the closing incident) has done with it
            await().atMost(Duration.ofSeconds(20)).until(() -> waitingForALock() || alertsFiled(resolved) == 2);
            statement.executeUpdate("update incident set status = 'RESOLVED', resolved_at = now() where id = '"
                    + resolved + "'");
            resolving.commit();
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().queryParam("service", service)
                .when().get("/api/incidents").then().statusCode(200).body("items", hasSize(2)));
        String reopened = given().queryParam("service", service).queryParam("status", "DISCOVERED").when()
                .get("/api/incidents").then().extract().path("items[0].id");
        assertEquals(1, alertsFiled(resolved), "the resolved incident keeps only its own alert");
        assertEquals(1, alertsFiled(reopened), "the new burn is on an incident of its own");
    }

    /**
     * Two incidents cover the service and the older is being resolved when a PAGE fires: the alert joins the newer
     * one. Before, only the oldest was looked at, and finding it resolved opened a third incident.
     */
    @Test
    void aPageFiringWhileTheOlderOfTwoIncidentsIsBeingResolvedJoinsTheNewer() throws Exception {
        String service = "pair-" + UUID.randomUUID().toString().substring(0, 8);
        String opened = IncidentLifecycleTest.CHECKOUT_DOWN.replace("\"checkout\"", "\"" + service + "\"");
        String older = IncidentLifecycleTest.open(opened);
        String newer = IncidentLifecycleTest.open(opened);
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            // Opened within the same millisecond, they would be told apart by their random ids.
            statement.executeUpdate("update incident set detected_at = detected_at - interval '1 hour' where id = '"
                    + older + "'");
        }
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        try (Connection resolving = database.getConnection(); Statement statement = resolving.createStatement()) {
            resolving.setAutoCommit(false);
            statement.executeQuery("select id from incident where id = '" + older + "' for update").close();
            KafkaTestClient.send(kafka, Topics.SLO_ALERTS, service, alert(UUID.randomUUID().toString(), "AlertFired",
                    service + ":PAGE:BURN_RATE:1", service, "PAGE"));
            await().atMost(Duration.ofSeconds(20)).until(() -> waitingForALock() || alertsFiled(older) == 1);
            statement.executeUpdate("update incident set status = 'RESOLVED', resolved_at = now() where id = '"
                    + older + "'");
            resolving.commit();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> alertsFiled(newer) == 1);
        given().queryParam("service", service).when().get("/api/incidents").then().statusCode(200)
                .body("items", hasSize(2));
        assertEquals(0, alertsFiled(older), "the incident being resolved does not take the alert");
    }

    /**
     * A PAGE that fires while its service's resolved incident is being reopened joins the reopened incident. The test
     * stalls the reopen just before it commits (holding the lock its event's outbox key takes), sends the page, then
     * lets the reopen go. Before, the alert read the incident as resolved and opened a second one beside it.
     */
    @Test
    void aPageFiringWhileItsIncidentIsBeingReopenedJoinsIt() throws Exception {
        String service = "reopen-" + UUID.randomUUID().toString().substring(0, 8);
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        KafkaTestClient.send(kafka, Topics.SLO_ALERTS, service, alert(UUID.randomUUID().toString(), "AlertFired",
                service + ":PAGE:BURN_RATE:1", service, "PAGE"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().queryParam("service", service)
                .when().get("/api/incidents").then().statusCode(200).body("items", hasSize(1)));
        String id = given().queryParam("service", service).when().get("/api/incidents").then()
                .extract().path("items[0].id");
        for (String to : new String[] { "ANALYSING", "FIXING", "RESOLVED" }) {
            IncidentLifecycleTest.move(id, to);
        }
        int reopened = heldAtItsOutbox(id, () -> given().contentType("application/json").body("{\"to\": \"FIXING\"}")
                .when().post("/api/incidents/" + id + "/transitions").statusCode(), () -> {
                    KafkaTestClient.send(kafka, Topics.SLO_ALERTS, service, alert(UUID.randomUUID().toString(),
                            "AlertFired", service + ":PAGE:BURN_RATE:2", service, "PAGE"));
                    // the alert now waits for the reopen, or (reading the incident as resolved) has opened another
                    await().atMost(Duration.ofSeconds(20))
                            .until(() -> lockWaits("advisory") >= 2 || incidentsOf(service) == 2);
                });
        assertEquals(200, reopened);
        await().atMost(Duration.ofSeconds(20)).until(() -> alertsFiled(id) == 2 || incidentsOf(service) == 2);
        assertEquals(1, incidentsOf(service), "the page joins the reopened incident");
        assertEquals(2, alertsFiled(id));
    }

    /**
     * A PATCH that adds a service to an incident takes the service's lock as an alert of it does: a page for that
     * service arriving while the PATCH commits waits for it and joins the incident. Not seeing the uncommitted change,
     * it opened a second incident beside it (helper-71).
     */
    @Test
    void aPageForAServiceBeingAddedToAnIncidentJoinsIt() throws Exception {
        String first = "patched-" + UUID.randomUUID().toString().substring(0, 8);
        String added = "added-" + UUID.randomUUID().toString().substring(0, 8);
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        String id = IncidentLifecycleTest.open(IncidentLifecycleTest.CHECKOUT_DOWN.replace("checkout", first));
        int version = given().when().get("/api/incidents/" + id).then().extract().path("version");
        int patched = heldAtItsOutbox(id, () -> given().contentType("application/json")
                .body("{\"version\": " + version + ", \"services\": [\"" + first + "\", \"" + added + "\"]}")
                .when().patch("/api/incidents/" + id).statusCode(), () -> {
                    KafkaTestClient.send(kafka, Topics.SLO_ALERTS, added, alert(UUID.randomUUID().toString(),
                            "AlertFired", added + ":PAGE:BURN_RATE:1", added, "PAGE"));
                    // the page now waits for the PATCH, or (not seeing the service on the incident) has opened another
                    await().atMost(Duration.ofSeconds(20))
                            .until(() -> lockWaits("advisory") >= 2 || incidentsOf(added) >= 1);
                });
        assertEquals(200, patched);
        await().atMost(Duration.ofSeconds(20)).until(() -> alertsFiled(id) == 1 || incidentsOf(added) == 2);
        assertEquals(1, incidentsOf(added), "the page joins the incident the service was added to");
        assertEquals(1, alertsFiled(id));
    }

    /** What runs while a change is held. */
    @FunctionalInterface
    private interface Meanwhile {
        void run() throws Exception;
    }

    /**
     * Sends {@code change} (a request that changes incident {@code id}) from another thread and holds it at its outbox
     * write, inside its transaction, the key's lock taken here; runs {@code meanwhile}, then lets it commit. Answers its
     * status.
     */
    private int heldAtItsOutbox(String id, java.util.concurrent.Callable<Integer> change, Meanwhile meanwhile)
            throws Exception {
        ExecutorService changer = Executors.newSingleThreadExecutor();
        try (Connection outbox = database.getConnection(); Statement statement = outbox.createStatement()) {
            outbox.setAutoCommit(false);
            statement.executeQuery("select pg_advisory_xact_lock(hashtextextended('" + Topics.INCIDENT_EVENTS
                    + "' || chr(10) || '" + id + "', 0))").close();
            Future<Integer> status = changer.submit(change);
            await().atMost(Duration.ofSeconds(20)).until(() -> lockWaits("advisory") >= 1);
            meanwhile.run();
            outbox.commit();
            return status.get(20, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            changer.shutdownNow();
        }
    }

    private int incidentsOf(String service) {
        return given().queryParam("service", service).when().get("/api/incidents").then().statusCode(200)
                .extract().path("items.size()");
    }

    /** Sessions of this database waiting for a lock ({@code kind}: "advisory", say; "" for any). */
    private int lockWaits(String kind) throws Exception {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
                ResultSet waiting = statement.executeQuery("select count(*) from pg_stat_activity where"
                        + " wait_event_type = 'Lock' and datname = current_database()"
                        + (kind.isEmpty() ? "" : " and wait_event = '" + kind + "'"))) {
            waiting.next();
            return waiting.getInt(1);
        }
    }

    private int alertsFiled(String incident) {
        return given().when().get("/api/incidents/" + incident + "/timeline").then().statusCode(200).extract()
                .path("findAll { it.kind == 'ALERT_FIRED' }.size()");
    }

    private boolean waitingForALock() throws Exception {
        return lockWaits("") > 0;
    }

    @Test
    void aPageOpensOneIncidentEvenWhenDeliveredTwiceAndASecondAlertAttaches() {
        String service = "dns-" + UUID.randomUUID().toString().substring(0, 8);
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        String fired = alert(UUID.randomUUID().toString(), "AlertFired", service + ":PAGE:BURN_RATE:1", service, "PAGE");
        KafkaTestClient.send(kafka, Topics.SLO_ALERTS, service, fired);
        KafkaTestClient.send(kafka, Topics.SLO_ALERTS, service, fired);
        KafkaTestClient.send(kafka, Topics.SLO_ALERTS, service,
                alert(UUID.randomUUID().toString(), "AlertFired", service + ":PAGE:NO_DATA:2", service, "PAGE"));
        KafkaTestClient.send(kafka, Topics.SLO_ALERTS, service,
                alert(UUID.randomUUID().toString(), "AlertResolved", service + ":PAGE:BURN_RATE:1", service, "PAGE"));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().queryParam("service", service)
                .when().get("/api/incidents")
                .then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].detectionSource", equalTo("SLO_BURN"))
                .body("items[0].severity", equalTo("SEV2")));
        String id = given().queryParam("service", service).when().get("/api/incidents").then().extract().path("items[0].id");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/incidents/" + id + "/timeline")
                .then().statusCode(200)
                .body("kind", contains("OPENED", "ALERT_FIRED", "ALERT_FIRED", "ALERT_RESOLVED"))
                .body("actor", hasItem("daff-slo-alerts")));
        given().when().get("/api/incidents/" + id).then().body("status", equalTo("DISCOVERED"));
    }

    /**
     * A PAGE's AlertFired dead-lettered (its replica's clock ahead, say) and its AlertResolved applied first: when the
     * firing is replayed, the incident records the clearing too. Before, the clearing was dropped (no incident linked
     * yet) and marked processed, and the incident said the alert was still firing, for good (helper-59).
     */
    @Test
    void aPagesClearingHeardOfBeforeItsFiringIsRecordedWhenTheFiringComes() {
        String service = "cleared-first-" + UUID.randomUUID().toString().substring(0, 8);
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        String key = service + ":PAGE:BURN_RATE:1";
        String fired = alert(UUID.randomUUID().toString(), "AlertFired", key, service, "PAGE");
        String resolved = alert(UUID.randomUUID().toString(), "AlertResolved", key, service, "PAGE"); // cleared after
        KafkaTestClient.send(kafka, Topics.SLO_ALERTS, service, resolved);
        KafkaTestClient.send(kafka, Topics.SLO_ALERTS, service, fired);
        awaitTheOneIncidentsTimeline(service, "OPENED", "ALERT_FIRED", "ALERT_RESOLVED");
    }

    /** Waits for {@code service}'s one incident, then for its timeline to hold these kinds of entry, in this order. */
    private static void awaitTheOneIncidentsTimeline(String service, String... kinds) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().queryParam("service", service)
                .when().get("/api/incidents").then().statusCode(200).body("items", hasSize(1)));
        String id = given().queryParam("service", service).when().get("/api/incidents").then().extract().path("items[0].id");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/incidents/" + id + "/timeline")
                .then().statusCode(200).body("kind", contains(kinds)));
    }

    /**
     * The same for a TICKET that joins its service's open incident: its clearing heard of first was dropped (kept only
     * for a PAGE), and once its firing was replayed the incident said the ticket's alert still fired, for good.
     */
    @Test
    void aTicketsClearingHeardOfBeforeItsFiringIsRecordedOnTheIncidentItJoins() {
        String service = "ticket-cleared-first-" + UUID.randomUUID().toString().substring(0, 8);
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        KafkaTestClient.send(kafka, Topics.SLO_ALERTS, service,
                alert(UUID.randomUUID().toString(), "AlertFired", service + ":PAGE:BURN_RATE:1", service, "PAGE"));
        String ticket = service + ":TICKET:BURN_RATE:1";
        String fired = alert(UUID.randomUUID().toString(), "AlertFired", ticket, service, "TICKET", "6h/30m");
        String cleared = alert(UUID.randomUUID().toString(), "AlertResolved", ticket, service, "TICKET", "6h/30m");
        KafkaTestClient.send(kafka, Topics.SLO_ALERTS, service, cleared);
        KafkaTestClient.send(kafka, Topics.SLO_ALERTS, service, fired);
        awaitTheOneIncidentsTimeline(service, "OPENED", "ALERT_FIRED", "ALERT_FIRED", "ALERT_RESOLVED");
    }

    /** The incident is detected when the alert fired, not when incident-service heard of it (a consumer behind). */
    @Test
    void anIncidentFromAPageIsDetectedWhenItsAlertFired() {
        String service = "late-" + UUID.randomUUID().toString().substring(0, 8);
        Instant fired = Instant.now().minus(Duration.ofMinutes(7)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        KafkaTestClient.send(RealInfrastructureResource.kafka().bootstrapServers(), Topics.SLO_ALERTS, service,
                alert(UUID.randomUUID().toString(), "AlertFired", service + ":PAGE:BURN_RATE:1", service, "PAGE")
                        .replaceFirst("\"firedAt\": \"[^\"]+\"", "\"firedAt\": \"" + fired + "\""));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().queryParam("service", service)
                .when().get("/api/incidents").then().body("items", hasSize(1))
                .body("items[0].detectedAt", equalTo(fired.toString())));
    }

    /**
     * A page from a slo-service replica whose clock runs ten minutes ahead opens its incident, detected when
     * incident-service heard of it (it was dead-lettered as from the future: a page with no incident).
     */
    @Test
    void aPageFromAReplicaWhoseClockRunsAheadOpensAnIncidentDetectedNow() {
        String service = "ahead-" + UUID.randomUUID().toString().substring(0, 8);
        Instant before = Instant.now();
        Instant ahead = before.plus(Duration.ofMinutes(10)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        KafkaTestClient.send(RealInfrastructureResource.kafka().bootstrapServers(), Topics.SLO_ALERTS, service,
                alert(UUID.randomUUID().toString(), "AlertFired", service + ":PAGE:BURN_RATE:1", service, "PAGE")
                        .replaceFirst("\"firedAt\": \"[^\"]+\"", "\"firedAt\": \"" + ahead + "\"")
                        .replaceFirst("\"occurredAt\": \"[^\"]+\"", "\"occurredAt\": \"" + ahead + "\""));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().queryParam("service", service)
                .when().get("/api/incidents").then().body("items", hasSize(1)));
        Instant detected = Instant.parse(given().queryParam("service", service).when().get("/api/incidents").then()
                .extract().jsonPath().getString("items[0].detectedAt"));
        assertTrue(!detected.isBefore(before.truncatedTo(java.time.temporal.ChronoUnit.MILLIS))
                && detected.isBefore(ahead), "detected " + detected + ", heard of after " + before);
    }

    @Test
    void incidentSeverityFollowsTheConfiguredMapByTier() {
        String service = "slow-" + UUID.randomUUID().toString().substring(0, 8);
        KafkaTestClient.send(RealInfrastructureResource.kafka().bootstrapServers(), Topics.SLO_ALERTS, service,
                alert(UUID.randomUUID().toString(), "AlertFired", service + ":PAGE:BURN_RATE:1", service, "PAGE", "6h/30m"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().queryParam("service", service)
                .when().get("/api/incidents").then().body("items", hasSize(1)).body("items[0].severity", equalTo("SEV3")));
    }

    @Test
    void aTicketAloneOpensNoIncident() {
        String service = "quiet-" + UUID.randomUUID().toString().substring(0, 8);
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        KafkaTestClient.send(kafka, Topics.SLO_ALERTS, service,
                alert(UUID.randomUUID().toString(), "AlertFired", service + ":TICKET:BURN_RATE:1", service, "TICKET"));
        String marker = "marker-" + UUID.randomUUID().toString().substring(0, 8);
        KafkaTestClient.send(kafka, Topics.SLO_ALERTS, marker,
                alert(UUID.randomUUID().toString(), "AlertFired", marker + ":PAGE:BURN_RATE:1", marker, "PAGE"));
        // Alerts are consumed in order on one partition: once the later page has an incident, the ticket was seen.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().queryParam("service", marker)
                .when().get("/api/incidents").then().body("items", hasSize(1)));
        given().queryParam("service", service).when().get("/api/incidents").then().body("items", hasSize(0));
    }

    @Test
    void twoPagesForOneServiceHandledAtOnceOpenOneIncident() throws Exception {
        ExecutorService replicas = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 10; round++) {
                String service = "raced-" + UUID.randomUUID().toString().substring(0, 8);
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<?>> handled = new ArrayList<>();
                for (String slo : List.of("availability", "latency")) {
                    // As two replicas' consumers would: each owns one of the two SLOs' partitions.
                    String event = alert(UUID.randomUUID().toString(), "AlertFired",
                            service + "-" + slo + ":PAGE:BURN_RATE:1", service, "PAGE");
                    handled.add(replicas.submit(() -> {
                        together.await();
                        alerts.on(event);
                        return null;
                    }));
                }
                for (Future<?> one : handled) {
                    one.get();
                }
                given().queryParam("service", service).when().get("/api/incidents").then().body("items", hasSize(1));
            }
        } finally {
            replicas.shutdown();
        }
    }
}
