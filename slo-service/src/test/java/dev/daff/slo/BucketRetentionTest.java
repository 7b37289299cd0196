package dev.daff.slo;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.localinfra.TestTokens;
import dev.daff.slo.ingest.BucketRetention;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import dev.daff.localinfra.SimulatedClock;

@QuarkusTest
class BucketRetentionTest {

    @Inject
    BucketRetention retention;

    @Inject
    AgroalDataSource database;

    @Inject
    SimulatedClock clock;

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    /** A frozen replica's open transaction must not hold the partitions' rows for longer (README, *Exactly once*). */
    @Test
    void sessionsIdleInATransactionAreEndedAfterTwentySeconds() throws Exception {
        try (Connection connection = database.getConnection();
                ResultSet shown = connection.createStatement().executeQuery("show idle_in_transaction_session_timeout")) {
            shown.next();
            assertEquals("20s", shown.getString(1));
        }
    }

    @Test
    void bucketsLeaveOnceTheyAreOlderThanTwoOfTheirSloWindows() throws Exception {
        given().contentType(ContentType.JSON).body(SloIngestTest.slo("weekly-retention").replace("30d", "7d"))
                .when().post("/api/slos").then().statusCode(201);
        Instant now = clock.instant();
        String batch = "[{\"at\": \"" + now.minus(Duration.ofDays(6)) + "\", \"good\": 1, \"total\": 1},"
                + " {\"at\": \"" + now.minus(Duration.ofDays(1)) + "\", \"good\": 1, \"total\": 2}]";
        given().contentType(ContentType.JSON).body(batch).when().post("/api/slos/weekly-retention/events")
                .then().statusCode(202);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertEquals(2, buckets("weekly-retention")));

        retention.deleteExpired(now);
        assertEquals(2, buckets("weekly-retention"), "both minutes are inside the 7-day window");
        retention.deleteExpired(now.plus(Duration.ofDays(2)));
        assertEquals(2, buckets("weekly-retention"), "8 days old: the window behind the history's oldest point holds it");
        retention.deleteExpired(now.plus(Duration.ofDays(9)));
        assertEquals(1, buckets("weekly-retention"), "the 6-day-old minute left two windows (and an hour) later");
        retention.deleteExpired(now.plus(Duration.ofDays(16)));
        assertEquals(1, buckets("weekly-retention"), "the last minute the SLO was heard from stays: NO_DATA measures from it");
        given().when().get("/api/slos/weekly-retention/status").then().body("events.total", equalTo(3));
    }

    /**
     * A key is forgotten a day after it was taken, what the consumer counted under it a day after it counted it: with
     * the consumer an hour behind, the key's next use came between the two, was answered 202, and was dropped as a
     * batch already counted.
     */
    @Test
    void aKeyUsedAgainAfterItExpiredCountsItsNewBatchWhateverTheConsumerStillRemembers() throws Exception {
        given().contentType(ContentType.JSON).body(SloIngestTest.slo("key-after-expiry")).when().post("/api/slos")
                .then().statusCode(201);
        given().contentType(ContentType.JSON).header("Idempotency-Key", "nightly").body("[{\"good\": 5, \"total\": 6}]")
                .when().post("/api/slos/key-after-expiry/events").then().statusCode(202);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when()
                .get("/api/slos/key-after-expiry/status").then().body("events.total", equalTo(6)));
        // As if taken 25 hours ago and counted an hour later, by a consumer behind a stalled broker.
        try (Connection connection = database.getConnection(); Statement sql = connection.createStatement()) {
            assertEquals(1, sql.executeUpdate("update sli_ingest_key set first_used_at = first_used_at - interval '25 hours'"
                    + " where slo_name = 'key-after-expiry'"));
            String counted = UUID.nameUUIDFromBytes("key-after-expiry\u0000nightly\u00000".getBytes(StandardCharsets.UTF_8))
                    .toString(); // the consumer's id of the batch's first record
            assertEquals(1, sql.executeUpdate("update sli_seen_event set seen_at = seen_at - interval '24 hours'"
                    + " where event_id = '" + counted + "'"));
        }
        retention.deleteExpired(clock.instant());

        given().contentType(ContentType.JSON).header("Idempotency-Key", "nightly").body("[{\"good\": 0, \"total\": 40}]")
                .when().post("/api/slos/key-after-expiry/events").then().statusCode(202);
        // Unkeyed, on the same partition after the keyed batch: once it is counted, so is everything before it.
        given().contentType(ContentType.JSON).body("[{\"good\": 1, \"total\": 1}]")
                .when().post("/api/slos/key-after-expiry/events").then().statusCode(202);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when()
                .get("/api/slos/key-after-expiry/status").then().body("events.total", equalTo(47)));
    }

    /**
     * A backlog larger than a batch goes in several transactions, each cleanup on its own: deleted in one, a large one
     * (every SLO moved from 30-day to 28-day windows) outlasted the transaction timeout and rolled back at every run,
     * with the Idempotency-Key ids and ingest keys behind it. Tests delete 100 rows per batch. Two replicas run it at
     * once, as every replica does: they share the rows, and neither waits on or fails for the other's.
     */
    @Test
    void aBacklogLargerThanABatchIsDeletedBatchByBatchKeepingWhatIsNotExpired() throws Exception {
        given().contentType(ContentType.JSON).body(SloIngestTest.slo("retention-backlog").replace("30d", "7d"))
                .when().post("/api/slos").then().statusCode(201);
        Instant now = clock.instant();
        Instant expired = now.truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofDays(20)); // two weeks and an hour are kept
        Instant kept = now.truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofDays(1));
        try (Connection connection = database.getConnection()) {
            try (PreparedStatement insert = connection.prepareStatement(
                    "insert into sli_bucket (slo_name, minute, good, total) values ('retention-backlog', ?, 1, 1)")) {
                for (int i = 0; i < 450; i++) {
                    insert.setTimestamp(1, Timestamp.from(expired.minus(Duration.ofMinutes(i))));
                    insert.addBatch();
                }
                for (int i = 0; i < 10; i++) {
                    insert.setTimestamp(1, Timestamp.from(kept.minus(Duration.ofMinutes(i))));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            try (PreparedStatement seen = connection.prepareStatement(
                    "insert into sli_seen_event (event_id, seen_at) values (?, ?)");
                    PreparedStatement key = connection.prepareStatement("insert into sli_ingest_key (slo_name,"
                            + " idempotency_key, batch_sha256, first_used_at) values ('retention-backlog', ?, ?, ?)")) {
                for (int i = 0; i < 260; i++) {
                    Instant at = now.minus(i < 250 ? Duration.ofDays(2) : Duration.ofHours(1)); // 250 forgotten, 10 kept
                    seen.setString(1, "retention-backlog-" + i);
                    seen.setTimestamp(2, Timestamp.from(at));
                    seen.addBatch();
                    key.setString(1, "retention-backlog-" + i);
                    key.setBytes(2, new byte[32]);
                    key.setTimestamp(3, Timestamp.from(at));
                    key.addBatch();
                }
                seen.executeBatch();
                key.executeBatch();
            }
        }
        double bucketBatches = retentionBatches("sli_bucket");
        double seenBatches = retentionBatches("sli_seen_event");
        double keyBatches = retentionBatches("sli_ingest_key");

        CompletableFuture<Integer> other = CompletableFuture.supplyAsync(() -> retention.deleteExpired(now));
        retention.deleteExpired(now);
        other.get(60, TimeUnit.SECONDS);

        assertEquals(10, buckets("retention-backlog"), "the 450 expired minutes are gone, the 10 inside the window kept");
        assertEquals(10, count("select count(*) from sli_seen_event where event_id like 'retention-backlog-%'"));
        assertEquals(10, count("select count(*) from sli_ingest_key where slo_name = 'retention-backlog'"));
        assertTrue(retentionBatches("sli_bucket") - bucketBatches >= 5,
                "450 expired buckets took at least 5 transactions of 100, not " + (retentionBatches("sli_bucket") - bucketBatches));
        assertTrue(retentionBatches("sli_seen_event") - seenBatches >= 3, "250 ids took at least 3 transactions");
        assertTrue(retentionBatches("sli_ingest_key") - keyBatches >= 3, "250 keys took at least 3 transactions");
    }

    /**
     * A cleanup that fails (here PostgreSQL refuses deleting Idempotency-Key ids) leaves the others to run: in one
     * transaction, the ingest keys and expired buckets waited for it.
     */
    @Test
    void aCleanupThatFailsLeavesTheOthersToRun() throws Exception {
        given().contentType(ContentType.JSON).body(SloIngestTest.slo("retention-failing").replace("30d", "7d"))
                .when().post("/api/slos").then().statusCode(201);
        Instant now = clock.instant();
        try (Connection connection = database.getConnection(); Statement sql = connection.createStatement()) {
            sql.execute("insert into sli_bucket (slo_name, minute, good, total) values ('retention-failing', '"
                    + now.truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofDays(20)) + "', 1, 1), ('retention-failing', '"
                    + now.truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofDays(1)) + "', 1, 1)");
            sql.execute("insert into sli_seen_event (event_id, seen_at) values ('retention-failing', '"
                    + now.minus(Duration.ofDays(2)) + "')");
            sql.execute("insert into sli_ingest_key (slo_name, idempotency_key, batch_sha256, first_used_at) values"
                    + " ('retention-failing', 'retention-failing', '\\x00', '" + now.minus(Duration.ofDays(2)) + "')");
            sql.execute("""
                    create function refuse_forgetting() returns trigger language plpgsql as $$
                    begin raise exception 'deleting ids is refused'; end $$""");
            sql.execute("create trigger refuse_forgetting before delete on sli_seen_event for each row"
                    + " execute function refuse_forgetting()");
        }
        try {
            retention.deleteExpired(now);
        } finally {
            try (Connection connection = database.getConnection(); Statement sql = connection.createStatement()) {
                sql.execute("drop trigger refuse_forgetting on sli_seen_event");
                sql.execute("drop function refuse_forgetting()");
            }
        }
        assertEquals(1, count("select count(*) from sli_seen_event where event_id = 'retention-failing'"), "refused");
        assertEquals(0, count("select count(*) from sli_ingest_key where slo_name = 'retention-failing'"));
        assertEquals(1, buckets("retention-failing"), "the expired minute went all the same");
        retention.deleteExpired(now);
        assertEquals(0, count("select count(*) from sli_seen_event where event_id = 'retention-failing'"), "next run");
    }

    /** Transactions each cleanup has run so far: {@code daff.sli.retention.batches}, by table. */
    private static double retentionBatches(String table) {
        return given().when().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(line -> line.startsWith("daff_sli_retention_batches_total{")
                        && line.contains("table=\"" + table + "\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private long count(String query) throws Exception {
        try (Connection connection = database.getConnection(); ResultSet rows = connection.createStatement().executeQuery(query)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private long buckets(String slo) throws Exception {
        try (Connection connection = database.getConnection();
                PreparedStatement count = connection.prepareStatement("select count(*) from sli_bucket where slo_name = ?")) {
            count.setString(1, slo);
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
