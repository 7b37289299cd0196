package dev.daff.slo;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.StringJoiner;

import jakarta.inject.Inject;
import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.events.Topics;
import dev.daff.localinfra.RealInfrastructureResource;
import dev.daff.localinfra.TestTokens;
import dev.daff.localinfra.KafkaTestClient;
import dev.daff.localinfra.LocalKafka;
import dev.daff.slo.budgets.BudgetSnapshots;
import dev.daff.slo.evaluation.SloEvaluator;
import dev.daff.slo.ingest.PartitionOwners;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import dev.daff.localinfra.SimulatedClock;

@QuarkusTest
class BurnAlertTest {

    @Inject
    SimulatedClock clock;

    @Inject
    SloEvaluator evaluator;

    @Inject
    PartitionOwners owners;

    @Inject
    BudgetSnapshots budgetSnapshots;

    @Inject
    DataSource dataSource;

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    /** One observation per minute over [from, to), with {@code bad} of each minute's 1000 events failing. */
    static String traffic(Instant from, Instant to, int bad) {
        StringJoiner batch = new StringJoiner(",", "[", "]");
        for (Instant at = from; at.isBefore(to); at = at.plusSeconds(60)) {
            batch.add("{\"at\": \"" + at + "\", \"good\": " + (1000 - bad) + ", \"total\": 1000}");
        }
        return batch.toString();
    }

    void send(String slo, String batch, long expectedTotal) {
        given().contentType(ContentType.JSON).body(batch).when().post("/api/slos/" + slo + "/events").then().statusCode(202);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/slos/" + slo + "/status")
                .then().statusCode(200).body("events.total", equalTo((int) expectedTotal)));
    }

    @Test
    void aBurstIsEvaluatedWithinSecondsOfBeingCountedWithoutWaitingForTheTick() throws Exception {
        String slo = "burst-on-count";
        given().contentType(ContentType.JSON).body(SloIngestTest.slo(slo)).when().post("/api/slos").then().statusCode(201);
        Instant start = clock.instant().minus(Duration.ofHours(1));
        send(slo, traffic(start, clock.instant().minusSeconds(120), 0), 58_000);
        // The periodic tick is an hour in tests: only the evaluation the counting triggers can fire this page.
        given().contentType(ContentType.JSON).body(traffic(clock.instant().minusSeconds(120), clock.instant(), 1000))
                .when().post("/api/slos/" + slo + "/events").then().statusCode(202);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().when().get("/api/alerts?state=firing&slo=" + slo)
                .then().statusCode(200).body("", hasSize(1)).body("[0].severity", equalTo("PAGE")));

        // Other services learn where the budget stands from the snapshot on the compacted daff.slo-budgets.
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        budgetSnapshots.publish();
        JsonNode snapshot = new ObjectMapper().readTree(KafkaTestClient.read(kafka, Topics.SLO_BUDGETS,
                record -> slo.equals(record.key()) && record.value() != null, 1, Duration.ofSeconds(20)).get(0).value());
        assertEquals("SloBudgetSnapshot", snapshot.get("type").asText());
        assertEquals("checkout", snapshot.get("service").asText());
        assertTrue(snapshot.get("pageFiring").asBoolean(), snapshot.toString());
        assertTrue(snapshot.get("burnRateOneHour").asDouble() > 14.4, snapshot.toString());
        assertTrue(snapshot.get("budgetRemaining").asDouble() < 0, "two minutes down overspend an hour's budget: " + snapshot);
        // Counting is current: its counts are complete up to a moment before it was sent (a broker stall would make that
        // long ago, and the deploy gate take the budget as unknown: CountedUpToTest, incident-service's DeployGateTest).
        Instant sentAt = Instant.parse(snapshot.get("occurredAt").asText());
        Instant countedUpTo = Instant.parse(snapshot.get("countedUpTo").asText());
        assertFalse(countedUpTo.isAfter(sentAt), snapshot.toString());
        assertTrue(countedUpTo.isAfter(sentAt.minusSeconds(10)), snapshot.toString());

        // Deleting the SLO ends its episode in the same transaction: resolved here and announced (so its page resolves).
        given().when().delete("/api/slos/" + slo).then().statusCode(204);
        assertEquals(1, KafkaTestClient.read(kafka, Topics.SLO_BUDGETS, record -> slo.equals(record.key()) && record.value() == null,
                1, Duration.ofSeconds(20)).size(), "a tombstone: readers forget the SLO");
        given().when().get("/api/alerts?state=all&slo=" + slo).then().statusCode(200)
                .body("", hasSize(1)).body("[0].state", equalTo("RESOLVED"));
        List<ConsumerRecord<String, String>> resolved = KafkaTestClient.read(RealInfrastructureResource.kafka().bootstrapServers(),
                Topics.SLO_ALERTS, record -> slo.equals(record.key()) && record.value().contains("\"type\":\"AlertResolved\""),
                1, Duration.ofSeconds(20));
        assertEquals(1, resolved.size());
        given().when().get("/api/slos/" + slo + "/status").then().statusCode(404);
    }

    /**
     * The replica evaluating an SLO learns of its delete on another replica at its next tick; a round of snapshots
     * before it sent the deleted SLO's snapshot after the other replica's tombstone, and the deploy gate kept it
     * (BUDGET_UNKNOWN for good). The round tombstones it again.
     */
    @Test
    void aSnapshotRoundBetweenADeleteOnAnotherReplicaAndTheNextTickLeavesTheTombstoneLast() throws Exception {
        String slo = "deleted-between-ticks";
        given().contentType(ContentType.JSON).body(SloIngestTest.slo(slo)).when().post("/api/slos").then().statusCode(201);
        send(slo, traffic(clock.instant().minus(Duration.ofMinutes(30)), clock.instant(), 0), 30_000);
        await().atMost(Duration.ofSeconds(20)).until(() -> evaluator.evaluated().stream()
                .anyMatch(evaluated -> evaluated.name().equals(slo) && evaluated.snapshot() != null));
        // What the other replica's delete does: the row gone, then its tombstone; this replica hears nothing of it.
        try (var connection = dataSource.getConnection(); var sql = connection.createStatement()) {
            sql.execute("delete from slo where name = '" + slo + "'");
        }
        KafkaTestClient.send(RealInfrastructureResource.kafka().bootstrapServers(), Topics.SLO_BUDGETS, slo, null);
        budgetSnapshots.publish(); // before this replica's next tick
        List<ConsumerRecord<String, String>> records = KafkaTestClient.readCommitted(
                RealInfrastructureResource.kafka().bootstrapServers(), Topics.SLO_BUDGETS, Duration.ofSeconds(20))
                .stream().filter(record -> slo.equals(record.key())).toList();
        assertTrue(!records.isEmpty(), "the delete's tombstone");
        assertNull(records.get(records.size() - 1).value(), "the last word on the deleted SLO: " + records.size());
    }

    /**
     * Kafka is away when an SLO is deleted, for longer than a producer tries to deliver (10 s): a tombstone sent
     * straight after the delete's commit had been given up by then, and the deploy gate warned of an unknown budget
     * for the deleted SLO for good. Written to the outbox with the delete, it goes out once Kafka is back.
     */
    @Test
    void anSloDeletedWhileKafkaIsAwayIsTombstonedOnceItIsBack() {
        String slo = "deleted-while-kafka-away";
        given().contentType(ContentType.JSON).body(SloIngestTest.slo(slo)).when().post("/api/slos").then().statusCode(201);
        LocalKafka kafka = RealInfrastructureResource.kafka();
        kafka.stop();
        try {
            given().when().delete("/api/slos/" + slo).then().statusCode(204);
            // a real wait: what is waited out is the Kafka producer's own delivery timeout, on the wall clock
            await().pollDelay(Duration.ofSeconds(11)).atMost(Duration.ofSeconds(12)).until(() -> true);
        } finally {
            kafka.start();
        }
        assertEquals(1, KafkaTestClient.read(kafka.bootstrapServers(), Topics.SLO_BUDGETS,
                record -> slo.equals(record.key()) && record.value() == null, 1, Duration.ofSeconds(30)).size(),
                "the delete's tombstone, once Kafka is back");
        given().when().get("/api/slos/" + slo).then().statusCode(404);
    }

    /**
     * The broker stalls during an outage for longer than NO_DATA's silence and the burn's short windows: nothing is
     * counted, yet the silence is daff's, not the service's. The page stays open and no NO_DATA page goes out until
     * counting has caught up; then what the data says is judged (here: the SLO was silent indeed).
     */
    @Test
    void aBrokerThatStallsNeitherEndsAPageNorPagesForNoDataUntilCountingCatchesUp() {
        String slo = "burn-in-a-broker-stall";
        given().contentType(ContentType.JSON).body(SloIngestTest.slo(slo)).when().post("/api/slos").then().statusCode(201);
        send(slo, traffic(clock.instant().minus(Duration.ofHours(1)), clock.instant().minusSeconds(120), 0), 58_000);
        send(slo, traffic(clock.instant().minusSeconds(120), clock.instant(), 1000), 60_000);
        evaluator.tick();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().when().get("/api/alerts?state=firing&slo=" + slo)
                .then().body("kind", contains("BURN_RATE")).body("severity", contains("PAGE")));

        LocalKafka kafka = RealInfrastructureResource.kafka();
        kafka.stop();
        try {
            clock.advance(Duration.ofMinutes(40)); // past NO_DATA's 10 minutes and the slow page tier's 30
            // a real wait: past daff.sli.counted.complete-within (5 s in tests) without a word from the broker
            await().pollDelay(Duration.ofSeconds(7)).atMost(Duration.ofSeconds(8)).until(() -> true);
            evaluator.tick();
            given().when().get("/api/alerts?state=all&slo=" + slo).then()
                    .body("kind", contains("BURN_RATE")).body("state", contains("FIRING"));
        } finally {
            kafka.start();
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            evaluator.tick();
            given().when().get("/api/alerts?state=all&slo=" + slo).then()
                    .body("findAll { it.kind == 'NO_DATA' }.state", contains("FIRING"))
                    .body("findAll { it.kind == 'BURN_RATE' && it.severity == 'PAGE' }.state", contains("RESOLVED"));
        });
    }

    @Test
    void aFiringWhoseStoreFailedIsDerivedAgainAtTheNextTickAndAnnouncedOnce() throws Exception {
        // The database refuses the episode's row once (a failover): the evaluator must not believe an alert it could
        // not store (a phantom: active here, on record nowhere, never announced), but find it again next tick.
        String slo = "store-refused";
        given().contentType(ContentType.JSON).body(SloIngestTest.slo(slo)).when().post("/api/slos").then().statusCode(201);
        send(slo, traffic(clock.instant().minus(Duration.ofHours(1)), clock.instant().minusSeconds(120), 0), 58_000);
        try (var refusing = dev.daff.localinfra.DatabaseRefusals.refuse(dataSource, "store_refused",
                "insert on slo_alert", "new.slo_name = '" + slo + "'", "40001", 1)) {
            send(slo, traffic(clock.instant().minusSeconds(120), clock.instant(), 1000), 60_000);
            evaluator.tick();
        }
        evaluator.tick();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().when().get("/api/alerts?state=all&slo=" + slo)
                .then().statusCode(200).body("", hasSize(1)).body("[0].severity", equalTo("PAGE"))
                .body("[0].state", equalTo("FIRING")));
        evaluator.tick();
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        assertEquals(1, KafkaTestClient.read(kafka, Topics.SLO_ALERTS, record -> slo.equals(record.key())
                && record.value().contains("\"type\":\"AlertFired\""), 2, Duration.ofSeconds(10)).size());
    }

    @Test
    void aChangedObjectiveTakesEffectAtTheNextTick() {
        // 2 % of requests fail for an hour: a burn of 2 against 99 %, of 20 against 99.9 % (past the page's 14.4).
        // (A burn of 2 is a ticket either way.)
        String slo = "retargeted";
        given().contentType(ContentType.JSON).body(SloIngestTest.slo(slo).replace("99.9", "99")).when().post("/api/slos")
                .then().statusCode(201);
        send(slo, traffic(clock.instant().minus(Duration.ofHours(1)), clock.instant(), 20), 60_000);
        evaluator.tick();
        given().when().get("/api/alerts?state=firing&slo=" + slo).then().statusCode(200).body("findAll { it.severity == 'PAGE' }", hasSize(0));

        given().contentType(ContentType.JSON).body(SloIngestTest.slo(slo)).when().put("/api/slos/" + slo).then().statusCode(200);
        evaluator.tick();
        given().when().get("/api/alerts?state=firing&slo=" + slo).then().statusCode(200).body("findAll { it.severity == 'PAGE' }", hasSize(1));

        given().contentType(ContentType.JSON).body(SloIngestTest.slo(slo).replace("99.9", "99")).when()
                .put("/api/slos/" + slo).then().statusCode(200);
        // A tick later, as it would be: the ticket the page inhibited fires again now, and an episode's dedupKey is
        // its firing second (with the clock standing still, the same key as the first ticket's).
        clock.advance(Duration.ofSeconds(10));
        evaluator.tick();
        given().when().get("/api/alerts?state=firing&slo=" + slo).then().statusCode(200).body("findAll { it.severity == 'PAGE' }", hasSize(0));
    }

    @Test
    void fastBurnPagesThroughTheOutboxAndResolvesWhenTheShortWindowClears() throws Exception {
        String slo = "edge-dns";
        given().contentType(ContentType.JSON).body(SloIngestTest.slo(slo).replace("checkout", "edge"))
                .when().post("/api/slos").then().statusCode(201);
        Instant start = clock.instant().minus(Duration.ofHours(1));
        send(slo, traffic(start, clock.instant(), 0), 60_000);
        evaluator.tick();
        given().when().get("/api/alerts?state=firing&slo=" + slo).then().statusCode(200).body("", hasSize(0));

        // A DNS failure: every request of the last two minutes fails.
        send(slo, traffic(clock.instant().minusSeconds(120), clock.instant(), 1000), 62_000);
        evaluator.tick();
        given().when().get("/api/slos/" + slo + "/status").then().statusCode(200)
                .body("burnRates.1h.burnRate", greaterThan(14.4f))
                .body("burnRates.5m.burnRate", greaterThan(14.4f))
                .body("activeAlerts", hasSize(1))
                .body("activeAlerts[0].tier", equalTo("1h/5m"))
                .body("budget.remaining", org.hamcrest.Matchers.lessThan(1.0f));

        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        List<ConsumerRecord<String, String>> fired = KafkaTestClient.read(kafka, Topics.SLO_ALERTS,
                record -> slo.equals(record.key()), 1, Duration.ofSeconds(20));
        assertEquals(1, fired.size());
        JsonNode firedEvent = new ObjectMapper().readTree(fired.get(0).value());
        assertEquals("AlertFired", firedEvent.get("type").asText());
        assertEquals("PAGE", firedEvent.get("severity").asText());
        assertEquals("BURN_RATE", firedEvent.get("kind").asText());
        assertEquals("edge", firedEvent.get("service").asText());

        // Errors stop. The 5m window clears first, but the slow page tier (6h AND 30m) still holds until the
        // burst leaves the 30m window too: only then does the page resolve.
        Instant errorsStopped = clock.instant();
        clock.advance(Duration.ofMinutes(10));
        send(slo, traffic(errorsStopped, clock.instant(), 0), 72_000);
        evaluator.tick();
        given().when().get("/api/alerts?state=firing&slo=" + slo).then().body("", hasSize(1))
                .body("[0].severity", equalTo("PAGE"));
        Instant tenMinutesLater = clock.instant();
        clock.advance(Duration.ofMinutes(25));
        send(slo, traffic(tenMinutesLater, clock.instant(), 0), 97_000);
        evaluator.tick();
        List<ConsumerRecord<String, String>> events = KafkaTestClient.read(kafka, Topics.SLO_ALERTS,
                record -> slo.equals(record.key()) && record.value().contains("\"type\":\"AlertResolved\""), 1,
                Duration.ofSeconds(20));
        assertEquals(1, events.size());
        JsonNode resolved = new ObjectMapper().readTree(events.get(0).value());
        assertEquals("AlertResolved", resolved.get("type").asText());
        assertEquals(firedEvent.get("dedupKey").asText(), resolved.get("dedupKey").asText());
        // The burst still burns the day's budget fast enough for a ticket, which the page no longer inhibits.
        given().when().get("/api/alerts?state=all&slo=" + slo).then().statusCode(200)
                .body("", hasSize(2)).body("[1].severity", equalTo("PAGE")).body("[1].state", equalTo("RESOLVED"))
                .body("[0].severity", equalTo("TICKET")).body("[0].state", equalTo("FIRING"));
        given().when().get("/q/metrics").then()
                .body(containsString("daff_slo_burn_rate{slo=\"edge-dns\",window=\"1h\"}"))
                .body(containsString("daff_slo_alerts_firing{slo=\"edge-dns\"} 1.0"))
                // the two minutes at 100 % errors overspent the budget of the hour of history (1 h at 0.1 %)
                .body(org.hamcrest.Matchers.matchesRegex("(?s).*\ndaff_slo_budget_remaining\\{slo=\"edge-dns\"} -\\d+\\.\\d+\n.*"));
    }

    /**
     * A replica paused past its Kafka session still believes it owns its SLOs when it wakes up, and its sums are
     * stale: another replica counts them now. Until its consumer hears of the rebalance, it must not fire or resolve
     * anything. Here the SLO's partition is claimed by "another replica" in the database while this one keeps its
     * belief; a burst that would page stores nothing until the partition is this replica's again.
     */
    @Test
    void aReplicaWhosePartitionWasTakenStoresNoAlertUntilItOwnsItAgain() throws Exception {
        String slo = "zombie-fence";
        given().contentType(ContentType.JSON).body(SloIngestTest.slo(slo)).when().post("/api/slos").then().statusCode(201);
        Instant start = clock.instant().minus(Duration.ofHours(1));
        send(slo, traffic(start, clock.instant().minusSeconds(120), 0), 58_000);
        int partition = Utils.toPositive(Utils.murmur2(slo.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                % dev.daff.localinfra.KafkaTopicsSetup.SLI_EVENTS_PARTITIONS;
        setOwner(partition, "another-replica");
        try {
            given().contentType(ContentType.JSON).body(traffic(clock.instant().minusSeconds(120), clock.instant(), 1000))
                    .when().post("/api/slos/" + slo + "/events").then().statusCode(202);
            await().atMost(Duration.ofSeconds(20)).until(() -> storedTotal(slo) == 60_000);
            evaluator.tick();
            given().when().get("/api/alerts?state=all&slo=" + slo).then().statusCode(200).body("", hasSize(0));
        } finally {
            setOwner(partition, owners.replicaId());
        }
        evaluator.tick();
        given().when().get("/api/alerts?state=firing&slo=" + slo).then().statusCode(200)
                .body("", hasSize(1)).body("[0].severity", equalTo("PAGE"));
        List<ConsumerRecord<String, String>> fired = KafkaTestClient.read(RealInfrastructureResource.kafka().bootstrapServers(),
                Topics.SLO_ALERTS, record -> slo.equals(record.key()), 1, Duration.ofSeconds(20));
        assertEquals(1, fired.size(), "one AlertFired, from the owner");
        given().when().delete("/api/slos/" + slo).then().statusCode(204);
    }

    /**
     * Another replica deletes the SLO and creates it again under the same name between two of this replica's ticks:
     * its CDI events never reach this one, and the new SLO starts at version 0 again. The owner must still drop the old
     * definition, sums and firing alert, or the new SLO's burn would not page.
     */
    @Test
    void anSloDeletedAndCreatedAgainOnAnotherReplicaPagesAfresh() throws Exception {
        String slo = "recreated-elsewhere";
        given().contentType(ContentType.JSON).body(SloIngestTest.slo(slo)).when().post("/api/slos").then().statusCode(201);
        send(slo, traffic(clock.instant().minus(Duration.ofHours(1)), clock.instant().minusSeconds(120), 0), 58_000);
        send(slo, traffic(clock.instant().minusSeconds(120), clock.instant(), 1000), 60_000);
        evaluator.tick();
        given().when().get("/api/alerts?state=firing&slo=" + slo).then().body("", hasSize(1));

        // What the other replica's DELETE and POST store, without this replica's events.
        try (var connection = dataSource.getConnection(); var sql = connection.createStatement()) {
            connection.setAutoCommit(false);
            sql.execute("update slo_alert set resolved_at = now() where slo_name = '" + slo + "' and resolved_at is null");
            sql.execute("delete from sli_bucket where slo_name = '" + slo + "'");
            sql.execute("create temporary table slo_again on commit drop as select * from slo where name = '" + slo + "'");
            sql.execute("delete from slo where name = '" + slo + "'");
            sql.execute("update slo_again set version = 0, generation = nextval('slo_generation')");
            sql.execute("insert into slo select * from slo_again");
            connection.commit();
        }
        given().when().get("/api/alerts?state=firing&slo=" + slo).then().body("", hasSize(0));

        clock.advance(Duration.ofMinutes(1));
        given().contentType(ContentType.JSON).body(traffic(clock.instant().minus(Duration.ofHours(1)),
                clock.instant().minusSeconds(120), 0)).when().post("/api/slos/" + slo + "/events").then().statusCode(202);
        given().contentType(ContentType.JSON).body(traffic(clock.instant().minusSeconds(120), clock.instant(), 1000))
                .when().post("/api/slos/" + slo + "/events").then().statusCode(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> storedTotal(slo) == 60_000);
        evaluator.tick();
        given().when().get("/api/alerts?state=firing&slo=" + slo).then().body("", hasSize(1))
                .body("[0].severity", equalTo("PAGE"));
        given().when().get("/api/slos/" + slo + "/status").then().body("events.total", equalTo(60_000));
        given().when().delete("/api/slos/" + slo).then().statusCode(204);
    }

    /**
     * Another replica changes the SLO (here its objective to 50 %, under which no outage pages: the on-call stopping a
     * page they judge wrong) while this replica evaluates an outage with the definition it read before. The old
     * definition's page waits for the change's row lock and, once the change is in, is not stored: stored, it went out
     * after the edit meant to stop it. The next tick reads the new definition.
     */
    @Test
    void aPageJudgedByADefinitionChangedMeanwhileOnAnotherReplicaIsNotStored() throws Exception {
        String slo = "changed-elsewhere";
        given().contentType(ContentType.JSON).body(SloIngestTest.slo(slo)).when().post("/api/slos").then().statusCode(201);
        send(slo, traffic(clock.instant().minus(Duration.ofHours(1)), clock.instant().minusSeconds(120), 0), 58_000);
        try (var otherReplica = dataSource.getConnection(); var sql = otherReplica.createStatement()) {
            otherReplica.setAutoCommit(false);
            sql.execute("update slo set objective = 50, version = version + 1 where name = '" + slo + "'");
            // The outage, evaluated once counted (every second, between ticks) with the definition read before.
            given().contentType(ContentType.JSON).body(traffic(clock.instant().minusSeconds(120), clock.instant(), 1000))
                    .when().post("/api/slos/" + slo + "/events").then().statusCode(202);
            await().atMost(Duration.ofSeconds(20)).until(() -> dev.daff.localinfra.LockWaits.onRows(dataSource) >= 1);
            otherReplica.commit();
        }
        evaluator.tick(); // waits for the evaluation under way, then reads the change
        given().when().get("/api/alerts?state=all&slo=" + slo).then().statusCode(200)
                .body("findAll { it.severity == 'PAGE' }", hasSize(0));
        given().when().get("/api/slos/" + slo).then().body("objective", equalTo(50.0f));
        given().when().delete("/api/slos/" + slo).then().statusCode(204);
    }

    private long storedTotal(String slo) throws java.sql.SQLException {
        try (var connection = dataSource.getConnection();
                var query = connection.prepareStatement("select coalesce(sum(total), 0) from sli_bucket where slo_name = ?")) {
            query.setString(1, slo);
            try (var result = query.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    private void setOwner(int partition, String owner) throws java.sql.SQLException {
        try (var connection = dataSource.getConnection();
                var update = connection.prepareStatement(
                        "update sli_partition_owner set owner = ? where topic = ? and partition_no = ?")) {
            update.setString(1, owner);
            update.setString(2, Topics.SLI_EVENTS);
            update.setInt(3, partition);
            assertEquals(1, update.executeUpdate(), "the consumer claimed partition " + partition + " on assignment");
        }
    }
}
