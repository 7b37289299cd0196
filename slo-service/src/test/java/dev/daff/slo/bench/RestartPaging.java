package dev.daff.slo.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.producer.KafkaProducer;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.localinfra.RecordingReceiver;
import dev.daff.localinfra.RecordingReceiver.Received;
import dev.daff.localinfra.ServiceProcess;

/**
 * Pages across a rolling restart: two replicas share daff.slo-alerts while AlertFired events arrive at a steady pace,
 * and one of them is stopped with SIGTERM (as Kubernetes replaces a pod) 3 s in. Every page must arrive;
 * the answer is how late the pages were whose alerts fired while that replica stopped, against the rest.
 */
final class RestartPaging {

    static final int PER_SECOND = 50;
    static final int ALERTS = 750;
    /** Alerts before the stop begins: both replicas own partitions and page. */
    static final int BEFORE_STOP = 150;

    private RestartPaging() {
    }

    /** One round: {@code stopped} is stopped once the first {@value #BEFORE_STOP} alerts are out; answers a summary. */
    static String round(String prefix, ServiceProcess stopped, String bootstrapServers, RecordingReceiver receiver)
            throws Exception {
        Map<String, Instant> firedAt = new HashMap<>();
        Instant[] stopWindow = new Instant[2];
        CompletableFuture<ServiceProcess.Stopped> stop = null;
        try (KafkaProducer<String, String> producer = PagingLatency.producer(bootstrapServers)) {
            for (int i = 0; i < ALERTS; i++) {
                if (i == BEFORE_STOP) {
                    stopWindow[0] = Instant.now();
                    stop = CompletableFuture.supplyAsync(() -> {
                        ServiceProcess.Stopped done = stopped.stopTimed();
                        stopWindow[1] = Instant.now();
                        return done;
                    });
                }
                String slo = prefix + i;
                firedAt.put(slo, PagingLatency.fire(producer, slo));
                Thread.sleep(1000 / PER_SECOND);
            }
        }
        ServiceProcess.Stopped stopDone = stop.join();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        List<Received> pages;
        do {
            pages = receiver.received(r -> r.path().equals("/pagerduty") && r.body().contains("\"event_action\":\"trigger\"")
                    && r.body().contains(prefix));
            Thread.sleep(100);
        } while (pages.size() < ALERTS && Instant.now().isBefore(deadline));
        if (pages.size() < ALERTS) {
            throw new IllegalStateException("only " + pages.size() + " of " + ALERTS + " alerts were paged across the stop");
        }
        ObjectMapper json = new ObjectMapper();
        Map<String, Long> latency = new HashMap<>();
        for (Received page : pages) {
            String slo = json.readTree(page.body()).at("/payload/custom_details/slo").asText();
            latency.merge(slo, Duration.between(firedAt.get(slo), page.at()).toMillis(), Math::min);
        }
        long[] during = firedAt.entrySet().stream().filter(e -> !e.getValue().isBefore(stopWindow[0])
                && e.getValue().isBefore(stopWindow[1]) && latency.containsKey(e.getKey()))
                .mapToLong(e -> latency.get(e.getKey())).sorted().toArray();
        long[] all = latency.values().stream().mapToLong(Long::longValue).sorted().toArray();
        return String.format(Locale.ROOT, "%d of %d alerts paged (%d deliveries); the replica stopped in %d ms"
                + " (%d ERROR lines); alerts fired while it stopped: %d, paged p50 %d ms, max %d ms; all alerts: p50 %d ms,"
                + " p99 %d ms, max %d ms", latency.size(), ALERTS, pages.size(), stopDone.millis(), stopDone.errors().size(),
                during.length, percentile(during, 0.5), percentile(during, 1.0), percentile(all, 0.5), percentile(all, 0.99),
                percentile(all, 1.0));
    }

    private static long percentile(long[] sorted, double fraction) {
        return sorted.length == 0 ? -1 : sorted[Math.max(0, (int) Math.ceil(sorted.length * fraction) - 1)];
    }
}
