package dev.daff.slo.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.events.Topics;
import dev.daff.localinfra.RecordingReceiver;
import dev.daff.localinfra.RecordingReceiver.Received;
import dev.daff.localinfra.ServiceProcess;
import dev.daff.slo.paging.pages.Page;

/**
 * Page latency: 1,000 AlertFired events put on daff.slo-alerts (as the outbox relay puts them) at a steady pace,
 * each timed from its {@code firedAt} to the moment the stand-in PagerDuty receiver has the page.
 */
final class PagingLatency {

    static final int PAGES = 1_000;
    static final int PER_SECOND = 50;

    private PagingLatency() {
    }

    /** Answers {p50, p99} in milliseconds. */
    static long[] measure(ServiceProcess slo, String adminToken, String bootstrapServers, RecordingReceiver receiver)
            throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        benchTeam(slo, adminToken);
        try (KafkaProducer<String, String> producer = producer(bootstrapServers)) {
            for (int i = 0; i < PAGES; i++) {
                fire(producer, "latency-" + i);
                Thread.sleep(1000 / PER_SECOND);
            }
        }
        ObjectMapper json = new ObjectMapper();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        List<Received> pages;
        do {
            pages = receiver.received(r -> r.path().equals("/pagerduty") && r.body().contains("\"event_action\":\"trigger\"")
                    && r.body().contains("latency-"));
            Thread.sleep(100);
        } while (pages.size() < PAGES && Instant.now().isBefore(deadline));
        if (pages.size() < PAGES) {
            throw new IllegalStateException("only " + pages.size() + " of " + PAGES + " pages arrived");
        }
        long[] latencies = new long[PAGES];
        java.util.Map<String, Instant> firedAtByKey = new java.util.HashMap<>();
        for (int i = 0; i < PAGES; i++) {
            var body = json.readTree(pages.get(i).body());
            Instant firedAt = Instant.parse(body.at("/payload/custom_details/fired_at").asText());
            firedAtByKey.put(body.get("dedup_key").asText(), firedAt);
            latencies[i] = Duration.between(firedAt, pages.get(i).at()).toMillis();
        }
        Arrays.sort(latencies);
        // Where the time goes: alert to page created (consuming), page created to delivered (dispatching).
        var listed = json.createArrayNode();
        String cursor = "";
        do { // 500 pages at a time, following X-Next-Cursor
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(slo.url()
                    + "/api/pages?team=bench&limit=500" + (cursor.isEmpty() ? "" : "&cursor=" + cursor)))
                    .header("Authorization", "Bearer " + adminToken).build(), HttpResponse.BodyHandlers.ofString());
            json.readTree(answer.body()).forEach(listed::add);
            cursor = answer.headers().firstValue("X-Next-Cursor").orElse("");
        } while (!cursor.isEmpty());
        // Only this part's pages (the team may also have pages from the crossing benchmark).
        long[] consuming = java.util.stream.StreamSupport.stream(listed.spliterator(), false)
                .filter(page -> firedAtByKey.containsKey(page.get("dedupKey").asText()))
                .mapToLong(page -> Duration.between(firedAtByKey.get(page.get("dedupKey").asText()),
                        Instant.parse(page.get("createdAt").asText())).toMillis()).sorted().toArray();
        System.out.printf("page created after the alert: p50 %d ms, p99 %d ms%n", consuming[consuming.length / 2],
                consuming[(int) Math.ceil(consuming.length * 0.99) - 1]);
        return new long[] { latencies[PAGES / 2 - 1], latencies[(int) Math.ceil(PAGES * 0.99) - 1] };
    }

    /** The team {@code bench}: one on-call member, paged through the PagerDuty stand-in. */
    static void benchTeam(ServiceProcess slo, String adminToken) throws Exception {
        String team = """
                {"members": [{"handle": "oncall", "channels": []}],
                 "channels": [{"type": "pagerduty", "routingKey": "bench"}],
                 "rotation": {"members": ["oncall"], "shiftLength": "P7D", "startsAt": "2026-01-05T09:00:00Z", "timeZone": "UTC"}}
                """;
        HttpResponse<String> put = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(slo.url() + "/api/teams/bench"))
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(team)).build(), HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() != 200) {
            throw new IllegalStateException("team: " + put.statusCode() + " " + put.body());
        }
    }

    static KafkaProducer<String, String> producer(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    /** One AlertFired for team {@code bench}, fired now, as the outbox relay puts it on daff.slo-alerts. */
    static Instant fire(KafkaProducer<String, String> producer, String sloName) {
        Instant firedAt = Instant.now();
        producer.send(new ProducerRecord<>(Topics.SLO_ALERTS, sloName, """
                {"eventId": "%s", "type": "AlertFired", "version": 1, "alertId": "%s", "dedupKey": "%s:PAGE:BURN_RATE:1",
                 "slo": "%s", "service": "bench", "team": "bench", "severity": "PAGE", "kind": "BURN_RATE",
                 "tier": "1h/5m", "burnRateLong": 20, "burnRateShort": 30, "threshold": 14.4,
                 "budgetRemaining": 0.9, "firedAt": "%s", "occurredAt": "%s"}
                """.formatted(UUID.randomUUID(), UUID.randomUUID(), sloName, sloName, firedAt, firedAt)));
        producer.flush();
        return firedAt;
    }
}
