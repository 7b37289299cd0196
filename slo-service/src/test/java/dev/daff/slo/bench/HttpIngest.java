package dev.daff.slo.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.StringJoiner;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import dev.daff.localinfra.ServiceProcess;

/**
 * HTTP ingest next to a bare Quarkus endpoint in the same packaged service ({@code BareParseResource}, present only
 * in the {@code -Pbenchmark} build): same JSON bodies, same JWT, same load generator ({@link #CLIENTS} threads
 * posting batches of {@link #BATCH} back to back), rounds alternating between the two; each daff round waits until
 * the service has counted what it accepted before the next round starts.
 */
final class HttpIngest {

    static final int BATCH = 1_000;
    /**
     * A round of 1,000,000 events takes 2–5 s: rounds of 200,000 (until run Y) lasted under a second each, and one
     * collection or compilation in one of them moved its ratio by a tenth.
     */
    static final int BATCHES_PER_ROUND = 1_000;
    static final int CLIENTS = 4;
    /**
     * Batches each endpoint gets before the measured rounds: rates still rose from round to round after 50 and 400,
     * and after 1,000 both endpoints' rates rose by half again over the five rounds that followed (run Y).
     */
    static final int WARM_UP_BATCHES = 3_000;

    private final ServiceProcess slo;
    private final String token;
    private final List<String> bodies = new ArrayList<>();
    private final List<String> slos;

    HttpIngest(ServiceProcess slo, String token, List<String> slos) {
        this.slo = slo;
        this.token = token;
        this.slos = slos;
        Random random = new Random(3);
        Instant now = Instant.now();
        for (int b = 0; b < 50; b++) {
            StringJoiner body = new StringJoiner(",", "[", "]");
            for (int i = 0; i < BATCH; i++) {
                // Spread over the last hour, minute by minute, far below the per-minute limit.
                Instant at = now.minusMillis(60_000 + random.nextInt(3_000_000));
                body.add("{\"at\":\"" + at + "\",\"good\":" + (i % 2000 == 0 ? 0 : 1) + ",\"total\":1}");
            }
            bodies.add(body.toString());
        }
    }

    /** Where the CPU went during the last round, until its last 202. */
    String lastRoundCpu = "";
    /** How long after the last daff round's last 202 the service had counted all of it. */
    double lastCountedAfterSeconds;

    /**
     * Events per second accepted (202) by {@code pathPrefix/{slo}/events}, for {@code batches} batches. A daff round
     * then waits until the service has counted every event it accepted, so that the counting does not run on into
     * the next round and slow whichever endpoint that one measures.
     */
    double round(String pathPrefix, int batches) throws Exception {
        boolean daff = !pathPrefix.startsWith("/bench/");
        double countedBefore = daff ? countedEvents() : 0;
        Map<String, Double> cpuBefore = ProcessCpu.now();
        AtomicInteger next = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        long started = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            done.add(clients.submit(() -> {
                int b;
                while ((b = next.getAndIncrement()) < batches) {
                    String slo = slos.get(b * 7919 % slos.size());
                    HttpRequest request = HttpRequest.newBuilder(URI.create(this.slo.url() + pathPrefix + "/" + slo + "/events"))
                            .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(bodies.get(b % bodies.size()))).build();
                    HttpResponse<String> response = Bench.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 202) {
                        throw new IllegalStateException(pathPrefix + " answered " + response.statusCode() + ": " + response.body());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        double seconds = Bench.secondsSince(started);
        clients.shutdown();
        lastRoundCpu = ProcessCpu.describe(ProcessCpu.between(cpuBefore, ProcessCpu.now()), seconds);
        if (daff) {
            long accepted = System.nanoTime();
            Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
            while (countedEvents() < countedBefore + (double) batches * BATCH) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("the service did not count what it accepted within 2 minutes");
                }
                Thread.sleep(100); // a scrape of the service's metrics is not free: not more often
            }
            lastCountedAfterSeconds = Bench.secondsSince(accepted);
        }
        return batches * BATCH / seconds;
    }

    /** SLI events the service has counted or dead-lettered so far, from its own metrics. */
    private double countedEvents() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(slo.url() + "/q/metrics"))
                .header("Authorization", "Bearer " + token).build();
        HttpResponse<String> metrics = Bench.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        return metrics.body().lines().filter(line -> line.startsWith("daff_sli_events_total{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    /** Alternating rounds after a warm-up of each; answers {bare rates, daff rates}. */
    double[][] compare(int rounds) throws Exception {
        round("/bench/bare", WARM_UP_BATCHES);
        round("/api/slos", WARM_UP_BATCHES);
        double[] bare = new double[rounds];
        double[] daff = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            bare[r] = round("/bench/bare", BATCHES_PER_ROUND);
            String bareCpu = lastRoundCpu;
            daff[r] = round("/api/slos", BATCHES_PER_ROUND);
            Bench.say("HTTP ingest run %d: bare endpoint %,.0f events/s, daff ingest %,.0f events/s, ratio %.2f; all"
                    + " counted %.2f s after the last 202; bare round's %s; daff round's %s", r + 1, bare[r], daff[r],
                    daff[r] / bare[r], lastCountedAfterSeconds, bareCpu, lastRoundCpu);
        }
        return new double[][] { bare, daff };
    }
}
