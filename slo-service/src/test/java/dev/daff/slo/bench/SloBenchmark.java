package dev.daff.slo.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.daff.localinfra.DevelopmentKeys;
import dev.daff.localinfra.KafkaTopicsSetup;
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
 * -DskipTests}, optionally {@code -Dbench.parts=footprint,cds,kafka,http,page,alerts,restart,profile,evaluation}. On the real
 * PostgreSQL and Kafka, with the packaged services in their own JVMs: start-up time and memory of each service,
 * Kafka ingest against a bare consumer (one and two replicas), HTTP ingest against a bare endpoint, page latency
 * from the Workbook crossing with 10,000 SLOs loaded, a JFR profile of the ingest path, and the evaluation engine.
 */
public final class SloBenchmark {

    static final int SLOS = 10_000;
    static final int RUNS = 5;

    private final Set<String> parts;

    private SloBenchmark(Set<String> parts) {
        this.parts = parts;
    }

    public static void main(String[] args) throws Exception {
        String chosen = System.getProperty("bench.parts", "all");
        Set<String> parts = chosen.equals("all") ? Set.of("footprint", "changes", "kafka", "http", "page", "alerts", "restart",
                "profile", "evaluation")
                : Arrays.stream(chosen.split(",")).map(String::trim).collect(Collectors.toSet());
        int exit = 0;
        try {
            new SloBenchmark(parts).run();
        } catch (Exception | Error e) {
            e.printStackTrace();
            Bench.say("FAILED: %s", e);
            exit = 1;
        }
        Path out = Path.of("target/benchmark.txt");
        Files.write(out, Bench.report());
        System.out.println();
        Bench.report().forEach(System.out::println);
        System.out.println("(written to " + out.toAbsolutePath() + ")");
        System.exit(exit);
    }

    private boolean wants(String part) {
        return parts.contains(part);
    }

    /** A part that fails is reported and the next part still runs. */
    private interface Part {
        void run() throws Exception;
    }

    private static void part(String name, Part part) {
        try {
            part.run();
        } catch (Exception | Error e) {
            e.printStackTrace();
            Bench.say("%s FAILED: %s", name, e);
        }
    }

    void run() throws Exception {
        Bench.say("slo-service benchmark, %s, %d cores, parts %s", Instant.now(), Runtime.getRuntime().availableProcessors(),
                parts.stream().sorted().toList());
        if (wants("evaluation")) {
            part("evaluation", this::evaluation);
        }
        if (parts.stream().anyMatch(p -> !p.equals("evaluation"))) {
            services();
        }
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
                evaluator.evaluate(settings[i], windows[i], now, true);
            }
            ticks[tick] = System.nanoTime() - started;
        }
        long[] measured = Arrays.copyOfRange(ticks, 10, ticks.length); // the first ticks warm the JIT
        Arrays.sort(measured);
        Bench.say("evaluation tick, %d SLOs (30d windows): median %.1f ms, max %.1f ms over %d ticks (goal < 50 ms)", SLOS,
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
        Bench.say("window sum read: 1h %.1f ns, 30d %.1f ns per read (goal: equal; both are one running sum)",
                hour / (200.0 * SLOS), month / (200.0 * SLOS));
    }

    /** Everything that runs the packaged services on the real broker and database. */
    void services() throws Exception {
        Path work = Files.createTempDirectory("daff-benchmark");
        try (LocalPostgres postgres = LocalPostgres.startEphemeral(); LocalKafka kafka = LocalKafka.startEphemeral();
                RecordingReceiver pagerDuty = RecordingReceiver.start()) {
            KafkaTopicsSetup.createAll(kafka.bootstrapServers()); // daff.sli-events with 12 partitions, as in production
            for (String database : List.of("slo", "incident", "action")) {
                postgres.ensureDatabase(database);
            }
            Map<String, String> issuer = DevelopmentKeys.ensure(work.resolve("keys"));
            String admin = DevelopmentKeys.tokens(work.resolve("keys")).get("daff-admin");
            Map<String, String> sloEnvironment = withJdkJavaOptions(ServiceProcess.environment(postgres, "slo", kafka,
                    issuer), "bench.slo.jvm-options");
            sloEnvironment.put("DAFF_PAGING_PAGERDUTY_URL", pagerDuty.url("/pagerduty"));
            Map<String, String> incidentEnvironment = withJdkJavaOptions(ServiceProcess.environment(postgres, "incident",
                    kafka, issuer), "bench.others.jvm-options");
            Map<String, String> actionEnvironment = withJdkJavaOptions(ServiceProcess.environment(postgres, "action",
                    kafka, issuer), "bench.others.jvm-options");

            ServiceProcess slo = Bench.service("slo-service", sloEnvironment, "benchmark-slo-service.log");
            slo.start().awaitReady(Duration.ofSeconds(120));
            List<String> bulk = IntStream.range(0, SLOS).mapToObj(i -> String.format("bulk-%05d", i)).toList();
            List<String> outages = IntStream.range(0, CrossingLatency.OUTAGES).mapToObj(i -> String.format("outage-%02d", i)).toList();
            loadSlos(slo, admin, postgres);
            slo.stop();
            try {
                if (wants("footprint")) {
                    part("footprint", () -> footprint(slo, Map.of("incident-service", incidentEnvironment,
                            "action-service", actionEnvironment)));
                }
                if (wants("changes")) {
                    String ingest = DevelopmentKeys.tokens(work.resolve("keys")).get("daff-ingest");
                    part("changes", () -> changes(postgres, incidentEnvironment, admin, ingest));
                }
                if (!slo.isAlive()) {
                    slo.start().awaitReady(Duration.ofSeconds(120));
                }
                double loadedRss = 0;
                if (wants("kafka")) {
                    try (Bench.RssSampler rss = new Bench.RssSampler(slo.pid())) {
                        part("kafka", () -> kafka(kafka, postgres, slo, bulk, sloEnvironment));
                        loadedRss = Math.max(loadedRss, rss.max(0));
                    }
                }
                if (wants("http")) {
                    try (Bench.RssSampler rss = new Bench.RssSampler(slo.pid())) {
                        part("http", () -> http(slo, admin, bulk));
                        loadedRss = Math.max(loadedRss, rss.max(0));
                    }
                }
                if (loadedRss > 0) {
                    Bench.say("slo-service RSS under the ingest load (highest VmRSS, sampled every 200 ms): %.0f MiB;"
                            + " VmHWM %.0f MiB", loadedRss, Bench.memoryMiB(slo.pid(), "VmHWM"));
                }
                if (wants("kafka")) {
                    idleWithData(slo);
                }
                if (wants("page")) {
                    part("page", () -> CrossingLatency.measure(slo, admin, kafka.bootstrapServers(), pagerDuty, outages));
                }
                if (wants("alerts")) {
                    part("alerts", () -> {
                    long[] latency = PagingLatency.measure(slo, admin, kafka.bootstrapServers(), pagerDuty);
                    Bench.say("page latency, AlertFired on daff.slo-alerts to the receiver having the page, %d pages at %d/s:"
                            + " p50 %d ms, p99 %d ms (goal p99 < 1 s)", PagingLatency.PAGES, PagingLatency.PER_SECOND,
                            latency[0], latency[1]);
                    });
                }
                if (wants("restart")) {
                    part("restart", () -> restart(slo, sloEnvironment, admin, kafka.bootstrapServers(), pagerDuty));
                }
                if (wants("profile")) {
                    part("profile", () -> profile(slo, sloEnvironment, kafka, postgres, admin, bulk));
                }
            } finally {
                slo.stop();
            }
        }
    }

    /**
     * The environment with {@code JDK_JAVA_OPTIONS} from a benchmark property, for trying JVM options or attaching a
     * profiler (the JVM reads them before its command line's options, so those still win where both name one).
     */
    private static Map<String, String> withJdkJavaOptions(Map<String, String> environment, String property) {
        Map<String, String> with = new LinkedHashMap<>(environment);
        String options = System.getProperty(property, "");
        if (!options.isBlank()) {
            with.put("JDK_JAVA_OPTIONS", options);
        }
        return with;
    }

    /** 10,000 SLOs (and the outage SLOs of the page benchmark), copied in SQL from one made through the API. */
    private void loadSlos(ServiceProcess slo, String admin, LocalPostgres postgres) throws Exception {
        Bench.send("POST", slo.url() + "/api/slos", admin, """
                {"name": "template", "service": "bench", "team": "bench", "objective": 99.9, "window": "30d"}
                """, 201);
        try (Connection db = Bench.sql(postgres, "slo"); Statement sql = db.createStatement()) {
            List<String> columns = new ArrayList<>();
            try (ResultSet rows = sql.executeQuery("select column_name from information_schema.columns"
                    + " where table_name = 'slo' order by ordinal_position")) {
                while (rows.next()) {
                    columns.add(rows.getString(1));
                }
            }
            // The bulk SLOs have data only while the benchmark sends it: NO_DATA and volume-drop alerts for them
            // would page 10,000 times in the middle of the page benchmark, so those two are off for them.
            sql.executeUpdate(copy(columns, "'bulk-' || lpad(g::text, 5, '0')", Map.of("team", "'bulk'",
                    "no_data_after_seconds", "86400", "volume_drop_enabled", "false"), SLOS));
            sql.executeUpdate(copy(columns, "'outage-' || lpad(g::text, 2, '0')", Map.of(), CrossingLatency.OUTAGES));
            sql.executeUpdate("delete from slo where name = 'template'");
        }
    }

    private static String copy(List<String> columns, String name, Map<String, String> overrides, int count) {
        String values = columns.stream().map(c -> c.equals("name") ? name : overrides.getOrDefault(c, "t." + c))
                .collect(Collectors.joining(", "));
        return "insert into slo (" + String.join(", ", columns) + ") select " + values
                + " from slo t, generate_series(0, " + (count - 1) + ") g where t.name = 'template'";
    }

    /**
     * Start-up to ready, idle memory and graceful stop of each service, five starts each, taken in turns (one start of
     * each, five times over) so that the machine's speed, which drifts over minutes, weighs on all alike; slo-service
     * is left running after its fifth. With {@code bench.compare-tiered}, incident- and action-service are also started
     * with tiered compilation ({@link #TIERED} after their own C1-only options).
     */
    private void footprint(ServiceProcess slo, Map<String, Map<String, String>> others) {
        Map<String, ServiceProcess> services = new LinkedHashMap<>();
        if (Boolean.parseBoolean(System.getProperty("bench.footprint.others", "true"))) {
            others.forEach((module, environment) -> {
                services.put(module, Bench.service(module, environment, "benchmark-" + module + ".log"));
                if (compareTiered()) {
                    services.put(module + " (tiered)", Bench.service(module, environment, "benchmark-" + module
                            + "-tiered.log").withJvmOptions(TIERED));
                }
            });
        }
        services.put("slo-service", slo);
        Map<String, Footprint> footprints = new LinkedHashMap<>();
        services.keySet().forEach(name -> footprints.put(name, new Footprint()));
        for (int run = 0; run < RUNS; run++) {
            for (Map.Entry<String, ServiceProcess> entry : services.entrySet()) {
                footprints.get(entry.getKey()).measure(entry.getValue(), run,
                        entry.getValue() == slo && run == RUNS - 1);
            }
        }
        footprints.forEach((name, footprint) -> footprint.report(name, services.get(name)));
    }

    /** With {@code -Dbench.compare-tiered=true}, what incident- and action-service would be with C2 as well. */
    private static final List<String> TIERED = List.of("-XX:TieredStopAtLevel=4");

    private static boolean compareTiered() {
        return Boolean.parseBoolean(System.getProperty("bench.compare-tiered", "false"));
    }

    /** One service's starts in the footprint part. */
    private static final class Footprint {
        final double[] ready = new double[RUNS];
        final double[] idle = new double[RUNS];
        /** Of the idle RSS, what is the process's own (heap, code, malloc) and what is mapped files (the AOT cache, jars, libjvm). */
        final double[] idleAnon = new double[RUNS];
        final double[] idleFile = new double[RUNS];
        final List<Double> stops = new ArrayList<>();
        int errorsWhileStopping;
        final Set<String> caches = new TreeSet<>();

        void measure(ServiceProcess service, int run, boolean leaveRunning) {
            ready[run] = Bench.startTimed(service, Duration.ofSeconds(120));
            caches.add(service.mappedStartupCache());
            Bench.sleep(10_000); // idle: start-up work done, nothing asked of it
            idle[run] = Bench.memoryMiB(service.pid(), "VmRSS");
            idleAnon[run] = Bench.memoryMiB(service.pid(), "RssAnon");
            idleFile[run] = Bench.memoryMiB(service.pid(), "RssFile");
            if (leaveRunning) {
                heapOf(service, Path.of("target/benchmark-slo-service-heap.txt"));
            } else {
                ServiceProcess.Stopped stopped = service.stopTimed();
                stops.add((double) stopped.millis());
                errorsWhileStopping += stopped.errors().size();
            }
        }

        void report(String name, ServiceProcess service) {
            double[] stopMillis = stops.stream().mapToDouble(Double::doubleValue).toArray();
            Bench.say("%s: JVM start to /q/health/ready UP %s ms (median %.0f ms, goal < 3000 ms); VmRSS idle 10 s after"
                    + " ready %s MiB (median %.0f MiB, goal < 300 MiB; of it anonymous %s, mapped files %s); SIGTERM to exit %s ms (median %.0f ms), %d ERROR"
                    + " lines logged while stopping; %s %s, %s, start-up cache mapped: %s%s", name,
                    Bench.list(ready, "%.0f"), Bench.median(ready), Bench.list(idle, "%.0f"), Bench.median(idle),
                    Bench.list(idleAnon, "%.0f"), Bench.list(idleFile, "%.0f"),
                    Bench.list(stopMillis, "%.0f"), Bench.median(stopMillis), errorsWhileStopping,
                    service.javaBin().resolve("java"), String.join(" ", ServiceProcess.IMAGE_JVM_OPTIONS),
                    Bench.ownJvmOptions(service), caches,
                    name.equals("slo-service") ? ", " + (SLOS + CrossingLatency.OUTAGES) + " SLOs defined" : "");
        }
    }

    /**
     * What incident-service's JIT costs a request ({@link ChangeIngest}); with {@code bench.compare-tiered}, then the
     * same on a second JVM with tiered compilation.
     */
    private void changes(LocalPostgres postgres, Map<String, String> incidentEnvironment, String admin, String ingest)
            throws Exception {
        List<List<String>> variants = compareTiered() ? List.of(List.of(), TIERED) : List.of(List.of());
        for (int variant = 0; variant < variants.size(); variant++) {
            ServiceProcess incident = Bench.service("incident-service", incidentEnvironment,
                    "benchmark-incident-service.log").withJvmOptions(variants.get(variant));
            incident.start().awaitReady(Duration.ofSeconds(120));
            try {
                if (variant == 0) {
                    ChangeIngest.catalog(incident, admin);
                }
                ChangeIngest.history(postgres); // after the start: its Flyway makes the table
                new ChangeIngest(incident, ingest).measure();
            } finally {
                incident.stop();
            }
            // The next JVM starts from the same logs, not ones twice as long.
            try (Connection db = Bench.sql(postgres, "incident"); Statement sql = db.createStatement()) {
                sql.executeUpdate("delete from change_event");
                sql.executeUpdate("delete from deploy_decision");
            }
        }
    }

    /**
     * What the idle service's memory holds: {@code jcmd VM.native_memory summary} (when the JVM tracks it, e.g. with
     * {@code JDK_JAVA_OPTIONS=-XX:NativeMemoryTracking=summary}), {@code GC.heap_info} and the top of
     * {@code GC.class_histogram} (last: it collects first).
     */
    private static void heapOf(ServiceProcess service, Path out) {
        try {
            List<String> lines = new ArrayList<>();
            for (String command : List.of("VM.native_memory summary", "GC.heap_info", "GC.class_histogram")) {
                List<String> jcmdCommand = new ArrayList<>(List.of(service.javaBin().resolve("jcmd").toString(),
                        String.valueOf(service.pid())));
                jcmdCommand.addAll(List.of(command.split(" ")));
                Process jcmd = new ProcessBuilder(jcmdCommand).redirectErrorStream(true).start();
                List<String> answer = new String(jcmd.getInputStream().readAllBytes()).lines().toList();
                jcmd.waitFor();
                lines.add("== jcmd " + service.pid() + " " + command);
                lines.addAll(answer.subList(0, Math.min(answer.size(), command.startsWith("VM.") ? 200 : 45)));
            }
            Files.write(out, lines);
            lines.forEach(System.out::println);
        } catch (Exception e) {
            Bench.say("heap histogram not taken: %s", e);
        }
    }

    private void kafka(LocalKafka kafka, LocalPostgres postgres, ServiceProcess slo, List<String> bulk,
            Map<String, String> sloEnvironment) throws Exception {
        KafkaIngest ingest = new KafkaIngest(kafka.bootstrapServers(), postgres, bulk);
        ingest.awaitOwners(1);
        ingest.bare(100_000); // warm-up, both sides
        ingest.service(100_000);
        int n = KafkaIngest.EVENTS;
        double[] bare = new double[RUNS];
        double[] one = new double[RUNS];
        for (int run = 0; run < RUNS; run++) {
            bare[run] = ingest.bare(n);
            one[run] = ingest.service(n);
            Bench.say("Kafka ingest run %d (1 replica): bare consumer %,.0f events/s, slo-service %,.0f events/s counted,"
                    + " ratio %.2f; %s", run + 1, bare[run], one[run], one[run] / bare[run], ingest.lastRunCpu);
        }
        double[] ratios = IntStream.range(0, RUNS).mapToDouble(i -> one[i] / bare[i]).toArray();
        Bench.say("Kafka ingest, %,d events per run over %d SLOs and 12 partitions, at spread over the last hour: bare"
                + " median %,.0f/s, slo-service median %,.0f/s; ratios %s (goal >= 0.8 in every run)", n, bulk.size(),
                Bench.median(bare), Bench.median(one), Bench.list(ratios, "%.2f"));
        if (Boolean.getBoolean("bench.kafka.oneReplica")) {
            return; // trying a change to one replica's ingest: the two-replica runs take as long again
        }
        ServiceProcess second = Bench.service("slo-service", sloEnvironment, "benchmark-slo-service-2.log");
        try {
            second.start().awaitReady(Duration.ofSeconds(120));
            ingest.awaitOwners(2);
            Bench.sleep(3_000);
            ingest.service(100_000); // warm-up of the second replica
            double[] two = new double[RUNS];
            double[] bareAgain = new double[RUNS];
            for (int run = 0; run < RUNS; run++) {
                bareAgain[run] = ingest.bare(n);
                two[run] = ingest.service(n);
                Bench.say("Kafka ingest run %d (2 replicas): bare consumer %,.0f events/s, two slo-service replicas"
                        + " %,.0f events/s counted; %s", run + 1, bareAgain[run], two[run], ingest.lastRunCpu);
            }
            Bench.say("Kafka ingest, 2 replicas vs 1 on the same broker: median %,.0f vs %,.0f events/s, %.2fx (goal"
                    + " >= 1.6x); bare consumer meanwhile median %,.0f/s", Bench.median(two), Bench.median(one),
                    Bench.median(two) / Bench.median(one), Bench.median(bareAgain));
        } finally {
            second.stop();
        }
        ingest.awaitOwners(1);
    }

    /**
     * The footprint part starts the service on SLOs without data; after the Kafka runs nearly every SLO has an hour
     * of it, whose window rings a replica loads and keeps. One start on that, timed, and its idle memory.
     */
    private static void idleWithData(ServiceProcess slo) {
        slo.stop();
        long ready = Bench.startTimed(slo, Duration.ofSeconds(120));
        Bench.sleep(10_000);
        double idle = Bench.memoryMiB(slo.pid(), "VmRSS");
        heapOf(slo, Path.of("target/benchmark-slo-service-heap-with-data.txt"));
        Bench.say("slo-service with an hour of data in its SLOs: JVM start to /q/health/ready UP %d ms; VmRSS idle 10 s"
                + " after ready %.0f MiB (heap in target/benchmark-slo-service-heap-with-data.txt)", ready, idle);
    }

    private void http(ServiceProcess slo, String admin, List<String> bulk) throws Exception {
        double[][] rates = new HttpIngest(slo, admin, bulk).compare(RUNS);
        double[] ratios = IntStream.range(0, RUNS).mapToDouble(i -> rates[1][i] / rates[0][i]).toArray();
        Bench.say("HTTP ingest, batches of %d from %d clients, alternating rounds of %,d events: bare endpoint median"
                + " %,.0f/s, daff ingest median %,.0f/s; ratios %s, median %.2f (goal >= 0.5)", HttpIngest.BATCH,
                HttpIngest.CLIENTS, HttpIngest.BATCH * HttpIngest.BATCHES_PER_ROUND, Bench.median(rates[0]),
                Bench.median(rates[1]), Bench.list(ratios, "%.2f"), Bench.median(ratios));
    }

    /**
     * Pages across a rolling restart: a second replica joins, and is stopped with SIGTERM while alerts arrive — once
     * as the Kafka connector stopped before run O (graceful shutdown: two poll timeouts per channel that has
     * partitions), once as it ships.
     */
    private void restart(ServiceProcess slo, Map<String, String> sloEnvironment, String admin, String bootstrapServers,
            RecordingReceiver pagerDuty) throws Exception {
        PagingLatency.benchTeam(slo, admin);
        Map<String, String> graceful = new LinkedHashMap<>(sloEnvironment);
        graceful.put("MP_MESSAGING_CONNECTOR_SMALLRYE_KAFKA_GRACEFUL_SHUTDOWN", "true");
        Map<String, Map<String, String>> rounds = new LinkedHashMap<>();
        rounds.put("graceful", graceful);
        rounds.put("shipped", sloEnvironment);
        for (Map.Entry<String, Map<String, String>> round : rounds.entrySet()) {
            ServiceProcess second = Bench.service("slo-service", round.getValue(), "benchmark-slo-service-2.log");
            try {
                second.start().awaitReady(Duration.ofSeconds(120));
                Bench.sleep(10_000); // the paging group rebalanced: each replica owns 3 of daff.slo-alerts' 6 partitions
                Bench.say("rolling restart, second replica stopped %s: %s", round.getKey().equals("graceful")
                        ? "as before run O (graceful-shutdown=true)" : "as shipped", RestartPaging.round("rolling-"
                                + round.getKey() + "-", second, bootstrapServers, pagerDuty));
            } finally {
                second.stop();
            }
        }
    }

    /** One Kafka run and one HTTP round with JFR on the service JVM, then where its CPU went. */
    private void profile(ServiceProcess slo, Map<String, String> sloEnvironment, LocalKafka kafka, LocalPostgres postgres,
            String admin, List<String> bulk) throws Exception {
        slo.stop();
        Path recording = Path.of("target/benchmark-ingest.jfr").toAbsolutePath();
        Files.deleteIfExists(recording);
        Map<String, String> environment = new LinkedHashMap<>(sloEnvironment);
        environment.put("JAVA_TOOL_OPTIONS", "-XX:StartFlightRecording=filename=" + recording
                + ",settings=profile,dumponexit=true");
        ServiceProcess profiled = Bench.service("slo-service", environment, "benchmark-slo-service-jfr.log");
        Instant from = Instant.MIN;
        try {
            profiled.start().awaitReady(Duration.ofSeconds(120));
            KafkaIngest ingest = new KafkaIngest(kafka.bootstrapServers(), postgres, bulk);
            ingest.awaitOwners(1);
            HttpIngest http = new HttpIngest(profiled, admin, bulk);
            if (Boolean.getBoolean("bench.profile.httpOnly")) {
                // Warmed up first and left out of the summary: what the steady state costs.
                http.round("/api/slos", HttpIngest.WARM_UP_BATCHES);
                from = Instant.now();
                for (int round = 0; round < 5; round++) {
                    Bench.say("profiled HTTP round: %,.0f events/s", http.round("/api/slos", HttpIngest.BATCHES_PER_ROUND));
                }
            } else {
                ingest.service(100_000);
                Bench.say("profiled Kafka run: %,.0f events/s", ingest.service(KafkaIngest.EVENTS));
                http.round("/api/slos", 50);
                Bench.say("profiled HTTP round: %,.0f events/s", http.round("/api/slos", HttpIngest.BATCHES_PER_ROUND));
            }
        } finally {
            profiled.stop();
        }
        IngestProfile.summarise(recording, from, Path.of("target/benchmark-profile.txt"));
    }
}
