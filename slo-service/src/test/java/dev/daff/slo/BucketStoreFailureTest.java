package dev.daff.slo;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.events.Topics;
import dev.daff.localinfra.KafkaTestClient;
import dev.daff.localinfra.RealInfrastructureResource;
import dev.daff.localinfra.SimulatedClock;
import dev.daff.localinfra.TestTokens;
import dev.daff.slo.ingest.SliDeadLetters;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class BucketStoreFailureTest {

    @Inject
    AgroalDataSource database;

    @Inject
    SimulatedClock clock;

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    /**
     * A bucket whose store fails for a reason nobody recognises (a bug; here a trigger raising an exception, SQLSTATE
     * P0001) failed the whole batch, and the consumer read it again for ever: no SLO of its partition was counted or
     * paged for any more. After five such failures in a row the batch is stored bucket by bucket, the failing bucket's
     * events are dead-lettered with the reason, and the others count.
     */
    @Test
    void aBucketThatFailsForAnUnknownReasonIsDeadLetteredAndItsPartitionGoesOnCounting() throws Exception {
        clock.notBehindTheWall();
        String poisoned = "poisoned-bucket";
        String beside = IntStream.range(0, 1_000).mapToObj(i -> "beside-poison-" + i)
                .filter(name -> SloIngestTest.partitionOf(name) == SloIngestTest.partitionOf(poisoned)).findFirst()
                .orElseThrow();
        for (String name : List.of(poisoned, beside)) {
            given().contentType(ContentType.JSON).body(SloIngestTest.slo(name)).when().post("/api/slos").then().statusCode(201);
        }
        try (Connection connection = database.getConnection(); Statement sql = connection.createStatement()) {
            sql.execute("""
                    create function poison_bucket() returns trigger language plpgsql as $$
                    begin
                        if new.slo_name = 'poisoned-bucket' then raise exception 'a bug in storing this bucket'; end if;
                        return new;
                    end $$""");
            sql.execute("create trigger poison_bucket before insert or update on sli_bucket for each row"
                    + " execute function poison_bucket()");
        }
        try {
            String kafka = RealInfrastructureResource.kafka().bootstrapServers();
            String at = clock.instant().toString();
            KafkaTestClient.send(kafka, Topics.SLI_EVENTS, poisoned,
                    "{\"slo\": \"" + poisoned + "\", \"at\": \"" + at + "\", \"good\": 1, \"total\": 2}");
            KafkaTestClient.send(kafka, Topics.SLI_EVENTS, beside,
                    "{\"slo\": \"" + beside + "\", \"at\": \"" + at + "\", \"good\": 3, \"total\": 4}");

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().when().get("/api/slos/" + beside + "/status")
                    .then().statusCode(200).body("events.total", equalTo(4)).body("events.good", equalTo(3)));
            List<ConsumerRecord<String, String>> dead = KafkaTestClient.read(kafka, Topics.SLI_EVENTS_DEAD_LETTER,
                    record -> poisoned.equals(record.key()), 1, Duration.ofSeconds(20));
            assertEquals(1, dead.size());
            String reason = new String(dead.get(0).headers().lastHeader(SliDeadLetters.REJECTION_HEADER).value(),
                    StandardCharsets.UTF_8);
            assertTrue(reason.contains("could not be stored") && reason.contains("a bug in storing this bucket"), reason);
            given().when().get("/api/slos/" + poisoned + "/status").then().statusCode(200).body("events.total", equalTo(0));
        } finally {
            try (Connection connection = database.getConnection(); Statement sql = connection.createStatement()) {
                sql.execute("drop trigger poison_bucket on sli_bucket");
                sql.execute("drop function poison_bucket()");
            }
        }
    }
}
