package dev.daff.slo.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import dev.daff.localinfra.ServiceProcess;

/**
 * incident-service's busiest write, {@code POST /api/changes} (every deploy, config push and flag flip CI/CD reports),
 * from {@link #CLIENTS} threads back to back: what its JIT setting costs a request, in its own CPU time and in latency.
 * incident- and action-service run C1 only (their {@code jvm.options}) for a faster start; this is the price.
 */
final class ChangeIngest {

    static final int CLIENTS = 4;
    static final int WARM_UP = 4_000;
    static final int PER_ROUND = 4_000;
    static final int ROUNDS = 5;
    static final int SERVICES = 50;
    static final long MONTH_SECONDS = 30 * 24 * 3600;

    private final ServiceProcess incident;
    private final String token;
    private final AtomicInteger sequence = new AtomicInteger();

    ChangeIngest(ServiceProcess incident, String token) {
        this.incident = incident;
        this.token = token;
    }

    /** Changes are reported for services in the catalog only: puts {@link #SERVICES} there. */
    static void catalog(ServiceProcess incident, String admin) {
        for (int s = 0; s < SERVICES; s++) {
            Bench.send("PUT", incident.url() + "/api/services/" + service(s), admin, "{\"team\": \"bench\"}", 201);
        }
    }

    private static String service(int n) {
        return String.format("svc-%02d", n % SERVICES);
    }

    void measure() throws Exception {
        round(WARM_UP);
        double[] rates = new double[ROUNDS];
        double[] cpuMicros = new double[ROUNDS];
        long[] latencies = new long[0];
        for (int r = 0; r < ROUNDS; r++) {
            double cpuBefore = ProcessCpu.seconds(incident.pid());
            long started = System.nanoTime();
            long[] round = round(PER_ROUND);
            rates[r] = PER_ROUND / Bench.secondsSince(started);
            cpuMicros[r] = (ProcessCpu.seconds(incident.pid()) - cpuBefore) * 1e6 / PER_ROUND;
            latencies = concat(latencies, round);
        }
        Arrays.sort(latencies);
        Bench.say("incident-service POST /api/changes, %d clients, %d rounds of %,d after %,d to warm up: %s requests/s"
                + " (median %,.0f); its CPU per request %s µs (median %.0f); latency p50 %.1f ms, p99 %.1f ms;"
                + " %s", CLIENTS, ROUNDS, PER_ROUND, WARM_UP, Bench.list(rates, "%,.0f"),
                Bench.median(rates), Bench.list(cpuMicros, "%.0f"), Bench.median(cpuMicros),
                Bench.percentile(latencies, 50) / 1e3, Bench.percentile(latencies, 99) / 1e3,
                Bench.ownJvmOptions(incident));
    }

    /** Answers each request's latency in microseconds. */
    private long[] round(int requests) throws Exception {
        AtomicInteger next = new AtomicInteger();
        long[] latencies = new long[requests];
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                done.add(clients.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < requests) {
                        long started = System.nanoTime();
                        HttpResponse<String> response = Bench.HTTP.send(request(sequence.incrementAndGet()),
                                HttpResponse.BodyHandlers.ofString());
                        latencies[i] = (System.nanoTime() - started) / 1_000;
                        if (response.statusCode() != 201) {
                            throw new IllegalStateException("POST /api/changes answered " + response.statusCode()
                                    + ": " + response.body());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            clients.shutdown();
        }
        return latencies;
    }

    /**
     * A deploy of one of the catalog's services, as a pipeline reports it, started within the last 30 days: about 16 a
     * day per service, so each answer lists the one or two changes within the concurrent window, as on a busy day.
     */
    private HttpRequest request(int n) {
        String body = """
                {"service": "%s", "kind": "DEPLOY", "summary": "deploy build %d", "author": "ci@example.com",
                 "startedAt": "%s", "environment": "production", "ref": "build-%d"}
                """.formatted(service(n), n, Instant.now().minusSeconds(n * 7_919L % MONTH_SECONDS), n);
        return HttpRequest.newBuilder(URI.create(incident.url() + "/api/changes")).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static long[] concat(long[] a, long[] b) {
        long[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
