package dev.daff.slo.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.JsonNode;

import dev.daff.events.SliEvent;
import dev.daff.events.Topics;
import dev.daff.localinfra.RecordingReceiver;
import dev.daff.localinfra.ServiceProcess;

/**
 * Page latency from the data: each of {@link #OUTAGES} SLOs (99.9 %, 30 days, among the 10,000 loaded) gets six
 * hours of steady history (10 events/s, all good), then a steady live feed at the same rate that turns into a
 * total outage, the outages {@link #STAGGER_MS} apart. The SRE Workbook crossing — the first instant at which
 * the 1h and the 5m burn rates are both at least 14.4 — is computed from the events as sent (their {@code at});
 * the latency is from there to the PagerDuty stand-in (a real HTTP server) receiving the page.
 */
final class CrossingLatency {

    static final int OUTAGES = 20;
    static final long STAGGER_MS = 3_000;
    static final long STEP_MS = 100;
    static final double THRESHOLD = 14.4;
    static final double BUDGET = 0.001;

    /** One event as sent: at (epoch ms), bad and total. */
    private record Sent(long at, long bad, long total) {
    }

    private CrossingLatency() {
    }

    /** Answers the latencies in milliseconds (crossing → page received), sorted. */
    static long[] measure(ServiceProcess slo, String admin, String bootstrapServers, RecordingReceiver receiver,
            List<String> outageSlos) throws Exception {
        Bench.send("PUT", slo.url() + "/api/teams/bench", admin, """
                {"members": [{"handle": "oncall", "channels": []}],
                 "channels": [{"type": "pagerduty", "routingKey": "bench"}],
                 "rotation": {"members": ["oncall"], "shiftLength": "P7D", "startsAt": "2026-01-05T09:00:00Z", "timeZone": "UTC"}}
                """, 200);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        Map<String, List<Sent>> sent = new ConcurrentHashMap<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            // Six hours of history, one event of 100 every 10 s (10 events/s).
            Instant now = Instant.now();
            long historyTotal = 0;
            for (String name : outageSlos) {
                List<Sent> events = new ArrayList<>();
                for (Instant at = now.minus(Duration.ofHours(6)); at.isBefore(now); at = at.plusSeconds(10)) {
                    producer.send(record(name, at, 100, 100));
                    events.add(new Sent(at.toEpochMilli(), 0, 100));
                }
                historyTotal = events.size() * 100L;
                sent.put(name, java.util.Collections.synchronizedList(events));
            }
            producer.flush();
            for (String name : outageSlos) {
                awaitTotal(slo, admin, name, historyTotal);
            }
            // The live feed: every 100 ms one event per SLO, good until its outage starts.
            long first = System.currentTimeMillis() + 10_000;
            long[] outageAt = new long[outageSlos.size()];
            Instant[] paged = new Instant[outageSlos.size()];
            for (int k = 0; k < outageAt.length; k++) {
                outageAt[k] = first + k * STAGGER_MS;
            }
            long giveUp = outageAt[outageAt.length - 1] + 150_000;
            long tick = System.currentTimeMillis();
            // Each feed runs until its page has arrived and for at least 70 s of outage (the exact crossing is
            // near 52 s; a page that came earlier must not cut the data the crossing is computed from).
            while (System.currentTimeMillis() < giveUp && IntStream.range(0, paged.length)
                    .anyMatch(k -> paged[k] == null || System.currentTimeMillis() < outageAt[k] + 70_000)) {
                for (int k = 0; k < outageAt.length; k++) {
                    if (paged[k] != null && System.currentTimeMillis() >= outageAt[k] + 70_000) {
                        continue;
                    }
                    Instant at = Instant.now();
                    boolean down = at.toEpochMilli() >= outageAt[k];
                    producer.send(record(outageSlos.get(k), at, down ? 0 : 1, 1));
                    sent.get(outageSlos.get(k)).add(new Sent(at.toEpochMilli(), down ? 1 : 0, 1));
                }
                producer.flush();
                for (int k = 0; k < outageAt.length; k++) {
                    if (paged[k] == null) {
                        paged[k] = pageReceived(receiver, outageSlos.get(k));
                    }
                }
                tick += STEP_MS;
                long wait = tick - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
            }
            List<Long> latencies = new ArrayList<>();
            List<Long> firing = new ArrayList<>();
            for (int k = 0; k < outageAt.length; k++) {
                String name = outageSlos.get(k);
                long crossing = crossing(sent.get(name), outageAt[k]);
                if (paged[k] == null) {
                    Bench.say("page latency: %s got no page within 150 s of its outage (crossing at +%.1f s)", name,
                            (crossing - outageAt[k]) / 1000.0);
                    continue;
                }
                JsonNode page = Bench.JSON.readTree(pageBody(receiver, name));
                long firedAt = Instant.parse(page.at("/payload/custom_details/fired_at").asText()).toEpochMilli();
                latencies.add(paged[k].toEpochMilli() - crossing);
                firing.add(firedAt - crossing);
                Bench.say("  %s: outage at 0, crossing +%.2f s, fired +%.2f s, page received +%.2f s (%s)", name,
                        (crossing - outageAt[k]) / 1000.0, (firedAt - outageAt[k]) / 1000.0,
                        (paged[k].toEpochMilli() - outageAt[k]) / 1000.0, page.path("dedup_key").asText());
            }
            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            long[] fired = firing.stream().mapToLong(Long::longValue).sorted().toArray();
            if (sorted.length > 0) {
                Bench.say("page latency, Workbook crossing -> AlertFired: p50 %d ms, p99 %d ms; crossing -> page at the"
                        + " receiver: p50 %d ms, p99 %d ms, min %d ms, max %d ms (%d of %d outages paged; goal <= 3000 ms)",
                        Bench.percentile(fired, 50), Bench.percentile(fired, 99), Bench.percentile(sorted, 50),
                        Bench.percentile(sorted, 99), sorted[0], sorted[sorted.length - 1], sorted.length, OUTAGES);
                Bench.say("page latency per outage (ms): %s", Arrays.toString(sorted));
            }
            return sorted;
        }
    }

    private static ProducerRecord<String, String> record(String slo, Instant at, long good, long total) throws Exception {
        SliEvent event = SliEvent.observed(UUID.randomUUID().toString(), Instant.now(), slo, at, good, total);
        return new ProducerRecord<>(Topics.SLI_EVENTS, slo, Bench.JSON.writeValueAsString(event));
    }

    private static Instant pageReceived(RecordingReceiver receiver, String slo) {
        return receiver.received(r -> isPage(r, slo)).stream().map(RecordingReceiver.Received::at).findFirst().orElse(null);
    }

    private static String pageBody(RecordingReceiver receiver, String slo) {
        return receiver.received(r -> isPage(r, slo)).get(0).body();
    }

    private static boolean isPage(RecordingReceiver.Received r, String slo) {
        // The burn-rate page only: a NO_DATA page for the same SLO (the feed paused while the history was counted)
        // is not what this measures.
        return r.path().equals("/pagerduty") && r.body().contains("\"event_action\":\"trigger\"")
                && r.body().contains(slo + ":PAGE:BURN_RATE");
    }

    /** The first instant (10 ms steps) at which both the 1h and the 5m burn rate of the sent events reach 14.4. */
    static long crossing(List<Sent> events, long outageAt) {
        Sent[] sorted;
        synchronized (events) {
            sorted = events.toArray(Sent[]::new);
        }
        Arrays.sort(sorted, (a, b) -> Long.compare(a.at(), b.at()));
        long[] at = new long[sorted.length];
        long[] bad = new long[sorted.length + 1];
        long[] total = new long[sorted.length + 1];
        for (int i = 0; i < sorted.length; i++) {
            at[i] = sorted[i].at();
            bad[i + 1] = bad[i] + sorted[i].bad();
            total[i + 1] = total[i] + sorted[i].total();
        }
        for (long t = outageAt; t <= at[at.length - 1]; t += 10) {
            if (burn(at, bad, total, t, 3_600_000) >= THRESHOLD && burn(at, bad, total, t, 300_000) >= THRESHOLD) {
                return t;
            }
        }
        throw new IllegalStateException("the sent events never cross 14.4 on both windows");
    }

    /** Burn rate over (t - window, t]. */
    private static double burn(long[] at, long[] bad, long[] total, long t, long window) {
        int end = upper(at, t);
        int start = upper(at, t - window);
        long n = total[end] - total[start];
        return n == 0 ? 0 : (double) (bad[end] - bad[start]) / n / BUDGET;
    }

    /** The number of entries at or before {@code t}. */
    private static int upper(long[] at, long t) {
        int lo = 0;
        int hi = at.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (at[mid] <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static void awaitTotal(ServiceProcess slo, String token, String name, long expected) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (Instant.now().isBefore(deadline)) {
            String status = Bench.send("GET", slo.url() + "/api/slos/" + name + "/status", token, null, 200);
            try {
                if (Bench.JSON.readTree(status).path("events").path("total").asLong() >= expected) {
                    return;
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            Bench.sleep(200);
        }
        throw new IllegalStateException(name + " did not count its history in time");
    }
}
