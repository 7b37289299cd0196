package dev.daff.slo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.events.Topics;
import dev.daff.localinfra.DevelopmentKeys;
import dev.daff.localinfra.FreePorts;
import dev.daff.localinfra.KafkaTestClient;
import dev.daff.localinfra.LocalKafka;
import dev.daff.localinfra.LocalPostgres;
import dev.daff.localinfra.ServiceProcess;
import dev.daff.slo.ingest.SliDeadLetters;

/**
 * Exactly-once counting across a crash: the packaged slo-service, in its own JVM, is killed with SIGKILL
 * while it consumes a backlog of SLI events, then started again; the totals must be exact. Then records far too long
 * to read, in the heap the service has in a pod, must stop no counting.
 */
class SliExactlyOnceIT {

    static final int EVENTS = 300_000;
    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();

    /** Records of this many characters, compressed by their producer: each passes the broker's 1 MB bound. */
    static final int HUGE_CHARS = 40_000_000;
    static final int HUGE_RECORDS = 10;
    /** Records of this many characters (padding), 2,000 of them: 520 MB of text, in one fetch of 4 MiB compressed. */
    static final int LONG_CHARS = 260_000;
    static final int LONG_RECORDS = 2_000;

    @Test
    void killNineMidStreamLosesNothingAndCountsNothingTwiceAndHugeRecordsStopNothing() throws Exception {
        Path work = Files.createTempDirectory("daff-crash-test");
        try (LocalPostgres postgres = LocalPostgres.startEphemeral(); LocalKafka kafka = LocalKafka.startEphemeral()) {
            postgres.ensureDatabase("slo");
            Map<String, String> issuer = DevelopmentKeys.ensure(work.resolve("keys"));
            Map<String, String> tokens = DevelopmentKeys.tokens(work.resolve("keys"));
            ServiceProcess slo = new ServiceProcess("slo-service", Path.of("target/quarkus-app/quarkus-run.jar"),
                    FreePorts.pick(), ServiceProcess.environment(postgres, "slo", kafka, issuer),
                    Path.of("target/crash-test-slo-service.log"));
            try {
                slo.start().awaitReady(Duration.ofSeconds(90));
                String admin = tokens.get("daff-admin");
                HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(slo.url() + "/api/slos"))
                        .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(SloIngestTest.slo("crash-test"))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(201, created.statusCode(), created.body());
                // SIGTERM, as Kubernetes stops a pod: nothing on the way down may fail (a scheduled job on a closed
                // database logged one ERROR per job that fired while the Kafka channels waited out their grace).
                assertEquals(List.of(), slo.stopTimed().errors(), "ERROR lines while stopping gracefully");

                long expectedGood = produce(kafka.bootstrapServers());

                slo.start().awaitReady(Duration.ofSeconds(90));
                long countedBeforeKill = awaitTotal(slo, admin, total -> total > 0, Duration.ofSeconds(60));
                slo.kill();
                System.out.printf("exactly-once: kill -9 after %d of %d events were counted%n", countedBeforeKill, EVENTS);
                assertTrue(countedBeforeKill < EVENTS,
                        "the kill must land mid-stream; everything was counted before it: " + countedBeforeKill);

                slo.start().awaitReady(Duration.ofSeconds(90));
                awaitTotal(slo, admin, total -> total >= EVENTS, Duration.ofSeconds(120));
                JsonNode events = status(slo, admin).path("events");
                assertEquals(EVENTS, events.path("total").asLong(), "total after the crash");
                assertEquals(expectedGood, events.path("good").asLong(), "good after the crash");

                // Ten records of 40 million characters, gzipped to about 40 KB each by their producer, then an event:
                // decoded whole, one poll of them was 400 MB in a heap of 384 MB — the service exited on it, again
                // after every restart, and counted nothing more.
                // Put on the topic while the service is down, they come in one poll, as a backlog after an outage.
                slo.stopTimed();
                produceHuge(kafka.bootstrapServers());
                slo.start().awaitReady(Duration.ofSeconds(90));
                awaitTotal(slo, admin, total -> total == EVENTS + 1, Duration.ofSeconds(60));
                List<ConsumerRecord<String, String>> deadLetters = KafkaTestClient.read(kafka.bootstrapServers(),
                        Topics.SLI_EVENTS_DEAD_LETTER, record -> "crash-test".equals(record.key()), HUGE_RECORDS,
                        Duration.ofSeconds(30));
                assertEquals(HUGE_RECORDS, deadLetters.size());
                for (ConsumerRecord<String, String> deadLetter : deadLetters) {
                    assertEquals("a record's key and value hold at most 262144 characters; this one's value has "
                            + (HUGE_CHARS + 48) + " bytes", new String(deadLetter.headers()
                                    .lastHeader(SliDeadLetters.REJECTION_HEADER).value(), StandardCharsets.UTF_8));
                    assertEquals(65_536, deadLetter.value().length(), "its head only");
                }

                // Records each inside the bound (valid events, with a field nobody reads), gzipped to a few hundred
                // bytes: one fetch brought 2,000 of them, 520 MB of text in one poll — the service exited on it, again
                // after every restart (helper-58). Each poll now decodes at most its budget and reads on from there.
                slo.stopTimed();
                produceLong(kafka.bootstrapServers());
                slo.start().awaitReady(Duration.ofSeconds(90));
                awaitTotal(slo, admin, total -> total == EVENTS + 1 + LONG_RECORDS, Duration.ofSeconds(90));
            } finally {
                slo.kill();
            }
        }
    }

    private static Properties producerProperties(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return props;
    }

    /** Puts the backlog on the topic; each event has total 1 and good 1 except every seventh. */
    private long produce(String bootstrapServers) throws Exception {
        Properties props = producerProperties(bootstrapServers);
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        long good = 0;
        Instant at = Instant.now();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < EVENTS; i++) {
                int isGood = i % 7 == 0 ? 0 : 1;
                good += isGood;
                producer.send(new ProducerRecord<>(Topics.SLI_EVENTS, "crash-test",
                        "{\"slo\":\"crash-test\",\"at\":\"" + at.minusMillis(i) + "\",\"good\":" + isGood + ",\"total\":1}"));
            }
            producer.flush();
        }
        return good;
    }

    /** {@link #HUGE_RECORDS} records far past the record bound, compressed as a producer may, then one event. */
    private void produceHuge(String bootstrapServers) throws Exception {
        Properties props = producerProperties(bootstrapServers);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(64 * 1024 * 1024));
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(256L * 1024 * 1024));
        String huge = "{\"slo\":\"crash-test\",\"good\":1,\"total\":1,\"pad\":\"" + "x".repeat(HUGE_CHARS) + "\"}";
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < HUGE_RECORDS; i++) {
                producer.send(new ProducerRecord<>(Topics.SLI_EVENTS, "crash-test", huge));
            }
            producer.send(new ProducerRecord<>(Topics.SLI_EVENTS, "crash-test",
                    "{\"slo\":\"crash-test\",\"good\":1,\"total\":1}")).get();
        }
    }

    /** Events of {@link #LONG_CHARS} characters each, within the record bound, compressed as a producer may. */
    private void produceLong(String bootstrapServers) throws Exception {
        Properties props = producerProperties(bootstrapServers);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(256L * 1024 * 1024));
        String padded = "{\"slo\":\"crash-test\",\"good\":1,\"total\":1,\"pad\":\"" + "x".repeat(LONG_CHARS) + "\"}";
        assertTrue(padded.length() < 256 * 1024, "within the record bound: counted, not refused");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < LONG_RECORDS; i++) {
                producer.send(new ProducerRecord<>(Topics.SLI_EVENTS, "crash-test", padded));
            }
            producer.flush();
        }
    }

    private long awaitTotal(ServiceProcess slo, String token, java.util.function.LongPredicate done, Duration timeout)
            throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        long total = 0;
        while (Instant.now().isBefore(deadline)) {
            assertTrue(slo.isAlive(), "slo-service exited (target/crash-test-slo-service.log says why)");
            total = status(slo, token).path("events").path("total").asLong();
            if (done.test(total)) {
                return total;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("counted " + total + " within " + timeout);
    }

    private JsonNode status(ServiceProcess slo, String token) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(slo.url() + "/api/slos/crash-test/status"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return json.readTree(response.body());
    }
}
