package dev.daff.slo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

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
import dev.daff.localinfra.LocalKafka;
import dev.daff.localinfra.LocalPostgres;
import dev.daff.localinfra.ServiceProcess;

/**
 * Exactly-once counting across a crash: the packaged slo-service, in its own JVM, is killed with SIGKILL
 * while it consumes a backlog of SLI events, then started again; the totals must be exact.
 */
class SliExactlyOnceIT {

    static final int EVENTS = 300_000;
    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();

    @Test
    void killNineMidStreamLosesNothingAndCountsNothingTwice() throws Exception {
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
            } finally {
                slo.kill();
            }
        }
    }

    /** Puts the backlog on the topic; each event has total 1 and good 1 except every seventh. */
    private long produce(String bootstrapServers) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
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

    private long awaitTotal(ServiceProcess slo, String token, java.util.function.LongPredicate done, Duration timeout)
            throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        long total = 0;
        while (Instant.now().isBefore(deadline)) {
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
