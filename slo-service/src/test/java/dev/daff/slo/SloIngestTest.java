package dev.daff.slo;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;

import dev.daff.events.SliEvent;
import dev.daff.events.SliObservedBatch;
import dev.daff.events.Topics;
import dev.daff.kit.json.IsoInstantWriter;
import dev.daff.kit.json.IsoInstants;
import dev.daff.localinfra.LockWaits;
import dev.daff.localinfra.RealInfrastructureResource;
import dev.daff.localinfra.KafkaTestClient;
import dev.daff.slo.ingest.SliConsumer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@QuarkusTestResource(value = RealInfrastructureResource.class, restrictToAnnotatedClass = false,
        initArgs = @ResourceArg(name = "database", value = "slo"))
class SloIngestTest {

    @org.junit.jupiter.api.BeforeAll
    static void authenticate() {
        dev.daff.localinfra.TestTokens.authenticateEveryRequest();
    }

    @Inject
    SimulatedClockBean clock;

    /**
     * These tests send events stamped with the wall clock (or none, so the record's time counts): the service's
     * simulated clock stands still until moved, and once the class has run for a minute such events would be "in the
     * future". Moved forward only, as other tests rely on, and to a whole microsecond (PageReackTest after this one
     * compared a stored time with the clock's and failed on the wall clock's nanoseconds).
     */
    @org.junit.jupiter.api.BeforeEach
    void clockNotBehindTheWall() {
        clock.notBehindTheWall();
    }

    static String slo(String name) {
        return """
                {"name": "%s", "service": "checkout", "team": "payments", "description": "checkout requests succeed",
                 "objective": 99.9, "window": "30d"}
                """.formatted(name);
    }

    @Test
    void createdSloCountsEventsSentOverHttpThroughKafkaIntoPostgres() {
        given().contentType(ContentType.JSON).body(slo("checkout-availability"))
                .when().post("/api/slos")
                .then().statusCode(201)
                .header("Location", endsWith("/api/slos/checkout-availability"))
                .body("window", equalTo("30d"))
                .body("tiers", hasSize(4))
                .body("tiers[0].burnFactor", equalTo(14.4f));

        given().contentType(ContentType.JSON)
                .body("[{\"good\": 990, \"total\": 1000}, {\"good\": 10, \"total\": 10}]")
                .when().post("/api/slos/checkout-availability/events")
                .then().statusCode(202).body("accepted", equalTo(2));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given()
                .when().get("/api/slos/checkout-availability/status")
                .then().statusCode(200)
                .body("events.good", equalTo(1000))
                .body("events.total", equalTo(1010)));
    }

    @Test
    void sliEventsFromKafkaAreCountedAndInvalidOnesDeadLettered() {
        given().contentType(ContentType.JSON).body(slo("search-latency")).when().post("/api/slos").then().statusCode(201);
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        KafkaTestClient.send(kafka, Topics.SLI_EVENTS, "search-latency",
                "{\"slo\": \"search-latency\", \"at\": \"" + Instant.now() + "\", \"good\": 7, \"total\": 9}");
        KafkaTestClient.send(kafka, Topics.SLI_EVENTS, "search-latency",
                "{\"slo\": \"search-latency\", \"good\": 5, \"total\": 3}");
        KafkaTestClient.send(kafka, Topics.SLI_EVENTS, "nobody-knows", "{\"slo\": \"nobody-knows\", \"good\": 1, \"total\": 1}");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given()
                .when().get("/api/slos/search-latency/status")
                .then().statusCode(200).body("events.total", equalTo(9)));
        List<ConsumerRecord<String, String>> deadLetters = KafkaTestClient.read(kafka, Topics.SLI_EVENTS_DEAD_LETTER,
                record -> "search-latency".equals(record.key()) || "nobody-knows".equals(record.key()), 2,
                Duration.ofSeconds(20));
        assertEquals(2, deadLetters.size());
        assertEquals("good (5) must not exceed total (3)", reason(deadLetters.get(0)));
        assertEquals("unknown SLO 'nobody-knows'", reason(deadLetters.get(1)));
    }

    @Inject
    ObjectMapper json;

    @Test
    void theServiceReadsAndWritesInstantsThroughTheFastPaths() throws Exception {
        DefaultDeserializationContext context = ((DefaultDeserializationContext) json.getDeserializationContext())
                .createDummyInstance(json.getDeserializationConfig());
        assertInstanceOf(IsoInstants.class, context.findRootValueDeserializer(json.constructType(Instant.class)));
        assertInstanceOf(IsoInstantWriter.class, json.getSerializerProviderInstance().findValueSerializer(Instant.class));
    }

    @Test
    void namesNoSloCanHaveAreDeadLetteredAndCountingGoesOn() {
        given().contentType(ContentType.JSON).body(slo("hostile-names")).when().post("/api/slos").then().statusCode(201);
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        // PostgreSQL refuses a NUL in text: looked up in the database, this name failed every batch it was in.
        List<String> names = List.of("nul\\u0000name", "x".repeat(10_000), "Upper-Case", "nobody-" + UUID.randomUUID());
        for (String name : names) {
            KafkaTestClient.send(kafka, Topics.SLI_EVENTS, "hostile-names", "{\"slo\": \"" + name + "\", \"good\": 1, \"total\": 1}");
        }
        KafkaTestClient.send(kafka, Topics.SLI_EVENTS, "hostile-names",
                "{\"slo\": \"hostile-names\", \"at\": \"" + Instant.now() + "\", \"good\": 3, \"total\": 4}");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given()
                .when().get("/api/slos/hostile-names/status")
                .then().statusCode(200).body("events.total", equalTo(4)));
        List<ConsumerRecord<String, String>> deadLetters = KafkaTestClient.read(kafka, Topics.SLI_EVENTS_DEAD_LETTER,
                record -> "hostile-names".equals(record.key()), names.size(), Duration.ofSeconds(20));
        assertEquals(names.size(), deadLetters.size());
        deadLetters.forEach(record -> assertTrue(reason(record).startsWith("unknown SLO '"), reason(record)));
    }

    @Test
    void hostileRecordsAreDeadLetteredOrCountedAndCountingGoesOn() throws Exception {
        for (String name : List.of("hostile-records", "hostile-records-other")) {
            given().contentType(ContentType.JSON).body(slo(name)).when().post("/api/slos").then().statusCode(201);
        }
        String hugeKey = "k".repeat(600_000);
        // The broker bounds a record only as compressed: gzip passes a value of megabytes.
        try (var producer = producer(Map.of("compression.type", "gzip", "max.request.size", String.valueOf(16 << 20)))) {
            // Ids as producers write them: a NUL (PostgreSQL refuses it in text), an empty one, and the same id
            // for two SLOs, each counted once for its own SLO — and once however often it is sent (a retry). Two ids
            // of half a surrogate pair each were one id once made UTF-8 ("s?"): the second was dropped as the first
            // sent again; both are dead-lettered.
            for (String[] event : new String[][] { { "hostile-records", "a\u0000b" }, { "hostile-records", "" },
                    { "hostile-records", "17" }, { "hostile-records-other", "17" }, { "hostile-records", "17" },
                    { "hostile-records", "s\\uD800" }, { "hostile-records", "s\\uD801" } }) {
                var record = new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.SLI_EVENTS, event[0],
                        "{\"slo\": \"" + event[0] + "\", \"eventId\": \"" + event[1].replace("\u0000", "\\u0000")
                                + "\", \"at\": \"" + Instant.now() + "\", \"good\": 1, \"total\": 1}");
                record.headers().add(dev.daff.slo.ingest.SliPublisher.IDEMPOTENCY_HEADER,
                        "k".getBytes(StandardCharsets.UTF_8));
                producer.send(record).get();
            }
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.SLI_EVENTS, "hostile-records",
                    "{\"slo\": \"hostile-records\", \"good\": 1, \"total\": 1, \"pad\": \"" + "x".repeat(3_000_000)
                            + "\"}")).get();
            // Within the record bound, but its key and its reason ("unknown SLO '…'") would not fit one dead letter.
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.SLI_EVENTS, hugeKey,
                    "{\"slo\": \"" + "z".repeat(200_000) + "\", \"good\": 1, \"total\": 1}")).get();
        }
        KafkaTestClient.send(RealInfrastructureResource.kafka().bootstrapServers(), Topics.SLI_EVENTS, "hostile-records",
                "{\"slo\": \"hostile-records\", \"at\": \"" + Instant.now() + "\", \"good\": 3, \"total\": 4}");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/slos/hostile-records/status")
                .then().statusCode(200).body("events.total", equalTo(7)));
        given().when().get("/api/slos/hostile-records-other/status").then().statusCode(200)
                .body("events.total", equalTo(1));
        List<ConsumerRecord<String, String>> deadLetters = KafkaTestClient.read(
                RealInfrastructureResource.kafka().bootstrapServers(), Topics.SLI_EVENTS_DEAD_LETTER,
                record -> "hostile-records".equals(record.key()) || hugeKey.startsWith(String.valueOf(record.key()))
                        && record.key().length() > 100, 4, Duration.ofSeconds(20));
        assertEquals(4, deadLetters.size());
        assertEquals(2, deadLetters.stream().filter(record -> reason(record).startsWith("eventId is not Unicode text"))
                .count(), "both ids of half a surrogate pair");
        assertTrue(deadLetters.stream().anyMatch(record -> reason(record).startsWith("a record's key and value hold at most 262144 characters; this one's value has 30000")
                && record.value().length() < 100_000), "the oversized record is dead-lettered with its head only");
        assertTrue(deadLetters.stream().anyMatch(record -> reason(record).startsWith("unknown SLO 'zzz")
                && reason(record).length() <= 1_000), "the huge name's reason is cut short");
    }

    /**
     * A batch record's SLO (its key) and id (a header) go into each refused observation's dead letter. Megabytes of
     * either — a 2 MB batch id, or a key of quotes that JSON escaping doubles — made a dead letter the producer could
     * not send: the consumer went back to the record at every restart and its partition stopped counting for good.
     */
    @Test
    void hostileBatchRecordsAreDeadLetteredAndTheirPartitionsGoOnCounting() throws Exception {
        String quotes = "\"".repeat(600_000);
        String besideQuotes = java.util.stream.IntStream.range(0, 1_000).mapToObj(i -> "hostile-batch-" + i)
                .filter(name -> partitionOf(name) == partitionOf(quotes)).findFirst().orElseThrow();
        String hugeId = "hostile-batch-id";
        for (String name : List.of(besideQuotes, hugeId)) {
            given().contentType(ContentType.JSON).body(slo(name)).when().post("/api/slos").then().statusCode(201);
        }
        try (var producer = producer(Map.of("compression.type", "gzip", "max.request.size", String.valueOf(16 << 20)))) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.SLI_EVENTS, quotes,
                    "[{\"good\": 1, \"total\": 1}, {\"good\": 1, \"total\": 1}]")).get();
            var refusedObservation = new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.SLI_EVENTS, hugeId,
                    "[{\"good\": 5, \"total\": 3}]");
            refusedObservation.headers().add(SliObservedBatch.BATCH_ID_HEADER,
                    "b".repeat(2_000_000).getBytes(StandardCharsets.UTF_8));
            producer.send(refusedObservation).get();
        }
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        for (String name : List.of(besideQuotes, hugeId)) {
            KafkaTestClient.send(kafka, Topics.SLI_EVENTS, name, "[{\"good\": 3, \"total\": 4}]");
        }

        for (String name : List.of(besideQuotes, hugeId)) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/slos/" + name + "/status")
                    .then().statusCode(200).body("events.total", equalTo(4)).body("events.good", equalTo(3)));
        }
        List<ConsumerRecord<String, String>> deadLetters = KafkaTestClient.read(kafka, Topics.SLI_EVENTS_DEAD_LETTER,
                record -> hugeId.equals(record.key()) || quotes.startsWith(String.valueOf(record.key()))
                        && record.key().length() > 100, 3, Duration.ofSeconds(20));
        assertEquals(3, deadLetters.size(), "each refused observation dead-lettered once");
        for (ConsumerRecord<String, String> deadLetter : deadLetters) {
            assertTrue(deadLetter.value().length() < 2_000, "a dead letter of " + deadLetter.value().length() + " chars");
            SliEvent refused = json.readValue(deadLetter.value(), SliEvent.class);
            assertTrue(refused.eventId() == null || refused.eventId().length() <= 100, refused.eventId());
        }
    }

    /**
     * Only the replica that owns an SLO's partition evaluates it: an event on another partition (keyed by something
     * else than its SLO) would be stored but never reach the owner's sums. It is forwarded under its SLO's key and
     * counted there, once even when forwarded twice.
     */
    @Test
    void anEventOnAPartitionNotItsSlosIsForwardedToItsSlosAndCountedOnce() throws Exception {
        String slo = "misrouted-key";
        given().contentType(ContentType.JSON).body(slo(slo)).when().post("/api/slos").then().statusCode(201);
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        String otherKey = java.util.stream.IntStream.range(0, 100).mapToObj(i -> "service-" + i)
                .filter(key -> partitionOf(key) != partitionOf(slo)).findFirst().orElseThrow();
        KafkaTestClient.send(kafka, Topics.SLI_EVENTS, otherKey,
                "{\"slo\": \"" + slo + "\", \"at\": \"" + Instant.now() + "\", \"good\": 3, \"total\": 4}");
        // The same copy forwarded twice (a batch whose commit failed after its forwards were sent).
        try (var producer = producer(Map.of())) {
            for (int copy = 0; copy < 2; copy++) {
                var record = new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.SLI_EVENTS, slo,
                        "{\"slo\": \"" + slo + "\", \"at\": \"" + Instant.now() + "\", \"good\": 1, \"total\": 1}");
                record.headers().add("daff-origin", "daff.sli-events/0/424242".getBytes(StandardCharsets.UTF_8));
                producer.send(record).get();
            }
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/slos/" + slo + "/status")
                .then().statusCode(200).body("events.total", equalTo(5)).body("events.good", equalTo(4)));
        List<ConsumerRecord<String, String>> forwarded = KafkaTestClient.read(kafka, Topics.SLI_EVENTS,
                record -> slo.equals(record.key()) && record.value().contains("\"good\": 3")
                        && record.headers().lastHeader("daff-origin") != null, 1, Duration.ofSeconds(20));
        assertEquals(1, forwarded.size(), "the event went back on the topic under its SLO's key");
        assertEquals(partitionOf(slo), forwarded.get(0).partition());
    }

    /** A producer of the test's own, as telemetry writes to the topic: headers, compression, whatever it sets. */
    static org.apache.kafka.clients.producer.KafkaProducer<String, String> producer(Map<String, String> settings) {
        java.util.Properties props = new java.util.Properties();
        props.put("bootstrap.servers", RealInfrastructureResource.kafka().bootstrapServers());
        props.putAll(settings);
        return new org.apache.kafka.clients.producer.KafkaProducer<>(props,
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.StringSerializer());
    }

    static int partitionOf(String key) {
        return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
                key.getBytes(StandardCharsets.UTF_8))) % dev.daff.localinfra.KafkaTopicsSetup.SLI_EVENTS_PARTITIONS;
    }

    @Test
    void badEventsAreRefusedWholeWithProblemJsonAndNothingIsStored() {
        given().contentType(ContentType.JSON).body(slo("login-success")).when().post("/api/slos").then().statusCode(201);
        given().contentType(ContentType.JSON)
                .body("[{\"good\": 1, \"total\": 1}, {\"good\": 2, \"total\": 1}, {\"good\": -1, \"total\": 1}]")
                .when().post("/api/slos/login-success/events")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors", hasSize(2))
                .body("errors[0].field", equalTo("[1]"));
        given().contentType(ContentType.JSON).body("[{\"good\": 1, \"total\": 1, \"at\": \"" + Instant.now().plus(Duration.ofDays(1)) + "\"}]")
                .when().post("/api/slos/login-success/events")
                .then().statusCode(400).body("errors[0].message", containsString("in the future"));
        given().contentType(ContentType.JSON).body("[{\"good\": 1, \"total\": 1, \"at\": \""
                + clock.instant().minus(Duration.ofDays(30)).minusMillis(1) + "\"}]") // judged in whole milliseconds
                .when().post("/api/slos/login-success/events")
                .then().statusCode(400).body("errors[0].message", containsString("older than the SLO window (30 days)"));
        given().contentType(ContentType.JSON).body("[{\"good\": 1, \"total\": 1}]")
                .when().post("/api/slos/no-such-slo/events")
                .then().statusCode(404).contentType("application/problem+json");
        given().when().get("/api/slos/login-success/status").then().statusCode(200).body("events.total", equalTo(0));
    }

    /**
     * Jackson's defaults read a missing or null count as 0 and 0.999 as 0: one such observation was counted as all of
     * its events failed, which pages a 99.9 % SLO. A count must be there, not null, and whole.
     */
    @Test
    void countsThatAreMissingNullOrFractionalAreRefusedNotReadAsZero() {
        given().contentType(ContentType.JSON).body(slo("counts-required")).when().post("/api/slos").then().statusCode(201);
        given().contentType(ContentType.JSON).body("[{\"good\": 1, \"total\": 1}, {\"total\": 100}]")
                .when().post("/api/slos/counts-required/events").then().statusCode(400)
                .body("errors[0].field", equalTo("[1].good")).body("errors[0].message", equalTo("is required"));
        given().contentType(ContentType.JSON).body("[{\"good\": null, \"total\": 100}]")
                .when().post("/api/slos/counts-required/events").then().statusCode(400)
                .body("errors[0].field", equalTo("[0].good")).body("errors[0].message", equalTo("must not be null"));
        for (String batch : List.of("[{\"total\": 100}]", "[{\"good\": null, \"total\": 5}]", "[{\"good\": 0.999, \"total\": 1}]",
                "[{\"good\": 1, \"total\": 2.5}]", "[{\"good\": 3}]")) {
            given().contentType(ContentType.JSON).body(batch).when().post("/api/slos/counts-required/events")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("detail", not(containsString("Exception"))).body("detail", not(containsString("dev.daff")));
        }
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        // Another producer's schema, and a success ratio where a count belongs: dead letters, not 100 failed events.
        KafkaTestClient.send(kafka, Topics.SLI_EVENTS, "counts-required", "{\"slo\": \"counts-required\", \"bad\": 2, \"total\": 100}");
        KafkaTestClient.send(kafka, Topics.SLI_EVENTS, "counts-required", "{\"slo\": \"counts-required\", \"good\": 0.999, \"total\": 1}");
        KafkaTestClient.send(kafka, Topics.SLI_EVENTS, "counts-required", "[{\"good\": null, \"total\": 7}]");
        KafkaTestClient.send(kafka, Topics.SLI_EVENTS, "counts-required", "{\"slo\": \"counts-required\", \"good\": 4, \"total\": 4}");
        given().contentType(ContentType.JSON).body("[{\"good\": 6, \"total\": 6}]").when()
                .post("/api/slos/counts-required/events").then().statusCode(202);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/slos/counts-required/status")
                .then().statusCode(200).body("events.total", equalTo(10)).body("events.good", equalTo(10)));
        assertEquals(3, KafkaTestClient.read(kafka, Topics.SLI_EVENTS_DEAD_LETTER, record -> "counts-required".equals(record.key()),
                3, Duration.ofSeconds(20)).size());
        // No burn: the refused observations were not counted as failed events. (A NO_DATA may fire, since the test
        // clock may stand past these minutes by then; it says nothing of the counts.)
        given().queryParam("state", "firing").when().get("/api/alerts").then().statusCode(200)
                .body("findAll { it.slo == 'counts-required' && it.kind == 'BURN_RATE' }", hasSize(0));
    }

    @Inject
    javax.sql.DataSource database;

    @Inject
    dev.daff.slo.ingest.SloCatalog catalog;

    /**
     * At the future edge, with the clock half a millisecond into its millisecond, HTTP and the consumer judge alike: 60 s
     * ahead of the millisecond is accepted and counted, half a millisecond more is refused with a 400. Before, both
     * were accepted, and the second was dead-lettered by the consumer, which judges at the acceptance time in whole
     * milliseconds: a 202 for events never counted.
     */
    @Test
    void anObservationAtTheFutureEdgeIsJudgedAlikeOverHttpAndByTheConsumer() throws Exception {
        String slo = "future-edge";
        given().contentType(ContentType.JSON).body(slo(slo)).when().post("/api/slos").then().statusCode(201);
        clock.advance(Duration.ofNanos(1_500_000 - clock.instant().getNano() % 1_000_000)); // half a ms into a ms
        Instant millisecond = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        given().contentType(ContentType.JSON).body("[{\"at\": \"" + clock.instant().plusSeconds(60) + "\", \"good\": 1, \"total\": 1}]")
                .when().post("/api/slos/" + slo + "/events").then().statusCode(400).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body("[{\"at\": \"" + millisecond.plusSeconds(60) + "\", \"good\": 1, \"total\": 1}]")
                .when().post("/api/slos/" + slo + "/events").then().statusCode(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> storedTotal(slo) == 1);
    }

    /**
     * An SLO deleted through another replica: this one stops counting it once it has read the definitions again (every
     * evaluation tick), and what it counted in between does not follow the name into an SLO created under it later.
     */
    @Test
    void anSloDeletedThroughAnotherReplicaIsNoLongerCountedAndARecreatedOneStartsFromNothing() throws Exception {
        String slo = "deleted-elsewhere";
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        given().contentType(ContentType.JSON).body(slo(slo)).when().post("/api/slos").then().statusCode(201);
        given().contentType(ContentType.JSON).body("[{\"good\": 1, \"total\": 1}]").when().post("/api/slos/" + slo + "/events")
                .then().statusCode(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> storedTotal(slo) == 1);
        try (var connection = database.getConnection(); var sql = connection.createStatement()) {
            connection.setAutoCommit(false); // what the other replica's DELETE stores
            sql.execute("delete from sli_bucket where slo_name = '" + slo + "'");
            sql.execute("delete from slo where name = '" + slo + "'");
            connection.commit();
        }
        // Before this replica reads the definitions again, the failures of a producer not yet told are still counted.
        KafkaTestClient.send(kafka, Topics.SLI_EVENTS, slo, "{\"slo\": \"" + slo + "\", \"good\": 0, \"total\": 100}");
        await().atMost(Duration.ofSeconds(20)).until(() -> storedTotal(slo) == 100);

        catalog.follow();
        given().contentType(ContentType.JSON).body("[{\"good\": 0, \"total\": 50}]").when().post("/api/slos/" + slo + "/events")
                .then().statusCode(404).contentType("application/problem+json");
        KafkaTestClient.send(kafka, Topics.SLI_EVENTS, slo, "{\"slo\": \"" + slo + "\", \"good\": 0, \"total\": 70}");
        List<ConsumerRecord<String, String>> deadLetters = KafkaTestClient.read(kafka, Topics.SLI_EVENTS_DEAD_LETTER,
                record -> slo.equals(record.key()), 1, Duration.ofSeconds(20));
        assertEquals("unknown SLO '" + slo + "'", reason(deadLetters.get(0)));
        assertEquals(100, storedTotal(slo));

        given().contentType(ContentType.JSON).body(slo(slo)).when().post("/api/slos").then().statusCode(201);
        assertEquals(0, storedTotal(slo), "created again, it starts from nothing");
        given().when().get("/api/slos/" + slo + "/status").then().statusCode(200).body("events.total", equalTo(0));
    }

    /**
     * An event dead-lettered (its SLO not made yet) and replayed hours later counts in the minute it happened: replayed
     * as "now", hours of failures landed in the paging windows and paged for something long over.
     */
    @Test
    void aDeadLetterReplayedLaterCountsWhenItHappenedNotWhenReplayed() throws Exception {
        String slo = "defined-hours-later";
        Instant happened = clock.instant().minus(Duration.ofHours(3)).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        try (var producer = producer(Map.of())) { // no "at": the record's time is when it happened
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.SLI_EVENTS, null,
                    happened.toEpochMilli(), slo, "{\"slo\": \"" + slo + "\", \"good\": 0, \"total\": 50}")).get();
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.SLI_EVENTS, null,
                    happened.plusSeconds(60).toEpochMilli(), slo, "[{\"good\": 0, \"total\": 5}]")).get();
        }
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        KafkaTestClient.read(kafka, Topics.SLI_EVENTS_DEAD_LETTER, record -> slo.equals(record.key()), 2, Duration.ofSeconds(20));
        given().contentType(ContentType.JSON).body(slo(slo)).when().post("/api/slos").then().statusCode(201);
        given().when().post("/api/admin/dead-letters/daff.sli-events.dead-letter/replay?max=10000").then().statusCode(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> storedTotal(slo) == 55);
        try (var connection = database.getConnection(); var query = connection.prepareStatement(
                "select minute, total from sli_bucket where slo_name = ? order by minute")) {
            query.setString(1, slo);
            try (var rows = query.executeQuery()) {
                List<String> minutes = new java.util.ArrayList<>();
                while (rows.next()) {
                    minutes.add(rows.getTimestamp(1).toInstant() + " " + rows.getLong(2));
                }
                assertEquals(List.of(happened + " 50", happened.plusSeconds(60) + " 5"), minutes);
            }
        }
    }

    private long storedTotal(String slo) throws java.sql.SQLException {
        try (var connection = database.getConnection();
                var query = connection.prepareStatement("select coalesce(sum(total), 0) from sli_bucket where slo_name = ?")) {
            query.setString(1, slo);
            try (var result = query.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    /** A header with a null value (Kafka allows one) was read as text: the consumer failed on that record for good. */
    @Test
    void aHeaderWithoutAValueStopsNoCounting() throws Exception {
        given().contentType(ContentType.JSON).body(slo("null-header")).when().post("/api/slos").then().statusCode(201);
        given().contentType(ContentType.JSON).body(slo("after-null-header")).when().post("/api/slos").then().statusCode(201);
        try (var producer = producer(Map.of())) {
            var event = new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.SLI_EVENTS, "null-header",
                    "{\"slo\": \"null-header\", \"good\": 1, \"total\": 1}");
            event.headers().add("daff-origin", null);
            producer.send(event).get();
            var batch = new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.SLI_EVENTS, "null-header",
                    "[{\"good\": 1, \"total\": 2}]");
            batch.headers().add(dev.daff.slo.ingest.SliPublisher.IDEMPOTENCY_HEADER, null);
            batch.headers().add(dev.daff.events.SliObservedBatch.BATCH_ID_HEADER, null);
            producer.send(batch).get();
        }
        KafkaTestClient.send(RealInfrastructureResource.kafka().bootstrapServers(), Topics.SLI_EVENTS, "after-null-header",
                "{\"slo\": \"after-null-header\", \"good\": 3, \"total\": 4}");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/slos/after-null-header/status")
                .then().body("events.total", equalTo(4)));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/slos/null-header/status")
                .then().body("events.total", equalTo(3)).body("events.good", equalTo(2)));
    }

    @Test
    void hugeCountsAreRefusedAndCountingGoesOnForEveryone() {
        given().contentType(ContentType.JSON).body(slo("overflow-target")).when().post("/api/slos").then().statusCode(201);
        given().contentType(ContentType.JSON).body("[{\"good\": 5000000000000000000, \"total\": 5000000000000000000}]")
                .when().post("/api/slos/overflow-target/events")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].message", containsString("exceeds the limit"));
        // Over Kafka: one huge record, and two records each allowed alone that together would overfill one minute.
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        String minute = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).toString();
        KafkaTestClient.send(kafka, Topics.SLI_EVENTS, "overflow-target",
                "{\"slo\": \"overflow-target\", \"good\": 5000000000000000000, \"total\": 5000000000000000000}");
        for (int i = 0; i < 2; i++) {
            KafkaTestClient.send(kafka, Topics.SLI_EVENTS, "overflow-target",
                    "{\"slo\": \"overflow-target\", \"at\": \"" + minute + "\", \"good\": 600000000000, \"total\": 600000000000}");
        }
        KafkaTestClient.send(kafka, Topics.SLI_EVENTS, "overflow-target",
                "{\"slo\": \"overflow-target\", \"good\": 3, \"total\": 4}");
        List<ConsumerRecord<String, String>> refused = KafkaTestClient.read(kafka, Topics.SLI_EVENTS_DEAD_LETTER,
                record -> "overflow-target".equals(record.key()), 2, Duration.ofSeconds(20));
        List<String> reasons = refused.stream().map(SloIngestTest::reason).toList();
        assertTrue(reasons.contains("total (5000000000000000000) exceeds the limit of 1000000000000 events per observation"),
                reasons.toString());
        assertTrue(reasons.stream().anyMatch(reason -> reason.startsWith("the minute " + minute)), reasons.toString());

        // The next SLO's events are still counted, and the first SLO kept what fit.
        given().contentType(ContentType.JSON).body(slo("after-overflow")).when().post("/api/slos").then().statusCode(201);
        given().contentType(ContentType.JSON).body("[{\"good\": 9, \"total\": 10}]")
                .when().post("/api/slos/after-overflow/events").then().statusCode(202);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given()
                .when().get("/api/slos/after-overflow/status").then().statusCode(200).body("events.total", equalTo(10)));
        // The evaluator updates each SLO's status within a second of its counts, not in the order they were stored.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            long total = given().when().get("/api/slos/overflow-target/status").then().statusCode(200)
                    .extract().jsonPath().getLong("events.total");
            assertTrue(total == 4 || total == 600_000_000_004L, "kept " + total);
        });
    }

    @Test
    void aBatchRetriedWithTheSameIdempotencyKeyCountsOnce() {
        given().contentType(ContentType.JSON).body(slo("retried-batches")).when().post("/api/slos").then().statusCode(201);
        String batch = "[{\"good\": 5, \"total\": 6}, {\"good\": 1, \"total\": 1}]";
        for (int i = 0; i < 2; i++) {
            given().contentType(ContentType.JSON).header("Idempotency-Key", "batch-0001").body(batch)
                    .when().post("/api/slos/retried-batches/events").then().statusCode(202);
        }
        given().contentType(ContentType.JSON).header("Idempotency-Key", "batch-0002").body(batch)
                .when().post("/api/slos/retried-batches/events").then().statusCode(202);
        given().contentType(ContentType.JSON).body("[{\"good\": 0, \"total\": 100}]")
                .when().post("/api/slos/retried-batches/events").then().statusCode(202);
        // A batch of two records, retried: each record counts once.
        String large = "[" + String.join(",", java.util.Collections.nCopies(1_500, "{\"good\": 1, \"total\": 1}")) + "]";
        for (int i = 0; i < 2; i++) {
            given().contentType(ContentType.JSON).header("Idempotency-Key", "batch-0003").body(large)
                    .when().post("/api/slos/retried-batches/events").then().statusCode(202);
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given()
                .when().get("/api/slos/retried-batches/status").then().statusCode(200)
                .body("events.total", equalTo(1_614)).body("events.good", equalTo(1_512)));
        given().contentType(ContentType.JSON).header("Idempotency-Key", "k".repeat(201)).body(batch)
                .when().post("/api/slos/retried-batches/events").then().statusCode(400)
                .contentType("application/problem+json");
    }

    /**
     * The consumer counts a keyed batch once per SLO, key and position, whatever it holds: a new batch under a used key
     * was answered 202 and never counted. It is refused instead, and the key keeps working for the batch it came with.
     */
    @Test
    void aKeyReusedWithADifferentBatchIsRefusedAndNothingOfThatBatchIsCounted() {
        for (String slo : List.of("reused-key", "reused-key-elsewhere")) {
            given().contentType(ContentType.JSON).body(slo(slo)).when().post("/api/slos").then().statusCode(201);
        }
        String first = "[{\"good\": 5, \"total\": 6}]";
        String other = "[{\"good\": 0, \"total\": 50}]";
        given().contentType(ContentType.JSON).header("Idempotency-Key", "reused-0001").body(first)
                .when().post("/api/slos/reused-key/events").then().statusCode(202);
        given().contentType(ContentType.JSON).header("Idempotency-Key", "reused-0001").body(other)
                .when().post("/api/slos/reused-key/events").then().statusCode(422)
                .contentType("application/problem+json").body("type", containsString("idempotency-key-reused"));
        // The batch the key came with is still a retry; another SLO's batch with the same key is its own.
        given().contentType(ContentType.JSON).header("Idempotency-Key", "reused-0001").body(first)
                .when().post("/api/slos/reused-key/events").then().statusCode(202);
        given().contentType(ContentType.JSON).header("Idempotency-Key", "reused-0001").body(other)
                .when().post("/api/slos/reused-key-elsewhere/events").then().statusCode(202);
        given().contentType(ContentType.JSON).body("[{\"good\": 1, \"total\": 1}]")
                .when().post("/api/slos/reused-key/events").then().statusCode(202);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            given().when().get("/api/slos/reused-key/status").then().statusCode(200)
                    .body("events.total", equalTo(7)).body("events.good", equalTo(6));
            given().when().get("/api/slos/reused-key-elsewhere/status").then().statusCode(200)
                    .body("events.total", equalTo(50));
        });
    }

    /**
     * Another replica widened the SLO's window and accepted a backfill by it; this replica, which counts the SLO, had
     * not yet followed the change (until its next tick), and dead-lettered the batch that client was answered 202 for.
     */
    @Test
    void aBackfillAcceptedByAWindowWidenedElsewhereIsCountedBeforeThisReplicaHasFollowed() throws Exception {
        given().contentType(ContentType.JSON).body(slo("widened-elsewhere").replace("30d", "7d"))
                .when().post("/api/slos").then().statusCode(201);
        try (Connection connection = database.getConnection(); Statement sql = connection.createStatement()) {
            assertEquals(1, sql.executeUpdate(
                    "update slo set window_days = 30, version = version + 1 where name = 'widened-elsewhere'"));
        }
        Instant now = clock.instant();
        KafkaTestClient.send(RealInfrastructureResource.kafka().bootstrapServers(), Topics.SLI_EVENTS, "widened-elsewhere",
                "[{\"at\": \"" + now.minus(Duration.ofDays(10)) + "\", \"good\": 1, \"total\": 3}]",
                Map.of(SliObservedBatch.ACCEPTED_AT_HEADER, String.valueOf(now.toEpochMilli())));
        given().contentType(ContentType.JSON).body("[{\"good\": 1, \"total\": 1}]")
                .when().post("/api/slos/widened-elsewhere/events").then().statusCode(202);
        // Stored, not dead-lettered; this replica's evaluator follows the wider window at its next tick (README).
        await().atMost(Duration.ofSeconds(20)).until(() -> storedTotal("widened-elsewhere") == 4);
    }

    /**
     * Refused here although stamped as accepted by HTTP ingest, so its SLO's window is read again — but its key names
     * no SLO: no key, or one with a NUL that PostgreSQL refuses. Sent to the database, that failed the poll on every
     * retry, and this replica, owning every partition here, counted nothing more.
     */
    @Test
    void aStampedRecordWhoseKeyNamesNoSloIsDeadLetteredAndCountingGoesOn() {
        given().contentType(ContentType.JSON).body(slo("after-stamped-nonsense")).when().post("/api/slos").then().statusCode(201);
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        Map<String, String> stamped = Map.of(SliObservedBatch.ACCEPTED_AT_HEADER, String.valueOf(clock.instant().toEpochMilli()));
        KafkaTestClient.send(kafka, Topics.SLI_EVENTS, null, "[{\"good\": 1, \"total\": 1}]", stamped);
        KafkaTestClient.send(kafka, Topics.SLI_EVENTS, "no\u0000slo", "[{\"good\": 1, \"total\": 1}]", stamped);
        given().contentType(ContentType.JSON).body("[{\"good\": 1, \"total\": 2}]")
                .when().post("/api/slos/after-stamped-nonsense/events").then().statusCode(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> storedTotal("after-stamped-nonsense") == 2);
        assertEquals(2, KafkaTestClient.read(kafka, Topics.SLI_EVENTS_DEAD_LETTER, record -> record.key() == null
                || record.key().equals("no\u0000slo"), 2, Duration.ofSeconds(20)).size());
    }

    @Test
    void deadLettersAreCountedAndReplayedOnceTheCauseIsFixed() {
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        KafkaTestClient.send(kafka, Topics.SLI_EVENTS, "defined-later",
                "{\"slo\": \"defined-later\", \"at\": \"" + Instant.now() + "\", \"good\": 2, \"total\": 3}");
        KafkaTestClient.read(kafka, Topics.SLI_EVENTS_DEAD_LETTER, record -> "defined-later".equals(record.key()), 1,
                Duration.ofSeconds(20));
        int depth = given().when().get("/api/admin/dead-letters").then().statusCode(200)
                .extract().jsonPath().getInt("find { it.topic == 'daff.sli-events.dead-letter' }.depth");
        assertTrue(depth >= 1, "depth " + depth);
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> given().when().get("/q/metrics").then()
                .body(containsString("daff_dead_letter_depth{topic=\"daff.sli-events.dead-letter\"}")));

        // The same dead letter twice, as a batch whose commit failed after its dead letters were sent leaves it.
        ConsumerRecord<String, String> letter = KafkaTestClient.read(kafka, Topics.SLI_EVENTS_DEAD_LETTER,
                record -> "defined-later".equals(record.key()), 1, Duration.ofSeconds(20)).get(0);
        assertTrue(letter.headers().lastHeader("daff-origin") != null, "a dead letter says where it was first read");
        try (var producer = producer(Map.of())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(letter.topic(), null, letter.key(),
                    letter.value(), letter.headers())).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }

        given().contentType(ContentType.JSON).body(slo("defined-later")).when().post("/api/slos").then().statusCode(201);
        // While another replica replays the topic (it holds the replay's lock), a second replay is 409 and sends
        // nothing: two would share the replay group, rebalancing each other and answering 503 for what they sent.
        try (var otherReplica = database.getConnection()) {
            otherReplica.setAutoCommit(false);
            try (var lock = otherReplica.prepareStatement("select pg_advisory_xact_lock(hashtextextended(?, 0))")) {
                lock.setString(1, "dead-letter-replay:slo-service-dead-letter-replay");
                lock.execute();
            }
            given().when().post("/api/admin/dead-letters/daff.sli-events.dead-letter/replay?max=10000").then()
                    .statusCode(409).contentType("application/problem+json").body("type", containsString("replay-running"));
            int waiting = given().when().get("/api/admin/dead-letters").then().statusCode(200).extract().jsonPath()
                    .getInt("find { it.topic == 'daff.sli-events.dead-letter' }.depth");
            assertTrue(waiting >= depth + 1, "nothing was replayed: " + waiting + " wait, " + depth + " before the copy");
            otherReplica.rollback();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        int replayed = given().when().post("/api/admin/dead-letters/daff.sli-events.dead-letter/replay?max=10000")
                .then().statusCode(200).extract().jsonPath().getInt("replayed");
        assertTrue(replayed >= 2, "replayed " + replayed);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given()
                .when().get("/api/slos/defined-later/status").then().statusCode(200).body("events.total", equalTo(3)));
        given().when().post("/api/admin/dead-letters/daff.no-such-topic/replay").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void ingestAnswers503WithRetryAfterWhileTheBrokerIsAwayAnd202OnceItIsBack() {
        given().contentType(ContentType.JSON).body(slo("broker-stall")).when().post("/api/slos").then().statusCode(201);
        dev.daff.localinfra.LocalKafka broker = RealInfrastructureResource.kafka();
        broker.stop();
        try {
            given().contentType(ContentType.JSON).header("Idempotency-Key", "during-stall")
                    .body("[{\"good\": 1, \"total\": 2}]")
                    .when().post("/api/slos/broker-stall/events")
                    .then().statusCode(503).contentType("application/problem+json").header("Retry-After", "5");
        } finally {
            broker.start();
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> given()
                .contentType(ContentType.JSON).header("Idempotency-Key", "during-stall").body("[{\"good\": 1, \"total\": 2}]")
                .when().post("/api/slos/broker-stall/events").then().statusCode(202));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given()
                .when().get("/api/slos/broker-stall/status").then().statusCode(200).body("events.total", equalTo(2)));
    }

    /**
     * An observation accepted over HTTP (202) is judged by the time rules when it was accepted, not again by the
     * consuming replica's clock: a consumer that reads it later (behind, or a replica whose clock runs ahead) would
     * otherwise dead-letter what the client was told is counted. Here the consumer is held on its previous poll while
     * the clock moves a minute past the observation's window.
     */
    @Test
    void anObservationAcceptedOverHttpIsCountedHoweverLateTheConsumerReadsIt() throws Exception {
        String slo = "accepted-at-the-edge";
        given().contentType(ContentType.JSON).body(slo(slo)).when().post("/api/slos").then().statusCode(201);
        given().contentType(ContentType.JSON).body("[{\"good\": 1, \"total\": 1}]")
                .when().post("/api/slos/" + slo + "/events").then().statusCode(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> storedTotal(slo) == 1); // its partition's offset is stored
        try (var holding = database.getConnection(); var sql = holding.createStatement()) {
            // The consumer's stored offsets locked: its next poll waits at the end, where it moves them.
            holding.setAutoCommit(false);
            sql.execute("select next_offset from sli_consumer_offset for update");
            given().contentType(ContentType.JSON).body("[{\"good\": 1, \"total\": 1}]")
                    .when().post("/api/slos/" + slo + "/events").then().statusCode(202);
            await("the consumer waits on its offsets").atMost(Duration.ofSeconds(20)).until(() -> LockWaits.onRows(database) > 0);
            Instant edge = clock.instant().minus(Duration.ofDays(30)).plusSeconds(30);
            given().contentType(ContentType.JSON).body("[{\"at\": \"" + edge + "\", \"good\": 0, \"total\": 7}]")
                    .when().post("/api/slos/" + slo + "/events").then().statusCode(202).body("accepted", equalTo(1));
            clock.advance(Duration.ofMinutes(1));
            holding.commit();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> storedTotal(slo) == 9);
    }

    @Test
    void anHttpBatchTravelsAsOneRecordPerThousandAndAnObservationRefusedWhenCountedIsDeadLetteredAlone() throws Exception {
        given().contentType(ContentType.JSON).body(slo("batched-http")).when().post("/api/slos").then().statusCode(201);
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        Instant full = Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        KafkaTestClient.send(kafka, Topics.SLI_EVENTS, "batched-http",
                "{\"slo\": \"batched-http\", \"at\": \"" + full + "\", \"good\": 600000000000, \"total\": 600000000000}");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/slos/batched-http/status")
                .then().statusCode(200).body("events.total", equalTo(600_000_000_000L)));
        double countedBefore = countedEvents();

        // Allowed alone, so HTTP takes it; the minute it names is too full by the time it is counted.
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 2_500; i++) {
            batch.append(i == 0 ? "" : ",").append(i == 1_700
                    ? "{\"at\": \"" + full + "\", \"good\": 600000000000, \"total\": 600000000000}"
                    : "{\"good\": " + (i % 2) + ", \"total\": 1}");
        }
        given().contentType(ContentType.JSON).body(batch.append("]").toString())
                .when().post("/api/slos/batched-http/events").then().statusCode(202).body("accepted", equalTo(2_500));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/slos/batched-http/status")
                .then().statusCode(200).body("events.total", equalTo(600_000_002_499L)).body("events.good", equalTo(600_000_001_250L)));
        List<ConsumerRecord<String, String>> deadLetters = KafkaTestClient.read(kafka, Topics.SLI_EVENTS_DEAD_LETTER,
                record -> "batched-http".equals(record.key()), 1, Duration.ofSeconds(20));
        assertEquals(1, deadLetters.size());
        assertTrue(reason(deadLetters.get(0)).startsWith("the minute " + full + " already holds nearly"), reason(deadLetters.get(0)));
        SliEvent refused = json.readValue(deadLetters.get(0).value(), SliEvent.class);
        assertEquals(List.of("batched-http", full, 600_000_000_000L, 600_000_000_000L),
                List.of(refused.slo(), refused.at(), refused.good(), refused.total()));
        assertTrue(refused.eventId().endsWith(":1700"), refused.eventId());
        assertTrue(countedEvents() - countedBefore >= 2_499, "the counter counts events, not records");

        List<ConsumerRecord<String, String>> onTheLog = KafkaTestClient.read(kafka, Topics.SLI_EVENTS,
                record -> "batched-http".equals(record.key()) && record.value().startsWith("["), 3, Duration.ofSeconds(20));
        List<String> firstIndexes = new java.util.ArrayList<>();
        for (ConsumerRecord<String, String> record : onTheLog) {
            firstIndexes.add(new String(record.headers().lastHeader(SliObservedBatch.FIRST_INDEX_HEADER).value(),
                    StandardCharsets.UTF_8) + "+" + json.readTree(record.value()).size() + " " + new String(
                    record.headers().lastHeader("daff-minute-sums").value(), StandardCharsets.UTF_8));
        }
        // Each record's observations summed per minute (all but one are at the request's "now"): the second record's
        // sums are now's 999 and, apart, observation 1,700 in the full minute, its 700th.
        assertEquals(List.of("0+1 0:1000", "1000+2 0:999,700:1", "2000+1 0:500"),
                firstIndexes.stream().sorted().toList());
        // What a daff version from before batch records would do with one: fail to read it as an event, and
        // dead-letter it whole for a replay after the upgrade, rather than count an event without counts.
        assertThrows(com.fasterxml.jackson.databind.exc.MismatchedInputException.class,
                () -> json.readerFor(SliEvent.class).readValue(onTheLog.get(0).value()));
    }

    @Test
    void batchRecordsFromTelemetryAreCountedObservationByObservation() throws Exception {
        given().contentType(ContentType.JSON).body(slo("kafka-batches")).when().post("/api/slos").then().statusCode(201);
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        KafkaTestClient.send(kafka, Topics.SLI_EVENTS, "kafka-batches", """
                [{"good": 3, "total": 4}, {"good": 5, "total": 3}, null, {"at": "%s", "good": 1, "total": 1}]
                """.formatted(Instant.now()));
        KafkaTestClient.send(kafka, Topics.SLI_EVENTS, "kafka-batches", " []");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/slos/kafka-batches/status")
                .then().statusCode(200).body("events.total", equalTo(5)).body("events.good", equalTo(4)));
        List<ConsumerRecord<String, String>> deadLetters = KafkaTestClient.read(kafka, Topics.SLI_EVENTS_DEAD_LETTER,
                record -> "kafka-batches".equals(record.key()), 3, Duration.ofSeconds(20));
        assertEquals(List.of("good (5) must not exceed total (3)", "an observation must not be null",
                "a batch needs at least one observation"), deadLetters.stream().map(SloIngestTest::reason).toList());
        SliEvent alone = json.readValue(deadLetters.get(0).value(), SliEvent.class);
        assertEquals(List.of("kafka-batches", 5L, 3L), List.of(alone.slo(), alone.good(), alone.total()));
        assertEquals("null", deadLetters.get(1).value());
        assertEquals(" []", deadLetters.get(2).value());
    }

    @Test
    void aMomentaryDatabaseRefusalWhileStoringBucketByBucketRefusesNoEvent() throws Exception {
        // The bucket is nearly full, so the poll cannot be stored whole and is stored bucket by bucket, then event by
        // event; there the database refuses once, as in a failover (40001, on the first event added alone). That was
        // taken for a bucket that can never be stored: both events were dead-lettered and the offsets moved on.
        given().contentType(ContentType.JSON).body(slo("overfill-blip")).when().post("/api/slos").then().statusCode(201);
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        Instant minute = Instant.now().minus(Duration.ofMinutes(5)).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        KafkaTestClient.send(kafka, Topics.SLI_EVENTS, "overfill-blip", """
                [{"at": "%1$s", "good": 600000000000, "total": 600000000000}]""".formatted(minute));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/slos/overfill-blip/status")
                .then().statusCode(200).body("events.total", equalTo(600_000_000_000L)));
        try (var refusing = dev.daff.localinfra.DatabaseRefusals.refuse(database, "overfill_blip", "insert on sli_bucket",
                "new.slo_name = 'overfill-blip' and new.total = 500000000000", "40001", 1)) {
            KafkaTestClient.send(kafka, Topics.SLI_EVENTS, "overfill-blip", """
                    [{"at": "%1$s", "good": 500000000000, "total": 500000000000}, {"at": "%1$s", "good": 5, "total": 6}]
                    """.formatted(minute));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/slos/overfill-blip/status")
                    .then().statusCode(200).body("events.total", equalTo(600_000_000_006L)));
        }
        List<ConsumerRecord<String, String>> deadLetters = KafkaTestClient.read(kafka, Topics.SLI_EVENTS_DEAD_LETTER,
                record -> "overfill-blip".equals(record.key()), 1, Duration.ofSeconds(20));
        assertEquals(1, deadLetters.size());
        assertTrue(reason(deadLetters.get(0)).startsWith("the minute " + minute + " already holds nearly"),
                "only the one that does not fit: " + reason(deadLetters.get(0)));
    }

    @Test
    void anObservationThatWouldOverfillItsMinuteIsRefusedAloneAndTheOthersOfThePollCount() throws Exception {
        given().contentType(ContentType.JSON).body(slo("overfill-alone")).when().post("/api/slos").then().statusCode(201);
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        Instant minute = Instant.now().minus(Duration.ofMinutes(5)).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        // One record, so one poll: the second would overfill the minute, the first and third fit.
        KafkaTestClient.send(kafka, Topics.SLI_EVENTS, "overfill-alone", """
                [{"at": "%1$s", "good": 600000000000, "total": 600000000000},
                 {"at": "%1$s", "good": 600000000000, "total": 600000000000},
                 {"at": "%1$s", "good": 3, "total": 4}]
                """.formatted(minute));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/slos/overfill-alone/status")
                .then().statusCode(200).body("events.total", equalTo(600_000_000_004L)));
        List<ConsumerRecord<String, String>> deadLetters = KafkaTestClient.read(kafka, Topics.SLI_EVENTS_DEAD_LETTER,
                record -> "overfill-alone".equals(record.key()), 1, Duration.ofSeconds(20));
        assertEquals(List.of("the minute " + minute + " would hold more than 1000000000000 events"),
                deadLetters.stream().map(SloIngestTest::reason).toList());
        SliEvent alone = json.readValue(deadLetters.get(0).value(), SliEvent.class);
        assertEquals(List.of(minute, 600_000_000_000L), List.of(alone.at(), alone.total()));

        // Now what is stored leaves no room: again only the one that does not fit is refused.
        KafkaTestClient.send(kafka, Topics.SLI_EVENTS, "overfill-alone", """
                [{"at": "%1$s", "good": 500000000000, "total": 500000000000}, {"at": "%1$s", "good": 5, "total": 6}]
                """.formatted(minute));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/slos/overfill-alone/status")
                .then().statusCode(200).body("events.total", equalTo(600_000_000_010L)));
        List<ConsumerRecord<String, String>> bothRefusals = KafkaTestClient.read(kafka, Topics.SLI_EVENTS_DEAD_LETTER,
                record -> "overfill-alone".equals(record.key()), 2, Duration.ofSeconds(20));
        assertTrue(reason(bothRefusals.get(1)).startsWith("the minute " + minute + " already holds nearly"),
                reason(bothRefusals.get(1)));
    }

    @Test
    void aBatchRecordDeadLetteredByAVersionBeforeBatchesIsCountedWhenReplayed() throws Exception {
        given().contentType(ContentType.JSON).body(slo("replayed-batch")).when().post("/api/slos").then().statusCode(201);
        // As that version's consumer dead-letters what it cannot read: the value as it was, the reason, the source.
        try (var producer = producer(Map.of())) {
            var letter = new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.SLI_EVENTS_DEAD_LETTER, "replayed-batch",
                    "[{\"at\": \"" + Instant.now() + "\", \"good\": 6, \"total\": 7}, {\"good\": 1, \"total\": 1}]");
            letter.headers().add(dev.daff.slo.ingest.SliDeadLetters.REJECTION_HEADER,
                    "not a valid SLI event: MismatchedInputException".getBytes(StandardCharsets.UTF_8));
            letter.headers().add(dev.daff.kit.messaging.DeadLetterHeaders.SOURCE_TOPIC,
                    Topics.SLI_EVENTS.getBytes(StandardCharsets.UTF_8));
            producer.send(letter).get();
        }
        given().when().post("/api/admin/dead-letters/daff.sli-events.dead-letter/replay?max=10000").then().statusCode(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/slos/replayed-batch/status")
                .then().statusCode(200).body("events.total", equalTo(8)).body("events.good", equalTo(7)));
    }

    @Test
    void concurrentWritersOfOneAndOfSeveralRecordsAreAllCountedExactlyOnce() throws Exception {
        given().contentType(ContentType.JSON).body(slo("concurrent-writers")).when().post("/api/slos").then().statusCode(201);
        String small = "[" + String.join(",", java.util.Collections.nCopies(300, "{\"good\": 1, \"total\": 1}")) + "]";
        String large = "[" + String.join(",", java.util.Collections.nCopies(1_200, "{\"good\": 0, \"total\": 1}")) + "]";
        java.util.concurrent.ExecutorService writers = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int w = 0; w < 8; w++) {
                done.add(writers.submit(() -> {
                    for (String batch : List.of(small, large, small, large, small)) {
                        given().contentType(ContentType.JSON).body(batch)
                                .when().post("/api/slos/concurrent-writers/events").then().statusCode(202);
                    }
                }));
            }
            for (java.util.concurrent.Future<?> writer : done) {
                writer.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            writers.shutdown();
        }
        // 8 writers × (3 × 300 good + 2 × 1,200 bad), through the shared producer and the transactional pool at once.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/slos/concurrent-writers/status")
                .then().statusCode(200).body("events.total", equalTo(26_400)).body("events.good", equalTo(7_200)));
        given().contentType(ContentType.JSON).body("[{\"good\": 1, \"total\": 1}]")
                .when().post("/api/slos/concurrent-writers/events").then().statusCode(202);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/slos/concurrent-writers/status")
                .then().statusCode(200).body("events.total", equalTo(26_401)));
    }

    private static double countedEvents() {
        return io.restassured.RestAssured.given().when().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(line -> line.startsWith("daff_sli_events_total{") && line.contains("outcome=\"counted\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void malformedJsonAnswersProblemJson() {
        given().contentType(ContentType.JSON).body("{\"name\": ")
                .when().post("/api/slos")
                .then().statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400)).body("title", equalTo("Malformed JSON"));
    }

    @Test
    void invalidSloDefinitionsAreRefused() {
        given().contentType(ContentType.JSON).body(slo("Bad Name")).when().post("/api/slos")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("name"));
        given().contentType(ContentType.JSON).body(slo("full-hundred").replace("99.9", "100")).when().post("/api/slos")
                .then().statusCode(400).body("errors[0].field", equalTo("objective"));
        given().contentType(ContentType.JSON).body(slo("weekly").replace("30d", "14d")).when().post("/api/slos")
                .then().statusCode(400).body("errors[0].field", equalTo("window"));
        // No team can be defined under such a name, so its pages would go to nobody.
        for (String team : List.of("Payments", "payments and billing", "payments/billing")) {
            given().contentType(ContentType.JSON).body(slo("teamless").replace("\"payments\"", "\"" + team + "\""))
                    .when().post("/api/slos").then().statusCode(400).body("errors[0].field", equalTo("team"));
        }
        given().when().get("/api/slos/teamless").then().statusCode(404);
        // At 80 % over 30 days even a total outage burns at 5x, under the slow page tier's 6x: it could never page.
        given().contentType(ContentType.JSON).body(slo("never-pages").replace("99.9", "80")).when().post("/api/slos")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("objective"))
                .body("errors[0].message", containsString("raise the objective above 83.33%"));
        given().when().get("/api/slos/never-pages").then().statusCode(404);
        // ... unless its page budgets are made to fit it: then a total outage pages.
        given().contentType(ContentType.JSON).body(slo("never-pages").replace("99.9", "80")
                .replaceFirst("}\\s*$", ", \"alertBudgets\": {\"pageFast\": 0.2, \"pageSlow\": 1}}"))
                .when().post("/api/slos").then().statusCode(201);
        given().contentType(ContentType.JSON).body(slo("twice")).when().post("/api/slos").then().statusCode(201);
        given().contentType(ContentType.JSON).body(slo("twice")).when().post("/api/slos")
                .then().statusCode(409).contentType("application/problem+json");
    }

    /**
     * A key an SLO does not have is a 400 naming it, and nothing is stored (read leniently, "minEvent" left minEvents
     * at its default, answered 201); an SLO read can be changed and PUT back whole: the answer's own fields (tiers,
     * times) are passed over, and its version makes a later PUT from the same read 409.
     */
    @Test
    void aMisspeltKeyIsRefusedAndAnSloReadCanBePutBackWhole() throws Exception {
        given().contentType(ContentType.JSON).body(slo("misspelt").replaceFirst("}\\s*$", ", \"minEvent\": 500}"))
                .when().post("/api/slos").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("minEvent"))
                .body("detail", containsString("is not a field here"));
        given().when().get("/api/slos/misspelt").then().statusCode(404);

        given().contentType(ContentType.JSON).body(slo("read-and-put")).when().post("/api/slos").then().statusCode(201);
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        @SuppressWarnings("unchecked")
        Map<String, Object> read = json.readValue(given().when().get("/api/slos/read-and-put").then().statusCode(200)
                .extract().asString(), Map.class);
        org.junit.jupiter.api.Assertions.assertTrue(read.containsKey("tiers") && read.containsKey("version"), read.keySet()
                .toString());
        read.put("minEvents", 500);
        given().contentType(ContentType.JSON).body(json.writeValueAsString(read)).when().put("/api/slos/read-and-put")
                .then().statusCode(200).body("minEvents", equalTo(500));
        given().contentType(ContentType.JSON).body(json.writeValueAsString(Map.of("name", "read-and-put", "sevice", "x")))
                .when().put("/api/slos/read-and-put").then().statusCode(400).body("errors[0].field", equalTo("sevice"));
        given().when().get("/api/slos/read-and-put").then().statusCode(200).body("minEvents", equalTo(500))
                .body("service", equalTo("checkout"));

        // A second edit from the same read would silently undo the first: it is 409 and changes nothing.
        read.put("minEvents", 20);
        read.put("description", "from the stale read");
        given().contentType(ContentType.JSON).body(json.writeValueAsString(read)).when().put("/api/slos/read-and-put")
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", containsString("stale-update")).body("detail", containsString("since you read it"));
        given().when().get("/api/slos/read-and-put").then().statusCode(200).body("minEvents", equalTo(500))
                .body("description", not(equalTo("from the stale read")));
        read.remove("version"); // a client that says nothing of what it read replaces what is there
        given().contentType(ContentType.JSON).body(json.writeValueAsString(read)).when().put("/api/slos/read-and-put")
                .then().statusCode(200).body("minEvents", equalTo(20));

        // Deleted and made again, the SLO of that name is another: a PUT from a read of the first is 409 too. Both
        // started at version 0, and a stale PUT with version 0 replaced the new one (helper-74 #8).
        given().contentType(ContentType.JSON).body(slo("made-again")).when().post("/api/slos").then().statusCode(201);
        @SuppressWarnings("unchecked")
        Map<String, Object> first = json.readValue(given().when().get("/api/slos/made-again").then().statusCode(200)
                .extract().asString(), Map.class);
        given().when().delete("/api/slos/made-again").then().statusCode(204);
        given().contentType(ContentType.JSON).body(slo("made-again")).when().post("/api/slos").then().statusCode(201);
        first.put("description", "from a read of the deleted one");
        given().contentType(ContentType.JSON).body(json.writeValueAsString(first)).when().put("/api/slos/made-again")
                .then().statusCode(409).body("type", containsString("stale-update"));
        given().when().get("/api/slos/made-again").then().statusCode(200)
                .body("description", not(equalTo("from a read of the deleted one")));
    }

    @Test
    void healthIsReadyWithDatabaseAndKafka() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name == 'slo-definitions' }.status", equalTo("UP"));
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("daff_sli_events"));
    }

    /**
     * The counts daff's own alerts read with {@code increase()} exist at 0 from the start: one that first appears at 1
     * is no increase to Prometheus, and DaffPageDeliveryFailed or DaffClockAhead missed the first on a replica up for
     * long. (Whatever this module's other tests did before, every channel's every outcome is there.)
     */
    @Test
    void theCountsDaffsOwnAlertsReadExistFromTheStart() {
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String channel : List.of("pagerduty", "slack", "webhook")) {
            for (String outcome : List.of("delivered", "retry", "failed", "superseded")) {
                assertTrue(java.util.regex.Pattern.compile("daff_page_deliveries_total\\{[^}]*channel=\"" + channel
                        + "\"[^}]*outcome=\"" + outcome + "\"").matcher(metrics).find(), channel + " " + outcome);
            }
        }
        for (String consumer : List.of("slo-service/paging-alerts", "slo-service/team-notices",
                "slo-service/paging-incidents")) {
            assertTrue(java.util.regex.Pattern.compile("daff_events_clock_ahead_total\\{[^}]*consumer=\"" + consumer + "\"")
                    .matcher(metrics).find(), consumer);
        }
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

    private static String reason(ConsumerRecord<String, String> record) {
        return new String(record.headers().lastHeader(dev.daff.slo.ingest.SliDeadLetters.REJECTION_HEADER).value(), StandardCharsets.UTF_8);
    }
}
