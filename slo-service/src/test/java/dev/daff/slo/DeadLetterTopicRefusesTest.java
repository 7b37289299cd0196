package dev.daff.slo;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.events.Topics;
import dev.daff.localinfra.KafkaTestClient;
import dev.daff.localinfra.RealInfrastructureResource;
import dev.daff.slo.budgets.BudgetSnapshots;
import dev.daff.slo.evaluation.SloEvaluator;
import dev.daff.slo.ingest.CountedUpTo;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The dead-letter topic refuses what the consumer writes to it (here: a record size limit far too small, as a topic
 * misconfigured or full). An invalid event cannot be skipped until its dead letter is written, so its partition waits;
 * the replica's other partitions must go on counting. Before, the whole poll failed, every SLO of the replica stopped
 * counting, and each retry made a new consumer (two rebalances of the group a second).
 */
@QuarkusTest
@QuarkusTestResource(value = RealInfrastructureResource.class, restrictToAnnotatedClass = false,
        initArgs = @ResourceArg(name = "database", value = "slo"))
class DeadLetterTopicRefusesTest {

    @BeforeAll
    static void authenticate() {
        dev.daff.localinfra.TestTokens.authenticateEveryRequest();
    }

    @Inject
    SimulatedClockBean clock;

    @Inject
    SloEvaluator evaluator;

    @Inject
    CountedUpTo countedUpTo;

    @Inject
    BudgetSnapshots budgetSnapshots;

    @BeforeEach
    void clockNotBehindTheWall() {
        clock.notBehindTheWall();
    }

    /**
     * While one partition is held behind its invalid event, an SLO counted in another falls silent. Its partition is
     * counted to the end, so its silence is the service's: NO_DATA fires. Before, the replica's completeness was one
     * flag for all its partitions, and one partition held back kept NO_DATA (and every alert's resolving) from every
     * SLO on the replica until it caught up.
     */
    @Test
    void anSloCountedInAnotherPartitionIsJudgedForNoDataWhileOnePartitionIsHeld() throws Exception {
        String held = "dlt-nodata-held";
        String bystander = createWithABystander(held, "dlt-nodata-bystander-");
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        for (int i = 0; i < 3; i++) {
            KafkaTestClient.send(kafka, Topics.SLI_EVENTS, bystander, "{\"slo\": \"" + bystander + "\", \"at\": \""
                    + clock.instant() + "\", \"good\": 1, \"total\": 1}");
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/slos/" + bystander + "/status")
                .then().statusCode(200).body("events.total", equalTo(3)));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka))) {
            refuseDeadLetters(admin);
            try {
                holdThePartitionOf(held, kafka);
                clock.advance(Duration.ofMinutes(20)); // past NO_DATA's 10 minutes
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    evaluator.tick();
                    given().when().get("/api/alerts?state=firing&slo=" + bystander).then().statusCode(200)
                            .body("kind", hasItem("NO_DATA"));
                });
                assertFalse(countedUpTo.complete(), "the held partition is still behind");
                // The deploy gate is told each SLO's counts as of its own partition: the bystander's now, the held one's
                // from before it was held (before, both as of the replica's partition furthest behind).
                budgetSnapshots.publish();
                assertTrue(countedUpTo(kafka, held).isBefore(countedUpTo(kafka, bystander).minusSeconds(3)));
            } finally {
                takeDeadLettersAgain(admin);
            }
        }
    }

    /**
     * A producer that keys by service puts the bystander's events on the held partition, from where they are forwarded
     * to the bystander's. Behind the held event, more of them wait unread: the bystander is not silent, and is not
     * judged so while the partition that forwarded its events is behind.
     */
    @Test
    void anSloWhoseEventsWaitInTheHeldPartitionIsNotJudgedSilent() throws Exception {
        // not the partition held in the test above, which would then be taken for forwarding to its bystander too
        String held = IntStream.range(0, 1_000).mapToObj(i -> "dlt-forwarding-held-" + i).filter(name -> SloIngestTest
                .partitionOf(name) != SloIngestTest.partitionOf("dlt-nodata-held")).findFirst().orElseThrow();
        String bystander = createWithABystander(held, "dlt-forwarding-bystander-");
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        String bystanderEvent = "{\"slo\": \"" + bystander + "\", \"good\": 1, \"total\": 1, \"at\": \"";
        KafkaTestClient.send(kafka, Topics.SLI_EVENTS, held, bystanderEvent + clock.instant() + "\"}"); // keyed otherwise
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/slos/" + bystander + "/status")
                .then().statusCode(200).body("events.total", equalTo(1)));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka))) {
            refuseDeadLetters(admin);
            try {
                holdThePartitionOf(held, kafka);
                clock.advance(Duration.ofMinutes(20)); // past NO_DATA's 10 minutes
                KafkaTestClient.send(kafka, Topics.SLI_EVENTS, held, bystanderEvent + clock.instant() + "\"}"); // waits
                evaluator.tick();
                given().when().get("/api/alerts?state=firing&slo=" + bystander).then().statusCode(200)
                        .body("kind", not(hasItem("NO_DATA")));
            } finally {
                takeDeadLettersAgain(admin);
            }
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/slos/" + bystander + "/status")
                .then().statusCode(200).body("events.total", equalTo(2)));
    }

    @Test
    void anInvalidEventWhoseDeadLetterIsRefusedHoldsOnlyItsOwnPartition() throws Exception {
        String held = "dlt-refused-held";
        String bystander = createWithABystander(held, "dlt-refused-bystander-");
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka))) {
            refuseDeadLetters(admin);
            try {
                String at = Instant.now().toString();
                KafkaTestClient.send(kafka, Topics.SLI_EVENTS, held,
                        "{\"slo\": \"" + held + "\", \"at\": \"" + at + "\", \"good\": 5, \"total\": 3}"); // invalid
                KafkaTestClient.send(kafka, Topics.SLI_EVENTS, held,
                        "{\"slo\": \"" + held + "\", \"at\": \"" + at + "\", \"good\": 1, \"total\": 1}");
                for (int i = 0; i < 3; i++) {
                    KafkaTestClient.send(kafka, Topics.SLI_EVENTS, bystander,
                            "{\"slo\": \"" + bystander + "\", \"at\": \"" + at + "\", \"good\": 1, \"total\": 2}");
                }
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when()
                        .get("/api/slos/" + bystander + "/status").then().statusCode(200)
                        .body("events.total", equalTo(6)).body("events.good", equalTo(3)));
                given().when().get("/api/slos/" + held + "/status").then().statusCode(200)
                        .body("events.total", equalTo(0)); // behind its invalid event: nothing skipped unrecorded
            } finally {
                takeDeadLettersAgain(admin);
            }
        }
        // The topic takes dead letters again: the invalid event is dead-lettered, the one behind it counted.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/slos/" + held + "/status")
                .then().statusCode(200).body("events.total", equalTo(1)).body("events.good", equalTo(1)));
        List<ConsumerRecord<String, String>> deadLetters = KafkaTestClient.read(kafka, Topics.SLI_EVENTS_DEAD_LETTER,
                record -> held.equals(record.key()), 1, Duration.ofSeconds(20));
        assertEquals(1, deadLetters.size());
    }

    private static final ConfigResource DEAD_LETTER_TOPIC = new ConfigResource(ConfigResource.Type.TOPIC,
            Topics.SLI_EVENTS_DEAD_LETTER);

    /** A record size limit far too small for any dead letter, as a topic misconfigured or full. */
    private static void refuseDeadLetters(Admin admin) throws Exception {
        if (!admin.listTopics().names().get().contains(Topics.SLI_EVENTS_DEAD_LETTER)) {
            admin.createTopics(List.of(new NewTopic(Topics.SLI_EVENTS_DEAD_LETTER, Optional.empty(), Optional.empty())))
                    .all().get(); // as the first dead letter would have created it, with the broker's defaults
        }
        admin.incrementalAlterConfigs(Map.of(DEAD_LETTER_TOPIC, List.of(new AlterConfigOp(
                new ConfigEntry("max.message.bytes", "64"), AlterConfigOp.OpType.SET)))).all().get();
    }

    private static void takeDeadLettersAgain(Admin admin) throws Exception {
        admin.incrementalAlterConfigs(Map.of(DEAD_LETTER_TOPIC, List.of(new AlterConfigOp(
                new ConfigEntry("max.message.bytes", ""), AlterConfigOp.OpType.DELETE)))).all().get();
    }

    /** Creates {@code held}, and an SLO named {@code bystanders} and a number on another partition; answers its name. */
    private static String createWithABystander(String held, String bystanders) {
        String bystander = IntStream.range(0, 1_000).mapToObj(i -> bystanders + i)
                .filter(name -> SloIngestTest.partitionOf(name) != SloIngestTest.partitionOf(held)).findFirst().orElseThrow();
        for (String name : List.of(held, bystander)) {
            given().contentType(ContentType.JSON).body(SloIngestTest.slo(name)).when().post("/api/slos").then().statusCode(201);
        }
        return bystander;
    }

    /**
     * Sends {@code held} an invalid event, whose dead letter the topic refuses, and waits past
     * {@code daff.sli.counted.complete-within} (5 s in tests) with its partition behind its end.
     */
    private void holdThePartitionOf(String held, String kafka) {
        KafkaTestClient.send(kafka, Topics.SLI_EVENTS, held, "{\"slo\": \"" + held + "\", \"at\": \"" + Instant.now()
                + "\", \"good\": 5, \"total\": 3}");
        await().atMost(Duration.ofSeconds(30)).until(() -> !countedUpTo.complete(SloIngestTest.partitionOf(held)));
    }

    /** The {@code countedUpTo} of {@code slo}'s budget snapshot on the topic: the one {@code publish()} sent. */
    private static Instant countedUpTo(String kafka, String slo) throws Exception {
        JsonNode snapshot = new ObjectMapper().readTree(KafkaTestClient.read(kafka, Topics.SLO_BUDGETS,
                record -> slo.equals(record.key()) && record.value() != null, 1, Duration.ofSeconds(20)).get(0).value());
        return Instant.parse(snapshot.get("countedUpTo").asText());
    }
}
