package dev.daff.slo;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

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
