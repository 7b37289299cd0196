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
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
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
        String beside = besidePartitionOf(poisoned, "beside-poison-");
        create(poisoned, beside);
        failBucketWrites("new.slo_name = '" + poisoned + "'");
        try {
            send(poisoned, 1, 2);
            send(beside, 3, 4);

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().when().get("/api/slos/" + beside + "/status")
                    .then().statusCode(200).body("events.total", equalTo(4)).body("events.good", equalTo(3)));
            List<ConsumerRecord<String, String>> dead = KafkaTestClient.read(kafka(), Topics.SLI_EVENTS_DEAD_LETTER,
                    record -> poisoned.equals(record.key()), 1, Duration.ofSeconds(20));
            assertEquals(1, dead.size());
            String reason = new String(dead.get(0).headers().lastHeader(SliDeadLetters.REJECTION_HEADER).value(),
                    StandardCharsets.UTF_8);
            assertTrue(reason.contains("could not be stored") && reason.contains("a bug in storing this bucket"), reason);
            given().when().get("/api/slos/" + poisoned + "/status").then().statusCode(200).body("events.total", equalTo(0));
        } finally {
            stopFailingBucketWrites();
        }
    }

    /**
     * A fault of storing itself (here every bucket write refused, as a revoked privilege or a schema out of step
     * would) is no bucket's fault: however often it fails, nothing is dead-lettered, and once storing works again
     * every event counts. Meanwhile the same consumer tries again every few seconds: before, each try made a new one,
     * and each took the group through two rebalances, every replica's partitions waiting through them.
     */
    @Test
    void whenNoBucketCanBeStoredNothingIsDeadLetteredAndEverythingCountsOnceStoringWorks() throws Exception {
        clock.notBehindTheWall();
        String first = unique("unstorable-");
        String second = besidePartitionOf(first, first + "-beside-");
        create(first, second);
        failBucketWrites("true");
        try {
            send(first, 1, 2);
            send(second, 3, 4);
            // Every try goes through the trigger, and a sequence counts them though each rolls back: past the five
            // unknown failures in a row after which the batch is stored bucket by bucket, then held and tried again.
            await().atMost(Duration.ofSeconds(60)).until(() -> triesSoFar() >= 8);
            Set<String> members = await().atMost(Duration.ofSeconds(20)).until(this::sliConsumers, set -> !set.isEmpty());
            long tries = triesSoFar();
            await().atMost(Duration.ofSeconds(30)).until(() -> triesSoFar() >= tries + 6); // two tries, each 3 writes
            assertEquals(members, await().atMost(Duration.ofSeconds(20)).until(this::sliConsumers, set -> !set.isEmpty()),
                    "the consumer is the same one, not made anew for each try");
        } finally {
            stopFailingBucketWrites();
        }
        for (String name : List.of(first, second)) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/slos/" + name + "/status")
                    .then().statusCode(200).body("events.total", equalTo(name.equals(first) ? 2 : 4)));
        }
        assertEquals(List.of(), KafkaTestClient.read(kafka(), Topics.SLI_EVENTS_DEAD_LETTER,
                record -> first.equals(record.key()) || second.equals(record.key()), 1, Duration.ofSeconds(5)));
    }

    /**
     * A dead letter replayed before its cause was fixed is refused again and dead-lettered again, under the same origin
     * it counts once by. That origin was recorded as counted when the replay was read, so the replay after the fix was
     * dropped as already counted: an event accepted and never counted.
     */
    @Test
    void aDeadLetterRefusedAgainOnReplayCountsOnTheReplayAfterTheFix() throws Exception {
        clock.notBehindTheWall();
        String refusedTwice = unique("refused-twice-");
        String beside = besidePartitionOf(refusedTwice, refusedTwice + "-beside-");
        create(refusedTwice, beside);
        failBucketWrites("new.slo_name = '" + refusedTwice + "'");
        try {
            send(refusedTwice, 1, 2);
            send(beside, 1, 1); // the batch must store another bucket for the failing one to be dead-lettered
            deadLetters(refusedTwice, 1);
            given().when().post("/api/admin/dead-letters/daff.sli-events.dead-letter/replay?max=10000").then()
                    .statusCode(200);
            send(beside, 1, 1);
            List<ConsumerRecord<String, String>> dead = deadLetters(refusedTwice, 2);
            assertEquals(header(dead.get(0), "daff-origin"), header(dead.get(1), "daff-origin"),
                    "refused again, the copy keeps the origin it counts once by");
        } finally {
            stopFailingBucketWrites();
        }
        given().when().post("/api/admin/dead-letters/daff.sli-events.dead-letter/replay?max=10000").then().statusCode(200);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/slos/" + refusedTwice + "/status")
                .then().statusCode(200).body("events.total", equalTo(2)).body("events.good", equalTo(1)));
    }

    /**
     * A batch sent with an Idempotency-Key, refused and dead-lettered, then retried by its client with the key once the
     * cause is fixed, and its dead letter replayed too: counted once. The key stays seen, so the retry is the redelivery
     * it looks like, and the dead letter, which carries no key, counts by an id of its own. (Forgetting every refused
     * id, as the first fix for replays did, counted it twice.)
     */
    @Test
    void aRefusedBatchRetriedWithItsKeyAndReplayedCountsOnce() throws Exception {
        clock.notBehindTheWall();
        String keyed = unique("keyed-refused-");
        String beside = besidePartitionOf(keyed, keyed + "-beside-");
        create(keyed, beside);
        String batch = "[{\"at\": \"" + clock.instant() + "\", \"good\": 1, \"total\": 2}]";
        failBucketWrites("new.slo_name = '" + keyed + "'");
        try {
            postWithKey(keyed, batch);
            send(beside, 1, 1);
            deadLetters(keyed, 1);
        } finally {
            stopFailingBucketWrites();
        }
        postWithKey(keyed, batch);
        given().when().post("/api/admin/dead-letters/daff.sli-events.dead-letter/replay?max=10000").then().statusCode(200);
        send(keyed, 0, 10); // after both on the SLO's partition: once it counts, they have been read

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/slos/" + keyed + "/status")
                .then().statusCode(200).body("events.total", equalTo(12)));
    }

    private static void postWithKey(String slo, String batch) {
        given().contentType(ContentType.JSON).header("Idempotency-Key", "refused-batch-1").body(batch).when()
                .post("/api/slos/" + slo + "/events").then().statusCode(202);
    }

    private static List<ConsumerRecord<String, String>> deadLetters(String slo, int count) {
        List<ConsumerRecord<String, String>> dead = KafkaTestClient.read(kafka(), Topics.SLI_EVENTS_DEAD_LETTER,
                record -> slo.equals(record.key()), count, Duration.ofSeconds(60));
        assertEquals(count, dead.size(), "dead letters of " + slo);
        return dead;
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    /**
     * One SLO's bucket fails for an unknown reason and its partition's poll holds nothing else: once held, the partition
     * is tried again bucket by bucket every few seconds by the same consumer, while another partition stores meanwhile.
     * Before, that other partition's store started the count of failures in a row again, and each hold ended in more
     * tries of the batch whole, each with a new consumer and two rebalances.
     */
    @Test
    void aFailingBucketAloneOnItsPartitionIsTriedAgainByTheSameConsumerWhileOthersStore() throws Exception {
        clock.notBehindTheWall();
        String alone = unique("alone-");
        String elsewhere = IntStream.range(0, 1_000).mapToObj(i -> alone + "-elsewhere-" + i)
                .filter(name -> SloIngestTest.partitionOf(name) != SloIngestTest.partitionOf(alone)).findFirst().orElseThrow();
        create(alone, elsewhere);
        failBucketWrites("new.slo_name = '" + alone + "'");
        try {
            send(alone, 1, 2);
            await().atMost(Duration.ofSeconds(60)).until(() -> triesSoFar() >= 6); // five whole, one bucket by bucket
            Set<String> members = await().atMost(Duration.ofSeconds(20)).until(this::sliConsumers, set -> !set.isEmpty());
            send(elsewhere, 1, 1);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/slos/" + elsewhere
                    + "/status").then().statusCode(200).body("events.total", equalTo(1)));
            long tries = triesSoFar();
            // Two more tries; or none, if the other partition's record came in the same poll and let the failing
            // bucket be dead-lettered.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> triesSoFar() >= tries + 2
                    || !KafkaTestClient.read(kafka(), Topics.SLI_EVENTS_DEAD_LETTER, record -> alone.equals(record.key()), 1,
                            Duration.ofMillis(300)).isEmpty());
            assertEquals(members, await().atMost(Duration.ofSeconds(20)).until(this::sliConsumers, set -> !set.isEmpty()),
                    "the consumer is the same one, not made anew for each try");
        } finally {
            stopFailingBucketWrites();
        }
    }

    /** The members of the SLI consumer's group: a consumer made anew joins as a new member. */
    private Set<String> sliConsumers() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka()))) {
            return admin.describeConsumerGroups(List.of("daff-slo-service")).all().get().get("daff-slo-service")
                    .members().stream().map(MemberDescription::consumerId).collect(Collectors.toSet());
        }
    }

    private static String unique(String prefix) {
        return prefix + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    private static void create(String... slos) {
        for (String name : slos) {
            given().contentType(ContentType.JSON).body(SloIngestTest.slo(name)).when().post("/api/slos").then().statusCode(201);
        }
    }

    private static String besidePartitionOf(String slo, String prefix) {
        return IntStream.range(0, 1_000).mapToObj(i -> prefix + i)
                .filter(name -> SloIngestTest.partitionOf(name) == SloIngestTest.partitionOf(slo)).findFirst().orElseThrow();
    }

    private void send(String slo, int good, int total) {
        KafkaTestClient.send(kafka(), Topics.SLI_EVENTS, slo, "{\"slo\": \"" + slo + "\", \"at\": \"" + clock.instant()
                + "\", \"good\": " + good + ", \"total\": " + total + "}");
    }

    private static String kafka() {
        return RealInfrastructureResource.kafka().bootstrapServers();
    }

    /** Bucket writes for which {@code condition} holds fail with an exception (SQLSTATE P0001), each try counted. */
    private void failBucketWrites(String condition) throws Exception {
        try (Connection connection = database.getConnection(); Statement sql = connection.createStatement()) {
            sql.execute("create sequence poison_tries");
            sql.execute("""
                    create function poison_bucket() returns trigger language plpgsql as $$
                    begin
                        if %s then
                            perform nextval('poison_tries');
                            raise exception 'a bug in storing this bucket';
                        end if;
                        return new;
                    end $$""".formatted(condition));
            sql.execute("create trigger poison_bucket before insert or update on sli_bucket for each row"
                    + " execute function poison_bucket()");
        }
    }

    private long triesSoFar() throws Exception {
        try (Connection connection = database.getConnection(); Statement sql = connection.createStatement();
                var tries = sql.executeQuery("select last_value, is_called from poison_tries")) {
            tries.next();
            return tries.getBoolean(2) ? tries.getLong(1) : 0;
        }
    }

    private void stopFailingBucketWrites() throws Exception {
        try (Connection connection = database.getConnection(); Statement sql = connection.createStatement()) {
            sql.execute("drop trigger poison_bucket on sli_bucket");
            sql.execute("drop function poison_bucket()");
            sql.execute("drop sequence poison_tries");
        }
    }
}
