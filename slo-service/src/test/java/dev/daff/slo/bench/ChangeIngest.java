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
import java.util.function.IntFunction;

import dev.daff.localinfra.LocalPostgres;
import dev.daff.localinfra.ServiceProcess;

/**
 * What CI/CD asks of incident-service on every deploy, from {@link #CLIENTS} threads back to back, against change and
 * decision logs holding a year of {@link #history}: its busiest write, {@code POST /api/changes} (every deploy, config
 * push and flag flip), the deploy gate's {@code POST /api/deploy-decisions} a pipeline waits for, and the gate's list of
 * decisions. What a request costs in the service's CPU time, PostgreSQL's and latency. incident- and action-service
 * run C1 only (their {@code jvm.options}) for a faster start (run Q weighs the price); run R, what the
 * concurrent-changes lookup cost; run S, the gate.
 */
final class ChangeIngest {

    static final int CLIENTS = 4;
    static final int PER_ROUND = 4_000;
    static final int ROUNDS = 5;
    static final int SERVICES = 50;
    static final long MONTH_SECONDS = 30 * 24 * 3600;
    /** A year of deploys before the measured month, 16 a day per service: the change log of a daff in use. */
    static final int HISTORY = SERVICES * 16 * 365;
    /** Each listed decision looks up the change posted for it: a round of lists reads 100 times as many rows. */
    static final int LIST_LIMIT = 100;

    /** One endpoint under load: its requests (the n-th), the status each must answer, and how many make a round. */
    private record Endpoint(String name, IntFunction<HttpRequest> request, int status, int perRound) {
    }

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
     * Fills the change log with {@link #HISTORY} deploys in the year before the last 30 days, each with the gate's
     * decision ten minutes before it (one in 200 a WARN an admin overrode), and has PostgreSQL count them, as
     * autovacuum would before long: so each lookup runs against logs as long as a year's use makes them.
     */
    static void history(LocalPostgres postgres) throws Exception {
        try (Connection db = Bench.sql(postgres, "incident"); Statement sql = db.createStatement()) {
            sql.executeUpdate("""
                    insert into change_event (id, service, kind, summary, author, started_at, environment, ref,
                        recorded_at, recorded_by)
                    select gen_random_uuid(), format('svc-%%s', lpad((n %% %d)::text, 2, '0')), 'DEPLOY',
                        'deploy build h' || n, 'ci@example.com',
                        now() - interval '30 days' - n * interval '1 second' * (365 * 86400 / %d), 'production',
                        'h' || n, now() - interval '30 days' - n * interval '1 second' * (365 * 86400 / %d), 'benchmark'
                    from generate_series(1, %d) n""".formatted(SERVICES, HISTORY, HISTORY, HISTORY));
            sql.executeUpdate("""
                    insert into deploy_decision (id, service, environment, kind, ref, author, decision, reasons,
                        checked_at, requested_by, overridden_at, overridden_by, override_reason)
                    select gen_random_uuid(), service, environment, kind, ref, author,
                        case when n % 200 = 0 then 'WARN' else 'ALLOW' end, '[]',
                        started_at - interval '10 minutes', 'ci',
                        case when n % 200 = 0 then started_at - interval '5 minutes' end,
                        case when n % 200 = 0 then 'admin' end, case when n % 200 = 0 then 'known risk' end
                    from (select *, row_number() over () as n from change_event where recorded_by = 'benchmark') history
                    """);
            sql.execute("analyze change_event");
            sql.execute("analyze deploy_decision");
        }
    }

    private static String service(int n) {
        return String.format("svc-%02d", n % SERVICES);
    }

    /** The endpoints {@code bench.changes.endpoints} names ({@code changes,decide,list}, the default), in that order. */
    void measure() throws Exception {
        List<String> chosen = List.of(System.getProperty("bench.changes.endpoints", "changes,decide,list").split(","));
        if (chosen.contains("changes")) {
            measure(new Endpoint("POST /api/changes", this::change, 201, PER_ROUND));
        }
        if (chosen.contains("decide")) {
            measure(new Endpoint("POST /api/deploy-decisions", this::decision, 201, PER_ROUND));
        }
        if (chosen.contains("list")) {
            measure(new Endpoint("GET /api/deploy-decisions?service=&limit=" + LIST_LIMIT, this::decisions, 200,
                    PER_ROUND / 10));
        }
    }

    private void measure(Endpoint endpoint) throws Exception {
        int perRound = endpoint.perRound();
        round(endpoint, perRound);
        double[] rates = new double[ROUNDS];
        double[] cpuMicros = new double[ROUNDS];
        double[] postgresMicros = new double[ROUNDS];
        long[] latencies = new long[0];
        for (int r = 0; r < ROUNDS; r++) {
            double cpuBefore = ProcessCpu.seconds(incident.pid());
            double postgresBefore = postgresSeconds();
            long started = System.nanoTime();
            long[] round = round(endpoint, perRound);
            rates[r] = perRound / Bench.secondsSince(started);
            cpuMicros[r] = (ProcessCpu.seconds(incident.pid()) - cpuBefore) * 1e6 / perRound;
            postgresMicros[r] = (postgresSeconds() - postgresBefore) * 1e6 / perRound;
            latencies = concat(latencies, round);
        }
        Arrays.sort(latencies);
        Bench.say("incident-service %s, %,d changes and decisions in the logs before, %d clients, %d rounds of %,d"
                + " after %,d to warm up: %s requests/s (median %,.0f); its CPU per request %s µs (median %.0f),"
                + " PostgreSQL's %s µs (median %.0f); latency p50 %.1f ms, p99 %.1f ms; %s",
                endpoint.name(), HISTORY, CLIENTS, ROUNDS, perRound, perRound, Bench.list(rates, "%,.0f"),
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
    private long[] round(Endpoint endpoint, int requests) throws Exception {
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
                        HttpResponse<String> response = Bench.HTTP.send(
                                endpoint.request().apply(sequence.incrementAndGet()), HttpResponse.BodyHandlers.ofString());
                        latencies[i] = (System.nanoTime() - started) / 1_000;
                        if (response.statusCode() != endpoint.status()) {
                            throw new IllegalStateException(endpoint.name() + " answered " + response.statusCode()
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
    private HttpRequest change(int n) {
        return post("/api/changes", """
                {"service": "%s", "kind": "DEPLOY", "summary": "deploy build %d", "author": "ci@example.com",
                 "startedAt": "%s", "environment": "production", "ref": "build-%d"}
                """.formatted(service(n), n, Instant.now().minusSeconds(n * 7_919L % MONTH_SECONDS), n));
    }

    /** "May I deploy now?" for a build of one of the catalog's services, as the pipeline asks before it deploys. */
    private HttpRequest decision(int n) {
        return post("/api/deploy-decisions", """
                {"service": "%s", "environment": "production", "kind": "DEPLOY", "ref": "build-%d",
                 "author": "ci@example.com"}
                """.formatted(service(n), n));
    }

    /** The newest decisions about one service, each with the change that followed it. */
    private HttpRequest decisions(int n) {
        return request("/api/deploy-decisions?limit=" + LIST_LIMIT + "&service=" + service(n)).GET().build();
    }

    private HttpRequest post(String path, String body) {
        return request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(incident.url() + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token);
    }

    private static long[] concat(long[] a, long[] b) {
        long[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
