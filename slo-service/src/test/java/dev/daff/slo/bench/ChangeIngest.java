package dev.daff.slo.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import dev.daff.localinfra.LocalPostgres;
import dev.daff.localinfra.ServiceProcess;

/**
 * incident-service's busiest write, {@code POST /api/changes} (every deploy, config push and flag flip CI/CD reports),
 * from {@link #CLIENTS} threads back to back, against a change log holding a year of {@link #history}: what a request
 * costs in the service's CPU time, PostgreSQL's and latency. incident- and action-service run C1 only (their
 * {@code jvm.options}) for a faster start (run Q weighs the price); run R, what the concurrent-changes lookup cost.
 */
final class ChangeIngest {

    static final int CLIENTS = 4;
    static final int WARM_UP = 4_000;
    static final int PER_ROUND = 4_000;
    static final int ROUNDS = 5;
    static final int SERVICES = 50;
    static final long MONTH_SECONDS = 30 * 24 * 3600;
    /** A year of deploys before the measured month, 16 a day per service: the change log of a daff in use. */
    static final int HISTORY = SERVICES * 16 * 365;

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

    /**
     * Fills the change log with {@link #HISTORY} deploys in the year before the last 30 days (and has PostgreSQL
     * count them, as autovacuum would before long), so each lookup runs against a log as long as a year's use makes it.
     */
    static void history(LocalPostgres postgres) throws Exception {
        try (Connection db = Bench.sql(postgres, "incident"); Statement sql = db.createStatement()) {
            sql.executeUpdate("""
                    insert into change_event (id, service, kind, summary, author, started_at, environment, recorded_at,
                        recorded_by)
                    select gen_random_uuid(), format('svc-%%s', lpad((n %% %d)::text, 2, '0')), 'DEPLOY',
                        'deploy build h' || n, 'ci@example.com',
                        now() - interval '30 days' - n * interval '1 second' * (365 * 86400 / %d), 'production', now(),
                        'benchmark'
                    from generate_series(1, %d) n""".formatted(SERVICES, HISTORY, HISTORY));
            sql.execute("analyze change_event");
        }
    }

    private static String service(int n) {
        return String.format("svc-%02d", n % SERVICES);
    }

    void measure() throws Exception {
        round(WARM_UP);
        double[] rates = new double[ROUNDS];
        double[] cpuMicros = new double[ROUNDS];
        double[] postgresMicros = new double[ROUNDS];
        long[] latencies = new long[0];
        for (int r = 0; r < ROUNDS; r++) {
            double cpuBefore = ProcessCpu.seconds(incident.pid());
            double postgresBefore = postgresSeconds();
            long started = System.nanoTime();
            long[] round = round(PER_ROUND);
            rates[r] = PER_ROUND / Bench.secondsSince(started);
            cpuMicros[r] = (ProcessCpu.seconds(incident.pid()) - cpuBefore) * 1e6 / PER_ROUND;
            postgresMicros[r] = (postgresSeconds() - postgresBefore) * 1e6 / PER_ROUND;
            latencies = concat(latencies, round);
        }
        Arrays.sort(latencies);
        Bench.say("incident-service POST /api/changes, %,d changes in the log before, %d clients, %d rounds of %,d after"
                + " %,d to warm up: %s requests/s (median %,.0f); its CPU per request %s µs (median %.0f),"
                + " PostgreSQL's %s µs (median %.0f); latency p50 %.1f ms, p99 %.1f ms; %s",
                HISTORY, CLIENTS, ROUNDS, PER_ROUND, WARM_UP, Bench.list(rates, "%,.0f"),
                Bench.median(rates), Bench.list(cpuMicros, "%.0f"), Bench.median(cpuMicros),
                Bench.list(postgresMicros, "%.0f"), Bench.median(postgresMicros),
                Bench.percentile(latencies, 50) / 1e3, Bench.percentile(latencies, 99) / 1e3,
                Bench.ownJvmOptions(incident));
    }

    /** PostgreSQL's processes (the service's pooled connections outlive a round, so none is missed). */
    private static double postgresSeconds() {
        return ProcessCpu.now().getOrDefault("postgres", 0.0);
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
