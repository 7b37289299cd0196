package dev.daff.slo.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.events.SliEvent;
import dev.daff.events.Topics;
import dev.daff.localinfra.DevelopmentKeys;
import dev.daff.localinfra.FreePorts;
import dev.daff.localinfra.LocalKafka;
import dev.daff.localinfra.LocalPostgres;
import dev.daff.localinfra.RecordingReceiver;
import dev.daff.localinfra.ServiceProcess;
import dev.daff.slo.burn.AlertEvaluator;
import dev.daff.slo.burn.AlertTiers;
import dev.daff.slo.burn.BurnCalculator;
import dev.daff.slo.burn.SliWindows;
import dev.daff.slo.burn.SloAlertSettings;

/**
 * The slo-service benchmark (a command, not a test): {@code ./mvnw -B -Pbenchmark -pl slo-service -am verify
 * -DskipTests}. Measures SLI ingest through Kafka next to a raw consumer reading the same messages, HTTP
 * ingest, and the evaluation tick for 10,000 SLOs, on the real PostgreSQL, Kafka and packaged service.
 */
public final class SloBenchmark {

    static final int KAFKA_EVENTS = 500_000;
    static final int HTTP_EVENTS = 200_000;
    static final int HTTP_BATCH = 1_000;
    static final int SLOS = 10_000;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper().findAndRegisterModules()
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final List<String> report = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        new SloBenchmark().run();
    }

    void run() throws Exception {
        evaluation();
        ingest();
        Path out = Path.of("target/benchmark.txt");
        Files.write(out, report);
        System.out.println();
        report.forEach(System.out::println);
        System.out.println("(written to " + out.toAbsolutePath() + ")");
        System.exit(0);
    }

    private void say(String format, Object... args) {
        String line = String.format(java.util.Locale.ROOT, format, args);
        report.add(line);
        System.out.println(line);
    }

    /** The evaluation engine the tick runs, for 10,000 SLOs with three days of minute history each. */
    void evaluation() {
        Instant now = Instant.parse("2026-01-10T00:00:00Z");
        SliWindows[] windows = new SliWindows[SLOS];
        SloAlertSettings[] settings = new SloAlertSettings[SLOS];
        AlertTiers tiers = AlertTiers.forPeriod(Duration.ofDays(30), 0.02, 0.05, 0.10, 0.10);
        for (int i = 0; i < SLOS; i++) {
            windows[i] = new SliWindows(Duration.ofDays(30));
            settings[i] = new SloAlertSettings("slo-" + i, 99.9, tiers, 1, Duration.ofMinutes(10), true, 0.1);
            for (Instant minute = now.minus(Duration.ofDays(3)); minute.isBefore(now); minute = minute.plusSeconds(60)) {
                windows[i].add(minute, 999, 1000);
            }
        }
        AlertEvaluator evaluator = new AlertEvaluator();
        long[] ticks = new long[60];
        for (int tick = 0; tick < ticks.length; tick++) {
            now = now.plusSeconds(10);
            long started = System.nanoTime();
            for (int i = 0; i < SLOS; i++) {
                windows[i].advance(now);
                BurnCalculator.snapshot(windows[i], 99.9, now);
                evaluator.evaluate(settings[i], windows[i], now);
            }
            ticks[tick] = System.nanoTime() - started;
        }
        long[] measured = Arrays.copyOfRange(ticks, 10, ticks.length); // the first ticks warm the JIT
        Arrays.sort(measured);
        say("evaluation tick, %d SLOs (30d windows): median %.1f ms, max %.1f ms over %d ticks (goal < 50 ms)", SLOS,
                measured[measured.length / 2] / 1e6, measured[measured.length - 1] / 1e6, measured.length);
        long hour = 0;
        long month = 0;
        for (int round = 0; round < 3; round++) {
            long started = System.nanoTime();
            long sink = 0;
            for (int r = 0; r < 200; r++) {
                for (SliWindows w : windows) {
                    sink += w.total(SliWindows.ONE_HOUR);
                }
            }
            hour = System.nanoTime() - started;
            started = System.nanoTime();
            for (int r = 0; r < 200; r++) {
                for (SliWindows w : windows) {
                    sink += w.total(Duration.ofDays(30));
                }
            }
            month = System.nanoTime() - started;
            if (sink == 42) {
                System.out.print("");
            }
        }
        say("window sum read: 1h %.1f ns, 30d %.1f ns per read (goal: equal; both are one running sum)",
                hour / (200.0 * SLOS), month / (200.0 * SLOS));
    }

    /** Ingest on the real broker, database and packaged service. */
    void ingest() throws Exception {
        Path work = Files.createTempDirectory("daff-benchmark");
        try (LocalPostgres postgres = LocalPostgres.startEphemeral(); LocalKafka kafka = LocalKafka.startEphemeral()) {
            postgres.ensureDatabase("slo");
            Map<String, String> issuer = DevelopmentKeys.ensure(work.resolve("keys"));
            String admin = DevelopmentKeys.tokens(work.resolve("keys")).get("daff-admin");
            RecordingReceiver pagerDuty = RecordingReceiver.start();
            Map<String, String> environment = new java.util.LinkedHashMap<>(
                    ServiceProcess.environment(postgres, "slo", kafka, issuer));
            environment.put("DAFF_PAGING_PAGERDUTY_URL", pagerDuty.url("/pagerduty"));
            ServiceProcess slo = new ServiceProcess("slo-service", Path.of("target/quarkus-app/quarkus-run.jar"),
                    FreePorts.pick(), environment, Path.of("target/benchmark-slo-service.log"));
            try {
                slo.start().awaitReady(Duration.ofSeconds(90));
                for (String name : List.of("bench-kafka", "bench-http")) {
                    send("POST", slo.url() + "/api/slos", admin, """
                            {"name": "%s", "service": "bench", "team": "bench", "objective": 99.9, "window": "30d"}
                            """.formatted(name), 201);
                }
                slo.stop();

                produce(kafka.bootstrapServers());
                double raw = rawConsumerRate(kafka.bootstrapServers());
                slo.start().awaitReady(Duration.ofSeconds(90));
                Instant started = Instant.now();
                awaitTotal(slo, admin, "bench-kafka", KAFKA_EVENTS);
                double counted = KAFKA_EVENTS / secondsSince(started);
                say("Kafka ingest: %,.0f events/s counted into PostgreSQL; raw consumer %,.0f messages/s; ratio %.2f"
                        + " (goal >= 0.7)", counted, raw, counted / raw);

                started = Instant.now();
                httpIngest(slo, admin);
                double accepted = HTTP_EVENTS / secondsSince(started);
                awaitTotal(slo, admin, "bench-http", HTTP_EVENTS);
                double httpCounted = HTTP_EVENTS / secondsSince(started);
                say("HTTP ingest: %,.0f events/s accepted (batches of %d, 2 clients), %,.0f events/s counted end to end",
                        accepted, HTTP_BATCH, httpCounted);

                long[] latency = PagingLatency.measure(slo, admin, kafka.bootstrapServers(), pagerDuty);
                say("page latency, AlertFired on daff.slo-alerts to the receiver having the page, %d pages at %d/s:"
                        + " p50 %d ms, p99 %d ms (goal p99 < 1 s)", PagingLatency.PAGES, PagingLatency.PER_SECOND,
                        latency[0], latency[1]);
            } finally {
                slo.stop();
                pagerDuty.close();
            }
        }
    }

    private void produce(String bootstrapServers) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        Instant at = Instant.now();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < KAFKA_EVENTS; i++) {
                producer.send(new ProducerRecord<>(Topics.SLI_EVENTS, "bench-kafka",
                        json.writeValueAsString(SliEvent.observed(java.util.UUID.randomUUID().toString(), at, "bench-kafka", at.minusMillis(i), 1, 1))));
            }
            producer.flush();
        }
    }

    /** The same messages read by a bare consumer that parses them and does nothing else: the ceiling. */
    private double rawConsumerRate(String bootstrapServers) throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "raw-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(Topics.SLI_EVENTS));
            int read = 0;
            Instant started = null;
            while (read < KAFKA_EVENTS) {
                var records = consumer.poll(Duration.ofMillis(500));
                if (started == null && !records.isEmpty()) {
                    started = Instant.now();
                }
                for (var record : records) {
                    json.readValue(record.value(), SliEvent.class);
                    read++;
                }
            }
            return KAFKA_EVENTS / secondsSince(started);
        }
    }

    private void httpIngest(ServiceProcess slo, String admin) throws Exception {
        Instant at = Instant.now();
        ExecutorService clients = Executors.newFixedThreadPool(2);
        List<Future<?>> sends = new ArrayList<>();
        for (int batch = 0; batch < HTTP_EVENTS / HTTP_BATCH; batch++) {
            StringJoiner body = new StringJoiner(",", "[", "]");
            for (int i = 0; i < HTTP_BATCH; i++) {
                body.add("{\"at\":\"" + at.minusMillis(batch * HTTP_BATCH + i) + "\",\"good\":1,\"total\":1}");
            }
            String payload = body.toString();
            sends.add(clients.submit(() -> {
                send("POST", slo.url() + "/api/slos/bench-http/events", admin, payload, 202);
                return null;
            }));
        }
        for (Future<?> send : sends) {
            send.get();
        }
        clients.shutdown();
    }

    private void awaitTotal(ServiceProcess slo, String token, String name, long expected) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(10));
        while (Instant.now().isBefore(deadline)) {
            String status = send("GET", slo.url() + "/api/slos/" + name + "/status", token, null, 200);
            if (json.readTree(status).path("events").path("total").asLong() >= expected) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(name + " did not count " + expected + " events in time");
    }

    private String send(String method, String url, String token, String body, int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token);
        if (body != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(method + " " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static double secondsSince(Instant started) {
        return Duration.between(started, Instant.now()).toNanos() / 1e9;
    }
}
