package dev.daff.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import com.fasterxml.jackson.databind.JsonNode;

import dev.daff.localinfra.DevelopmentKeys;
import dev.daff.localinfra.FreePorts;
import dev.daff.localinfra.JsonApi;
import dev.daff.localinfra.KafkaTestClient;
import dev.daff.localinfra.LocalKafka;
import dev.daff.localinfra.LocalPostgres;
import dev.daff.localinfra.RecordingReceiver;
import dev.daff.localinfra.ServiceProcess;

/**
 * Fault drills against the three packaged services under steady load: SLI events over HTTP and over Kafka,
 * four clients opening and resolving incidents, deploys reported on Kafka by CI/CD, one burning SLO that must page. In turn: {@code kill -9} of
 * each service and a restart on the same port, the Kafka broker away for 30 s, a PostgreSQL restart. Then
 * what a user would check: every accepted SLI event counted once, HTTP ingest answering 503 with
 * {@code Retry-After} (never 500) while the broker is away and 202 within seconds of its return, a WASHUP
 * action for every resolved incident, the page delivered once, nothing dead-lettered, every service ready.
 * Figures (503 period, time to ready, time to catch up) go to stdout and {@code target/fault-drill-figures.txt}.
 */
class FaultDrillIT {

    static final String TEAM = "drill";
    static final String HTTP_SLO = "drill-http";
    static final String KAFKA_SLO = "drill-kafka";
    static final String BURN_SLO = "drill-burn";
    static final String SLI_TOPIC = "daff.sli-events";
    static final String CHANGE_TOPIC = "daff.change-events";
    /** The service CI/CD reports deploys of, over Kafka, throughout the drill. */
    static final String DEPLOYED_SERVICE = "drill-deploys";
    static final int SLI_PARTITIONS = 3;
    static final int INCIDENT_CLIENTS = 4;
    static final int HTTP_INGEST_CLIENTS = 2;
    static final int HTTP_BATCH = 10;
    /**
     * Every load observation has a unique {@code total} (this base plus its sequence number), so each one can be
     * found on the topic; one in two loses one event, far below any burn threshold.
     */
    static final long TOTAL_BASE = 10_000;
    static final Duration BROKER_OUTAGE = Duration.ofSeconds(30);
    /** A database restart as production sees one: the server is away for a few seconds, every connection cut. */
    static final Duration DATABASE_DOWN = Duration.ofSeconds(5);
    /** "Within seconds of the broker's return". */
    static final Duration INGEST_RECOVERY = Duration.ofSeconds(10);
    static final Duration READY = Duration.ofSeconds(90);
    static final Duration LOAD_RESUMES = Duration.ofSeconds(30);
    /**
     * How long the end checks wait, all together, once the consumers have caught up, for what is eventually
     * consistent (counts, WASHUP actions, events on topics, stored deploys, the page): a relay tick, a dispatcher
     * retry, a commit interval. What it took is in the figures.
     */
    static final Duration EVENTUALLY = Duration.ofSeconds(30);
    /**
     * How long the consumer groups get to work off their lag once the load stops. A killed replica's partitions
     * wait out its session first (Kafka's default, 45 s, for the messaging channels), and a broker restart in that
     * time starts the wait again; the figures say how long it took.
     */
    static final Duration CONSUMERS_CATCH_UP = Duration.ofSeconds(90);
    /** When the end checks stop waiting. */
    volatile Instant endChecksDeadline;
    /** What a telemetry client or a person at a browser waits for an answer before giving up. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    static final int NO_ANSWER = -1;
    static final int TIMED_OUT = -2;

    static LocalPostgres postgres;
    static LocalKafka kafka;
    static RecordingReceiver pagerDuty;
    static final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    static Map<String, String> tokens;
    static final List<String> figures = Collections.synchronizedList(new ArrayList<>());
    static final Instant drillStarted = Instant.now();

    final JsonApi api = new JsonApi();

    // --- what the load saw --------------------------------------------------------------------------------------

    /** One HTTP call of the load and its answer ({@link #NO_ANSWER}, {@link #TIMED_OUT} when none came). */
    record Answer(String api, Instant sent, Instant answered, int status, String retryAfter) {
    }

    final List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
    volatile boolean loadRunning = true;
    final AtomicLong httpSequence = new AtomicLong();
    final AtomicLong kafkaSequence = new AtomicLong();
    /** Sequence numbers of HTTP observations in a batch that got 202. */
    final Set<Long> httpAccepted = ConcurrentHashMap.newKeySet();
    /** Batches that got anything else (or no answer): not promised, maybe stored — the topic tells. */
    final List<List<Long>> httpUnsure = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger httpAcceptedBatches = new AtomicInteger();
    final Map<Long, Instant> kafkaSent = new ConcurrentHashMap<>();
    final Map<Long, Instant> kafkaAcked = new ConcurrentHashMap<>();
    final Set<Long> kafkaFailed = ConcurrentHashMap.newKeySet();
    final Map<String, Instant> changesSent = new ConcurrentHashMap<>();
    final Set<String> changesAcked = ConcurrentHashMap.newKeySet();
    final Set<String> resolvedByClients = ConcurrentHashMap.newKeySet();
    final AtomicInteger incidentsOpened = new AtomicInteger();

    /** Things the drill saw go wrong while it ran; asserted at the end so every check still runs. */
    final Map<String, String> recoveryProblems = Collections.synchronizedMap(new LinkedHashMap<>());

    /** When counting had caught up with everything accepted by the time a fault was over. */
    record CatchUp(String fault, Instant from, long httpTarget, long kafkaTarget) {
    }

    final List<CatchUp> catchUps = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void startTheSuite() throws Exception {
        Path work = Files.createTempDirectory("daff-fault-drill");
        postgres = LocalPostgres.startRestartable();
        for (String database : List.of("slo", "incident", "action")) {
            postgres.ensureDatabase(database);
        }
        kafka = LocalKafka.startEphemeral();
        // Several partitions, as in production: counting keeps one stored offset per partition.
        try (Admin admin = kafkaAdmin()) {
            admin.createTopics(List.of(new NewTopic(SLI_TOPIC, SLI_PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        pagerDuty = RecordingReceiver.start();
        Map<String, String> issuer = DevelopmentKeys.ensure(work.resolve("keys"));
        tokens = DevelopmentKeys.tokens(work.resolve("keys"));

        Map<String, String> sloEnvironment = new LinkedHashMap<>(ServiceProcess.environment(postgres, "slo", kafka, issuer));
        sloEnvironment.put("DAFF_PAGING_PAGERDUTY_URL", pagerDuty.url("/v2/enqueue"));
        sloEnvironment.put("DAFF_SLO_EVALUATION_TICK", "1s");
        start("slo-service", sloEnvironment);
        start("incident-service", ServiceProcess.environment(postgres, "incident", kafka, issuer));
        start("action-service", ServiceProcess.environment(postgres, "action", kafka, issuer));
        for (ServiceProcess service : services.values()) {
            service.awaitReady(READY);
        }
        figure("suite up %.1f s after the drill started (PostgreSQL, Kafka with %s in %d partitions, three services)",
                seconds(drillStarted, Instant.now()), SLI_TOPIC, SLI_PARTITIONS);
    }

    static void start(String module, Map<String, String> environment) {
        ServiceProcess service = new ServiceProcess(module, Path.of("..", module, "target/quarkus-app/quarkus-run.jar"),
                FreePorts.pick(), environment, Path.of("target/fault-drill-" + module + ".log"));
        services.put(module, service.start());
    }

    @AfterAll
    static void stopTheSuiteAndWriteTheFigures() throws IOException {
        figure("whole drill: %.0f s wall time", seconds(drillStarted, Instant.now()));
        services.values().parallelStream().forEach(ServiceProcess::stop);
        if (pagerDuty != null) {
            pagerDuty.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        Path file = Path.of("target", "fault-drill-figures.txt");
        Files.createDirectories(file.getParent());
        synchronized (figures) {
            Files.write(file, figures, StandardCharsets.UTF_8);
        }
    }

    ServiceProcess slo() {
        return services.get("slo-service");
    }

    ServiceProcess incident() {
        return services.get("incident-service");
    }

    ServiceProcess action() {
        return services.get("action-service");
    }

    @Test
    void acceptedEventsAreCountedOncePagesDeliveredOnceAndWashupsMadeThroughCrashesABrokerOutageAndADatabaseRestart()
            throws Exception {
        defineTeamAndSlos();
        ExecutorService load = Executors.newCachedThreadPool();
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < HTTP_INGEST_CLIENTS; i++) {
                load.submit(loadTask("HTTP ingest " + i, this::ingestOverHttp));
            }
            load.submit(loadTask("Kafka ingest", this::ingestOverKafka));
            for (int i = 0; i < INCIDENT_CLIENTS; i++) {
                int client = i;
                load.submit(loadTask("incident client " + i, () -> workIncidents(client)));
            }
            watcher.scheduleWithFixedDelay(this::checkCatchUps, 250, 250, TimeUnit.MILLISECONDS);
            awaitLoadFlowing("warm-up");

            // The burn is counted, then slo-service dies somewhere between evaluating it, storing the alert,
            // relaying it, turning it into a page and delivering the page: the page must still go out, once.
            burn();
            for (String service : List.of("slo-service", "incident-service", "action-service")) {
                killAndRestart(service);
            }
            brokerOutage();
            databaseRestart();
        } finally {
            loadRunning = false;
            load.shutdown();
            if (!load.awaitTermination(60, TimeUnit.SECONDS)) {
                load.shutdownNow();
            }
            watcher.shutdownNow();
        }
        Instant loadStopped = Instant.now();
        summariseLoad();
        reportCatchUps();

        assertAll("fault drill",
                checks(loadStopped).toArray(Executable[]::new));
    }

    // --- set-up -------------------------------------------------------------------------------------------------

    void defineTeamAndSlos() {
        api.call("PUT", slo().url() + "/api/teams/" + TEAM, admin(), """
                {"members": [{"handle": "dana", "name": "Dana", "channels": [{"type": "pagerduty", "routingKey": "drill-dana"}]},
                             {"handle": "eli", "name": "Eli", "channels": [{"type": "pagerduty", "routingKey": "drill-eli"}]}],
                 "rotation": {"members": ["dana", "eli"], "shiftLength": "P7D", "startsAt": "%s", "timeZone": "Europe/London"},
                 "escalation": {"ackTimeout": "PT1H"}}
                """.formatted(Instant.now().minus(Duration.ofDays(1))), 200);
        api.call("PUT", incident().url() + "/api/services/" + DEPLOYED_SERVICE, admin(), "{\"team\": \"" + TEAM + "\"}", -1);
        // noDataAfter of an hour: the drill's own gaps (a dead consumer, an absent broker) must not page.
        for (String name : List.of(HTTP_SLO, KAFKA_SLO, BURN_SLO)) {
            api.call("POST", slo().url() + "/api/slos", admin(), """
                    {"name": "%s", "service": "%s", "team": "%s", "objective": 99.9, "window": "30d", "noDataAfter": "PT1H"}
                    """.formatted(name, name + "-svc", TEAM), 201);
        }
    }

    /** An hour of good traffic, then two minutes where every request fails: a fast burn that pages. */
    void burn() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        StringJoiner batch = new StringJoiner(",", "[", "]");
        long total = 0;
        for (Instant at = now.minus(Duration.ofMinutes(60)); at.isBefore(now.plus(Duration.ofMinutes(1))); at = at.plusSeconds(60)) {
            Instant observed = at.isAfter(Instant.now()) ? Instant.now() : at;
            int bad = at.isBefore(now.minus(Duration.ofMinutes(1))) ? 0 : 1000;
            batch.add("{\"at\": \"" + observed + "\", \"good\": " + (1000 - bad) + ", \"total\": 1000}");
            total += 1000;
        }
        api.call("POST", slo().url() + "/api/slos/" + BURN_SLO + "/events", ingest(), batch.toString(), 202);
        long burnTotal = total;
        await("the burn counted").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> counted(BURN_SLO)[1] >= burnTotal);
    }

    // --- load ---------------------------------------------------------------------------------------------------

    /** A load thread that stopped on an exception: a bug in the drill, reported by its own check. */
    final Map<String, String> loadErrors = new ConcurrentHashMap<>();

    Runnable loadTask(String name, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | AssertionError e) {
                loadErrors.put(name, e.toString());
            }
        };
    }

    void ingestOverHttp() {
        while (loadRunning) {
            List<Long> batch = new ArrayList<>(HTTP_BATCH);
            StringJoiner body = new StringJoiner(",", "[", "]");
            // A batch's ids follow each other: HTTP ingest writes its observations (all at one "now") as one sum,
            // which names them by how many there are and their totals' sum (expectedCounts).
            long first = httpSequence.getAndAdd(HTTP_BATCH) + 1;
            for (int i = 0; i < HTTP_BATCH; i++) {
                long id = first + i;
                batch.add(id);
                body.add("{\"good\": " + good(id) + ", \"total\": " + total(id) + "}");
            }
            Answer answer = send("ingest", "POST", slo().url() + "/api/slos/" + HTTP_SLO + "/events", ingest(), body.toString());
            if (answer.status() == 202) {
                httpAccepted.addAll(batch);
                httpAcceptedBatches.incrementAndGet();
            } else {
                httpUnsure.add(batch);
            }
            pace(Duration.ofMillis(200));
        }
    }

    void ingestOverKafka() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // A telemetry pipeline rides out a broker restart: records wait in the producer until it is back.
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            long round = 0;
            while (loadRunning) {
                if (round++ % 4 == 0) {
                    deploy(producer, round / 4 + 1);
                }
                for (int i = 0; i < 2; i++) {
                    long id = kafkaSequence.incrementAndGet();
                    String value = "{\"slo\": \"" + KAFKA_SLO + "\", \"at\": \"" + Instant.now() + "\", \"good\": " + good(id)
                            + ", \"total\": " + total(id) + "}";
                    kafkaSent.put(id, Instant.now());
                    producer.send(new ProducerRecord<>(SLI_TOPIC, KAFKA_SLO, value), (metadata, failure) -> {
                        if (failure == null) {
                            kafkaAcked.put(id, Instant.now());
                        } else {
                            kafkaFailed.add(id);
                        }
                    });
                }
                pace(Duration.ofMillis(100));
            }
            producer.flush();
        }
    }

    /**
     * A CI/CD pipeline reporting a deploy on daff.change-events, as it does all day: these arrive while the
     * database is away too, which is what shows whether a transient failure is retried or dead-lettered.
     */
    void deploy(KafkaProducer<String, String> producer, long build) {
        String ref = "build-" + build;
        String value = """
                {"service": "%s", "kind": "DEPLOY", "summary": "deploy %s", "author": "ci", "startedAt": "%s",
                 "ref": "%s", "environment": "production"}""".formatted(DEPLOYED_SERVICE, ref, Instant.now(), ref);
        changesSent.put(ref, Instant.now());
        producer.send(new ProducerRecord<>(CHANGE_TOPIC, DEPLOYED_SERVICE, value), (metadata, failure) -> {
            if (failure == null) {
                changesAcked.add(ref);
            }
        });
    }

    /** Opens an incident and works it to RESOLVED, again and again, riding out whatever the drill breaks. */
    void workIncidents(int client) {
        int n = 0;
        while (loadRunning) {
            n++;
            String id = open(client, n);
            if (id == null) {
                return;
            }
            for (String to : List.of("ANALYSING", "FIXING", "RESOLVED")) {
                if (!transition(id, to)) {
                    return;
                }
            }
            resolvedByClients.add(id);
            pace(Duration.ofMillis(500));
        }
    }

    String open(int client, int n) {
        String body = """
                {"title": "drill incident %d-%d", "severity": "SEV3", "services": ["drill-svc-%d"], "team": "%s",
                 "detectionSource": "HUMAN"}""".formatted(client, n, client, TEAM);
        while (loadRunning) {
            Answer answer = send("incident", "POST", incident().url() + "/api/incidents", responder(), body);
            if (answer.status() == 201) {
                incidentsOpened.incrementAndGet();
                return lastBody.get().get("id").asText();
            }
            // No answer or a 5xx: maybe opened, maybe not. A person would open it again; a duplicate stays open.
            pace(Duration.ofMillis(250));
        }
        return null;
    }

    boolean transition(String id, String to) {
        while (loadRunning) {
            Answer answer = send("incident", "POST", incident().url() + "/api/incidents/" + id + "/transitions", responder(),
                    "{\"to\": \"" + to + "\"}");
            if (answer.status() == 200) {
                return true;
            }
            // Refused, or the answer was lost: read the incident to learn whether the transition happened.
            if (answer.status() / 100 != 2) {
                pace(Duration.ofMillis(250));
                Answer read = send("incident", "GET", incident().url() + "/api/incidents/" + id, responder(), null);
                if (read.status() == 200 && to.equals(lastBody.get().get("status").asText())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The parsed body of this thread's last 2xx answer. */
    final ThreadLocal<JsonNode> lastBody = new ThreadLocal<>();

    Answer send(String which, String method, String url, String token, String body) {
        Instant sent = Instant.now();
        int status;
        String retryAfter = null;
        try {
            HttpResponse<String> response = api.send(method, url, token, body, REQUEST_TIMEOUT);
            status = response.statusCode();
            retryAfter = response.headers().firstValue("Retry-After").orElse(null);
            if (status / 100 == 2 && !response.body().isEmpty()) {
                lastBody.set(api.read(response.body()));
            }
        } catch (HttpTimeoutException e) {
            status = TIMED_OUT;
        } catch (IOException e) {
            status = NO_ANSWER;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = NO_ANSWER;
        }
        Answer answer = new Answer(which, sent, Instant.now(), status, retryAfter);
        answers.add(answer);
        return answer;
    }

    List<Answer> answers(Predicate<Answer> which) {
        synchronized (answers) {
            return answers.stream().filter(which).toList();
        }
    }

    /** Set once HTTP ingest did not recover from a fault: later faults do not wait for it again. */
    volatile String httpIngestStuckSince;

    /** Waits until every kind of load has made progress again; records (and does not throw) when it does not. */
    void awaitLoadFlowing(String after) {
        int batches = httpAcceptedBatches.get();
        int acked = kafkaAcked.size();
        int resolved = resolvedByClients.size();
        int httpWanted = httpIngestStuckSince == null ? 5 : 0;
        Instant from = Instant.now();
        try {
            await("load flowing after " + after).atMost(LOAD_RESUMES).pollInterval(Duration.ofMillis(100))
                    .until(() -> httpAcceptedBatches.get() >= batches + httpWanted && kafkaAcked.size() >= acked + 20
                            && resolvedByClients.size() >= resolved + INCIDENT_CLIENTS);
            if (httpWanted == 0) {
                figure("  (HTTP ingest not waited for: it has not recovered since %s)", httpIngestStuckSince);
            }
        } catch (ConditionTimeoutException e) {
            if (httpAcceptedBatches.get() < batches + httpWanted) {
                httpIngestStuckSince = after;
            }
            recoveryProblems.put("load after " + after, "within " + LOAD_RESUMES.toSeconds() + " s after " + after
                    + ": HTTP ingest 202s +" + (httpAcceptedBatches.get() - batches) + " (wanted " + httpWanted + "), Kafka acks +"
                    + (kafkaAcked.size() - acked) + " (wanted 20), incidents resolved +"
                    + (resolvedByClients.size() - resolved) + " (wanted " + INCIDENT_CLIENTS + ")");
            figure("  load NOT flowing again within %d s after %s", LOAD_RESUMES.toSeconds(), after);
            return;
        }
        figure("  load flowing again %.1f s after %s", seconds(from, Instant.now()), after);
    }

    // --- faults -------------------------------------------------------------------------------------------------

    volatile Instant sloKilledAt;

    void killAndRestart(String module) {
        ServiceProcess service = services.get(module);
        Instant killed = Instant.now();
        if (module.equals("slo-service")) {
            sloKilledAt = killed;
        }
        service.kill();
        service.start();
        Duration ready = awaitReady(module, service, killed);
        figure("kill -9 %s: ready again %.1f s after the kill (same port, same environment)", module,
                ready == null ? Double.NaN : ready.toMillis() / 1000.0);
        watchCatchUp("kill -9 " + module);
        awaitLoadFlowing("kill -9 " + module);
    }

    void brokerOutage() {
        Instant stopping = Instant.now();
        kafka.stop();
        Instant stopped = Instant.now();
        healthyThroughout(BROKER_OUTAGE, "the broker outage"); // the outage itself
        Instant starting = Instant.now();
        kafka.start();
        Instant started = Instant.now();
        figure("broker outage: stop took %.1f s, away %.1f s, start took %.1f s (port %d before and after)",
                seconds(stopping, stopped), seconds(stopped, starting), seconds(starting, started), kafka.port());
        Instant recovered = null;
        try {
            recovered = await("HTTP ingest 202 after the broker's return").atMost(LOAD_RESUMES)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> answers(a -> a.api().equals("ingest") && a.status() == 202 && !a.answered().isBefore(started))
                            .stream().map(Answer::answered).min(Instant::compareTo).orElse(null), found -> found != null);
        } catch (ConditionTimeoutException e) {
            // asserted below with what was seen instead
        }
        Instant first202 = recovered;
        brokerWindow = new BrokerWindow(stopping, stopped, starting, started, first202);
        List<Answer> during = answers(a -> a.api().equals("ingest") && !a.answered().isBefore(stopping)
                && (first202 == null || a.answered().isBefore(first202)));
        Map<Integer, Long> statuses = histogram(during);
        List<Answer> unavailable = during.stream().filter(a -> a.status() == 503).toList();
        if (!unavailable.isEmpty()) {
            Instant first503 = unavailable.get(0).answered();
            Instant last503 = unavailable.get(unavailable.size() - 1).answered();
            figure("broker outage: HTTP ingest answered 503 from %.1f s after the stop began until %.1f s after the broker"
                    + " was back (%.1f s in all; %d of %d 503s with Retry-After)", seconds(stopping, first503),
                    seconds(started, last503), seconds(first503, last503),
                    unavailable.stream().filter(a -> a.retryAfter() != null).count(), unavailable.size());
        }
        figure("broker outage: HTTP ingest answers from the stop to the first 202 after it: %s", describe(statuses));
        figure("broker outage: first 202 from HTTP ingest %s after the broker was back",
                first202 == null ? "never (within " + LOAD_RESUMES.toSeconds() + " s)"
                        : String.format("%.1f s", seconds(started, first202)));
        List<Instant> held = kafkaSent.entrySet().stream()
                .filter(e -> !e.getValue().isBefore(stopped) && e.getValue().isBefore(starting))
                .map(e -> kafkaAcked.get(e.getKey())).toList();
        if (!held.isEmpty()) {
            Instant lastAck = held.stream().filter(a -> a != null).max(Instant::compareTo).orElse(null);
            figure("broker outage: %d records produced while it was away; %d acked, the last %s after it was back",
                    held.size(), held.stream().filter(a -> a != null).count(),
                    lastAck == null ? "never" : String.format("%.1f s", seconds(started, lastAck)));
        }
        watchCatchUp("the broker outage");
        awaitLoadFlowing("the broker outage");
    }

    record BrokerWindow(Instant stopping, Instant stopped, Instant starting, Instant started, Instant first202) {
    }

    volatile BrokerWindow brokerWindow;
    volatile Instant databaseRestarting;
    volatile Instant databaseBack;

    void databaseRestart() {
        Instant restarting = Instant.now();
        databaseRestarting = restarting;
        postgres.stop();
        Instant stopped = Instant.now();
        pace(DATABASE_DOWN); // the restart itself
        Instant starting = Instant.now();
        postgres.start();
        Instant back = Instant.now();
        databaseBack = back;
        figure("PostgreSQL restart: stop took %.1f s, away %.1f s, start took %.1f s (same data directory, port %d)",
                seconds(restarting, stopped), seconds(stopped, starting), seconds(starting, back), postgres.port());
        for (Map.Entry<String, ServiceProcess> service : services.entrySet()) {
            Duration ready = awaitReady(service.getKey(), service.getValue(), back);
            figure("PostgreSQL restart: %s ready %.1f s after the server was back", service.getKey(),
                    ready == null ? Double.NaN : ready.toMillis() / 1000.0);
        }
        Instant firstOpened = null;
        try {
            firstOpened = await("an incident opened after the database restart").atMost(LOAD_RESUMES)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> answers(a -> a.api().equals("incident") && a.status() == 201 && !a.answered().isBefore(back))
                            .stream().map(Answer::answered).min(Instant::compareTo).orElse(null), found -> found != null);
        } catch (ConditionTimeoutException e) {
            // reported by awaitLoadFlowing
        }
        Instant opened = firstOpened;
        figure("PostgreSQL restart: incident API answers from the restart to the first incident opened after it: %s",
                describe(histogram(answers(a -> a.api().equals("incident") && !a.answered().isBefore(restarting)
                        && (opened == null || !a.answered().isAfter(opened))))));
        figure("PostgreSQL restart: first incident opened %s after the server was back",
                opened == null ? "never" : String.format("%.1f s", seconds(back, opened)));
        watchCatchUp("the PostgreSQL restart");
        awaitLoadFlowing("the PostgreSQL restart");
    }

    Duration awaitReady(String module, ServiceProcess service, Instant since) {
        try {
            await(module + " ready").atMost(READY).pollInterval(Duration.ofMillis(100))
                    .until(() -> ready(service));
            return Duration.between(since, Instant.now());
        } catch (ConditionTimeoutException e) {
            recoveryProblems.put("ready " + module, module + " was not ready within " + READY.toSeconds() + " s");
            return null;
        }
    }

    /**
     * Waits {@code duration}, asking each service's liveness and readiness every second: a broker away is no reason to
     * restart a pod (liveness) or take it out of its Service (readiness; the APIs answer without Kafka), and a probe
     * that said otherwise would turn the outage into a restart loop or a dark API.
     */
    void healthyThroughout(Duration duration, String fault) {
        Instant began = Instant.now();
        Instant end = began.plus(duration);
        while (Instant.now().isBefore(end)) {
            for (Map.Entry<String, ServiceProcess> service : services.entrySet()) {
                for (String probe : List.of("live", "ready")) {
                    int status = probe(service.getValue(), probe);
                    if (status != 200) {
                        recoveryProblems.putIfAbsent(probe + " " + service.getKey() + " during " + fault, String.format(
                                "/q/health/%s answered %d %.1f s into %s", probe, status, seconds(began, Instant.now()), fault));
                    }
                }
            }
            pace(Duration.ofMillis(Math.min(1000, Math.max(0, Duration.between(Instant.now(), end).toMillis()))));
        }
    }

    /** The probe's status, or 0 when the service did not answer within 2 s. */
    int probe(ServiceProcess service, String probe) {
        try {
            return api.send("GET", service.url() + "/q/health/" + probe, viewer(), null, Duration.ofSeconds(2)).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    boolean ready(ServiceProcess service) {
        return probe(service, "ready") == 200;
    }

    // --- catching up --------------------------------------------------------------------------------------------

    final Map<CatchUp, Instant> caughtUp = new ConcurrentHashMap<>();

    void watchCatchUp(String fault) {
        catchUps.add(new CatchUp(fault, Instant.now(), sum(httpAccepted, false), sum(kafkaAcked.keySet(), false)));
    }

    void checkCatchUps() {
        try {
            List<CatchUp> pending;
            synchronized (catchUps) {
                pending = catchUps.stream().filter(c -> !caughtUp.containsKey(c)).toList();
            }
            if (pending.isEmpty()) {
                return;
            }
            long http = counted(HTTP_SLO)[1];
            long viaKafka = counted(KAFKA_SLO)[1];
            Instant now = Instant.now();
            for (CatchUp catchUp : pending) {
                if (http >= catchUp.httpTarget() && viaKafka >= catchUp.kafkaTarget()) {
                    caughtUp.put(catchUp, now);
                }
            }
        } catch (RuntimeException | AssertionError e) {
            // a service or the database is away: look again next time
        }
    }

    void reportCatchUps() {
        synchronized (catchUps) {
            for (CatchUp catchUp : catchUps) {
                Instant at = caughtUp.get(catchUp);
                figure("counts caught up with everything accepted before %s was over: %s", catchUp.fault(),
                        at == null ? "not while the load ran" : String.format("%.1f s later", seconds(catchUp.from(), at)));
            }
        }
    }

    // --- the checks ---------------------------------------------------------------------------------------------

    List<Executable> checks(Instant loadStopped) {
        // First the consumers work off what the faults held back; then what they made has EVENTUALLY to show.
        Instant waiting = Instant.now();
        Map<String, Long> lag = new TreeMap<>();
        try {
            await("consumers caught up").atMost(CONSUMERS_CATCH_UP).pollInterval(Duration.ofSeconds(1)).pollInSameThread()
                    .until(() -> {
                        lag.clear();
                        lag.putAll(consumerLag());
                        return lag.values().stream().allMatch(records -> records == 0);
                    });
            figure("consumer groups at the end of their topics %.1f s after the load stopped", seconds(loadStopped, Instant.now()));
        } catch (ConditionTimeoutException e) {
            figure("consumer groups still behind %.0f s after the load stopped: %s", seconds(loadStopped, Instant.now()), lag);
        }
        endChecksDeadline = Instant.now().plus(EVENTUALLY);
        List<Executable> checks = new ArrayList<>();
        checks.add(() -> assertTrue(loadErrors.isEmpty(), "load threads died (a bug in the drill): " + loadErrors));
        try {
            Map<String, Long[]> expected = expectedCounts(loadStopped);
            checks.add(() -> countedOnce(HTTP_SLO, expected.get(HTTP_SLO), loadStopped));
            checks.add(() -> countedOnce(KAFKA_SLO, expected.get(KAFKA_SLO), loadStopped));
        } catch (Exception e) {
            checks.add(() -> {
                throw new AssertionError("could not read " + SLI_TOPIC + " to work out what must be counted", e);
            });
        }
        checks.add(this::ingestNeverAnswersAnyOther5xxAnd503CarriesRetryAfter);
        checks.add(this::ingestAnswers503WhileTheBrokerIsAwayAnd202SoonAfter);
        checks.add(this::incidentApiAnswersNoOther5xx);
        checks.add(this::theDrillsOwnRequestsAreWellFormed);
        checks.add(this::incidentApiUnaffectedByTheBrokerOutage);
        checks.add(this::everyResolvedIncidentHasItsWashupAction);
        checks.add(this::everyIncidentChangeIsPublished);
        checks.add(this::everyDeployReportedOnKafkaIsStoredOnce);
        checks.add(this::everyActionIsPublished);
        checks.add(this::thePageIsDeliveredExactlyOnce);
        checks.add(this::nothingIsDeadLettered);
        checks.add(this::everyServiceIsReady);
        checks.add(() -> assertTrue(recoveryProblems.isEmpty(), "recovery during the drill: " + recoveryProblems));
        return checks;
    }

    /**
     * What each load SLO must count: every observation that was accepted (202, or acked by the producer), plus
     * those of unanswered or refused sends that the log shows committed anyway ("nothing is guaranteed stored" is
     * not "nothing is stored"). Checks on the way that the log holds every accepted observation exactly once.
     */
    Map<String, Long[]> expectedCounts(Instant loadStopped) throws Exception {
        Instant waiting = Instant.now();
        boolean settled = true;
        try {
            // A producer killed mid-transaction leaves it open until the broker times it out; until then the
            // committed view of its partition (what slo-service counts) ends before it.
            await("no open transaction on " + SLI_TOPIC).atMost(untilEndChecksDeadline()).pollInterval(Duration.ofMillis(250))
                    .until(this::noOpenTransactions);
        } catch (ConditionTimeoutException e) {
            settled = false;
        }
        figure("after the load stopped: %s %.1f s later", settled ? "no open transaction on " + SLI_TOPIC
                : "a transaction on " + SLI_TOPIC + " was still open", seconds(waiting, Instant.now()));
        List<ConsumerRecord<String, String>> log = KafkaTestClient.readCommitted(kafka.bootstrapServers(), SLI_TOPIC,
                Duration.ofSeconds(60));
        Map<String, Map<Long, Integer>> onLog = new HashMap<>();
        Map<String, String> sumProblems = new HashMap<>();
        for (ConsumerRecord<String, String> record : log) {
            if (record.key().equals(HTTP_SLO) || record.key().equals(KAFKA_SLO)) {
                // HTTP ingest writes a batch's observations in one record, telemetry one observation per record.
                JsonNode value = api.read(record.value());
                Iterable<JsonNode> observations = value.isArray() ? value : List.of(value);
                Header sums = record.headers().lastHeader("daff-minute-sums");
                List<Integer> counts = sums == null ? null : java.util.Arrays.stream(new String(sums.value(),
                        StandardCharsets.UTF_8).split(",")).map(sum -> Integer.parseInt(sum.substring(sum.indexOf(':') + 1))).toList();
                int index = 0;
                for (JsonNode observation : observations) {
                    // A sum of n observations with consecutive ids a..a+n-1 has total n * (TOTAL_BASE + a) + n(n-1)/2.
                    long n = counts == null ? 1 : counts.get(index++);
                    long first = (observation.get("total").asLong() - n * TOTAL_BASE - n * (n - 1) / 2) / n;
                    long good = 0;
                    long total = 0;
                    for (long id = first; id < first + n; id++) {
                        onLog.computeIfAbsent(record.key(), k -> new HashMap<>()).merge(id, 1, Integer::sum);
                        good += good(id);
                        total += total(id);
                    }
                    if (good != observation.get("good").asLong() || total != observation.get("total").asLong()) {
                        sumProblems.put(record.key() + " sums", "a sum on the log is not of consecutive observations: "
                                + observation + " for " + n);
                    }
                }
            }
        }
        logProblems.clear();
        logProblems.putAll(sumProblems);
        Map<String, Long[]> expected = new HashMap<>();
        Set<Long> httpUnsureIds = new HashSet<>();
        synchronized (httpUnsure) {
            httpUnsure.forEach(httpUnsureIds::addAll);
        }
        expected.put(HTTP_SLO, expected(HTTP_SLO, httpAccepted, httpUnsureIds, onLog.getOrDefault(HTTP_SLO, Map.of())));
        Set<Long> kafkaUnsure = new HashSet<>(kafkaSent.keySet());
        kafkaUnsure.removeAll(kafkaAcked.keySet());
        expected.put(KAFKA_SLO, expected(KAFKA_SLO, kafkaAcked.keySet(), kafkaUnsure, onLog.getOrDefault(KAFKA_SLO, Map.of())));
        synchronized (httpUnsure) {
            long wholeBatches = httpUnsure.stream().filter(b -> b.stream().allMatch(id -> onLog.getOrDefault(HTTP_SLO, Map.of()).containsKey(id))).count();
            long partBatches = httpUnsure.stream().filter(b -> b.stream().anyMatch(id -> onLog.getOrDefault(HTTP_SLO, Map.of()).containsKey(id))).count()
                    - wholeBatches;
            figure("HTTP batches not answered 202: %d; on the log anyway: %d whole, %d in part (a batch is one record:"
                    + " all or nothing)", httpUnsure.size(), wholeBatches, partBatches);
            if (partBatches > 0) {
                logProblems.put(HTTP_SLO + " atomic batches", partBatches + " HTTP batches are only partly on the log");
            }
        }
        return expected;
    }

    final Map<String, String> logProblems = Collections.synchronizedMap(new LinkedHashMap<>());

    Long[] expected(String slo, Set<Long> accepted, Set<Long> unsure, Map<Long, Integer> onLog) {
        List<Long> missing = accepted.stream().filter(id -> !onLog.containsKey(id)).sorted().toList();
        List<Long> twice = onLog.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).sorted().toList();
        List<Long> unknown = onLog.keySet().stream().filter(id -> !accepted.contains(id) && !unsure.contains(id)).toList();
        List<Long> unsureStored = unsure.stream().filter(onLog::containsKey).toList();
        if (!missing.isEmpty()) {
            logProblems.put(slo + " missing", missing.size() + " accepted observations are not on " + SLI_TOPIC + ", e.g. "
                    + missing.subList(0, Math.min(10, missing.size())));
        }
        if (!twice.isEmpty()) {
            logProblems.put(slo + " twice", twice.size() + " observations are on " + SLI_TOPIC + " more than once, e.g. "
                    + twice.subList(0, Math.min(10, twice.size())));
        }
        if (!unknown.isEmpty()) {
            logProblems.put(slo + " unknown", unknown.size() + " observations on the log were never sent (test bug)");
        }
        figure("%s: %d observations accepted (sum of total %d), %d not acknowledged of which %d are on the log anyway",
                slo, accepted.size(), sum(accepted, false), unsure.size(), unsureStored.size());
        Set<Long> counted = new HashSet<>(accepted);
        counted.addAll(unsureStored);
        return new Long[] { sum(counted, true), sum(counted, false) };
    }

    void countedOnce(String slo, Long[] expected, Instant loadStopped) {
        Instant from = Instant.now();
        try {
            await(slo + " counted").atMost(untilEndChecksDeadline()).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> counted(slo)[1] == expected[1] && counted(slo)[0] == expected[0]);
            figure("%s: counts exact %.1f s after the load stopped", slo, seconds(loadStopped, Instant.now()));
        } catch (ConditionTimeoutException e) {
            figure("%s: counts not exact %.0f s after the load stopped", slo, seconds(loadStopped, Instant.now()));
        }
        long[] counted = counted(slo);
        String log = logProblems.entrySet().stream().filter(p -> p.getKey().startsWith(slo)).map(Map.Entry::getValue)
                .collect(Collectors.joining("; "));
        assertAll(slo + " counted exactly once",
                () -> assertTrue(log.isEmpty(), slo + ": the event log does not hold every accepted observation once: " + log),
                () -> assertEquals(expected[1], counted[1], slo + ": events.total (expected - counted = "
                        + (expected[1] - counted[1]) + "), waited " + seconds(from, Instant.now()) + " s"),
                () -> assertEquals(expected[0], counted[0], slo + ": events.good"));
    }

    void ingestNeverAnswersAnyOther5xxAnd503CarriesRetryAfter() {
        List<Answer> ingest = answers(a -> a.api().equals("ingest"));
        List<Answer> other5xx = ingest.stream().filter(a -> a.status() >= 500 && a.status() != 503).toList();
        List<Answer> bare503 = ingest.stream().filter(a -> a.status() == 503 && (a.retryAfter() == null || a.retryAfter().isBlank()))
                .toList();
        assertAll("HTTP ingest answers",
                () -> assertTrue(other5xx.isEmpty(), "HTTP ingest answered " + describe(histogram(other5xx))
                        + " (only 503 may say the event log is away); first at " + first(other5xx) + ", last at "
                        + last(other5xx) + " (broker stopped " + brokerWindow + ")"),
                () -> assertTrue(bare503.isEmpty(), bare503.size() + " of "
                        + ingest.stream().filter(a -> a.status() == 503).count() + " 503 answers from HTTP ingest carry no"
                        + " Retry-After header"));
    }

    void ingestAnswers503WhileTheBrokerIsAwayAnd202SoonAfter() {
        BrokerWindow broker = brokerWindow;
        assertTrue(broker != null, "the broker outage did not run");
        List<Answer> whileAway = answers(a -> a.api().equals("ingest") && a.sent().isAfter(broker.stopped())
                && a.answered().isBefore(broker.starting()));
        assertAll("HTTP ingest and the broker outage",
                () -> assertTrue(!whileAway.isEmpty() && whileAway.stream().allMatch(a -> a.status() == 503),
                        "while the broker was away HTTP ingest must answer 503, and did: " + describe(histogram(whileAway))),
                () -> assertTrue(broker.first202() != null
                        && !broker.first202().isAfter(broker.started().plus(INGEST_RECOVERY)),
                        "HTTP ingest must answer 202 within " + INGEST_RECOVERY.toSeconds() + " s of the broker's return; first"
                                + " 202 after it: " + (broker.first202() == null ? "none within " + LOAD_RESUMES.toSeconds()
                                        + " s" : seconds(broker.started(), broker.first202()) + " s") + "; answers since: "
                                + describe(histogram(answers(a -> a.api().equals("ingest")
                                        && a.answered().isAfter(broker.started()))))));
    }

    void incidentApiAnswersNoOther5xx() {
        List<Answer> other5xx = answers(a -> a.api().equals("incident") && a.status() >= 500 && a.status() != 503);
        Instant restart = databaseRestarting;
        assertTrue(other5xx.isEmpty(), "incident API answered " + describe(histogram(other5xx)) + " (a transient fault"
                + " must answer 503); first " + (other5xx.isEmpty() ? "" : seconds(drillStarted, first(other5xx))) + " s, last "
                + (other5xx.isEmpty() ? "" : seconds(drillStarted, last(other5xx))) + " s into the drill; PostgreSQL restarted at "
                + (restart == null ? "-" : seconds(drillStarted, restart)) + " s, back at "
                + (databaseBack == null ? "-" : seconds(drillStarted, databaseBack)) + " s");
    }

    /** A 4xx to the load (other than a 409 for a transition that had already happened) is a bug in this test. */
    void theDrillsOwnRequestsAreWellFormed() {
        List<Answer> refused = answers(a -> a.status() / 100 == 4 && !(a.api().equals("incident") && a.status() == 409));
        assertTrue(refused.isEmpty(), "the load's requests were refused (a bug in the drill): " + refused.stream().limit(5).toList());
    }

    void incidentApiUnaffectedByTheBrokerOutage() {
        BrokerWindow broker = brokerWindow;
        assertTrue(broker != null, "the broker outage did not run");
        List<Answer> whileAway = answers(a -> a.api().equals("incident") && a.sent().isAfter(broker.stopped())
                && a.answered().isBefore(broker.starting()));
        assertTrue(!whileAway.isEmpty() && whileAway.stream().allMatch(a -> a.status() / 100 == 2),
                "incidents are written through the outbox: the API must not notice the broker is away, and answered "
                        + describe(histogram(whileAway)));
    }

    void everyResolvedIncidentHasItsWashupAction() {
        Set<String> resolved = new HashSet<>();
        Map<String, Instant> resolvedAt = new HashMap<>();
        for (int page = 0;; page++) {
            JsonNode found = api.get(incident().url() + "/api/incidents?team=" + TEAM + "&status=RESOLVED&size=500&page=" + page,
                    viewer());
            found.get("items").forEach(item -> resolved.add(item.get("id").asText()));
            found.get("items").forEach(item -> resolvedAt.put(item.get("id").asText(), Instant.parse(item.get("resolvedAt").asText())));
            if (found.get("items").size() < 500) {
                break;
            }
        }
        Look<Map<String, List<Instant>>> look = eventually("a WASHUP action for every resolved incident",
                this::washupActions, found -> found.keySet().containsAll(resolved));
        Map<String, List<Instant>> washups = look.value();
        if (look.done()) {
            figure("WASHUP actions for all %d resolved incidents %.1f s after the check began", resolved.size(), look.seconds());
            List<Map.Entry<String, Double>> lags = resolved.stream()
                    .map(id -> Map.entry(id, seconds(resolvedAt.get(id), washups.get(id).get(0))))
                    .sorted(Map.Entry.comparingByValue()).toList();
            Map.Entry<String, Double> slowest = lags.get(lags.size() - 1);
            figure("WASHUP action made after resolution: median %.1f s, 99th percentile %.1f s, slowest %.1f s (an incident"
                    + " resolved %.1f s into the drill)", lags.get(lags.size() / 2).getValue(),
                    lags.get((int) (lags.size() * 0.99)).getValue(), slowest.getValue(),
                    seconds(drillStarted, resolvedAt.get(slowest.getKey())));
        }
        Set<String> missing = new HashSet<>(resolved);
        missing.removeAll(washups.keySet());
        Set<String> notListed = new HashSet<>(resolvedByClients);
        notListed.removeAll(resolved);
        List<String> twice = washups.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey).toList();
        figure("incidents: %d opened by %d clients (answered 201), %d resolved by them, %d RESOLVED in incident-service",
                incidentsOpened.get(), INCIDENT_CLIENTS, resolvedByClients.size(), resolved.size());
        assertAll("WASHUP actions",
                () -> assertTrue(resolved.size() >= resolvedByClients.size() && !resolved.isEmpty(),
                        "too few resolved incidents: " + resolved.size()),
                () -> assertTrue(notListed.isEmpty(), notListed.size() + " incidents the clients resolved are not RESOLVED"
                        + " in incident-service: " + notListed),
                () -> assertTrue(missing.isEmpty(), missing.size() + " of " + resolved.size() + " resolved incidents have no"
                        + " WASHUP action in action-service " + look.seconds() + " s into the check: "
                        + missing.stream().limit(10).toList() + timelineOf(missing) + "; consumer lag then: " + consumerLag()),
                () -> assertTrue(twice.isEmpty(), twice.size() + " incidents have more than one WASHUP action: " + twice));
    }

    /** Where a missing WASHUP action's incident was when it resolved, to tell which fault lost it. */
    String timelineOf(Set<String> missing) {
        if (missing.isEmpty()) {
            return "";
        }
        return "; resolved at (s into the drill): " + missing.stream().limit(10).map(id -> {
            JsonNode found = api.get(incident().url() + "/api/incidents/" + id, viewer());
            return String.format("%.1f", seconds(drillStarted, Instant.parse(found.get("resolvedAt").asText())));
        }).toList();
    }

    /**
     * The outbox's promise: an event is sent if and only if its change commits. Every incident's history, as
     * incident-service shows it, must be on daff.incident-events (redelivered copies of one event are allowed).
     */
    void everyIncidentChangeIsPublished() {
        Map<String, Map<String, Integer>> expected = new HashMap<>();
        for (int page = 0;; page++) {
            JsonNode found = api.get(incident().url() + "/api/incidents?team=" + TEAM + "&size=500&page=" + page, viewer());
            found.get("items").forEach(item -> expected.put(item.get("id").asText(), historyOf(item.get("status").asText())));
            if (found.get("items").size() < 500) {
                break;
            }
        }
        long[] copies = new long[1];
        Look<Map<String, Map<String, Integer>>> look = eventually("every incident change on daff.incident-events",
                () -> publishedEvents("daff.incident-events", "incidentId", copies),
                found -> expected.entrySet().stream().allMatch(e -> e.getValue().equals(found.get(e.getKey()))));
        Map<String, Map<String, Integer>> published = look.value();
        if (look.done()) {
            figure("all %d incidents' changes on daff.incident-events %.1f s after the check began (%d redelivered copies)",
                    expected.size(), look.seconds(), copies[0]);
        }
        List<String> wrong = expected.entrySet().stream().filter(e -> !e.getValue().equals(published.get(e.getKey())))
                .map(e -> e.getKey() + " expected " + e.getValue() + ", published " + published.get(e.getKey())).toList();
        assertTrue(wrong.isEmpty(), wrong.size() + " of " + expected.size() + " incidents' changes are not on"
                + " daff.incident-events exactly as committed: " + wrong.stream().limit(10).toList());
    }

    /** Every change event the broker acknowledged is in incident-service's change log, once. */
    void everyDeployReportedOnKafkaIsStoredOnce() {
        Look<Map<String, Long>> look = eventually("every deploy stored", () -> {
            Map<String, Long> found = new HashMap<>();
            all(incident().url() + "/api/changes?service=" + DEPLOYED_SERVICE)
                    .forEach(change -> found.merge(change.get("ref").asText(), 1L, Long::sum));
            return found;
        }, found -> found.keySet().containsAll(changesAcked));
        Map<String, Long> stored = look.value();
        if (look.done()) {
            figure("change events: all %d acked deploys stored %.1f s after the check began", changesAcked.size(), look.seconds());
        }
        Set<String> missing = new HashSet<>(changesAcked);
        missing.removeAll(stored.keySet());
        List<String> twice = stored.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        figure("change events: %d sent, %d acked by the broker, %d stored, %d acked but not stored", changesSent.size(),
                changesAcked.size(), stored.size(), missing.size());
        assertAll("deploys reported on " + CHANGE_TOPIC,
                () -> assertTrue(stored.size() < 1000, "more than one page of changes: the check cannot see them all"),
                () -> assertTrue(missing.isEmpty(), missing.size() + " of " + changesAcked.size() + " deploys acked by the"
                        + " broker are not in incident-service's change log: " + missing.stream().sorted().limit(10).toList()
                        + " (sent at, s into the drill: " + missing.stream().sorted().limit(10)
                                .map(ref -> String.format("%.1f", seconds(drillStarted, changesSent.get(ref)))).toList() + ")"),
                () -> assertTrue(twice.isEmpty(), twice.size() + " deploys are stored more than once: " + twice));
    }

    /** The events an incident's status implies the lifecycle published (opened, each transition, resolution). */
    static Map<String, Integer> historyOf(String status) {
        Map<String, Integer> history = new TreeMap<>();
        history.put("IncidentOpened", 1);
        int transitions = List.of("DISCOVERED", "ANALYSING", "FIXING", "RESOLVED").indexOf(status);
        if (transitions > 0) {
            history.put("IncidentStatusChanged", Math.min(transitions, 2));
        }
        if (status.equals("RESOLVED")) {
            history.put("IncidentResolved", 1);
        }
        return history;
    }

    /** Every WASHUP action action-service made is announced with ActionCreated on daff.action-events. */
    void everyActionIsPublished() {
        Set<String> actions = new HashSet<>();
        all(action().url() + "/api/actions?ownerTeam=" + TEAM).forEach(a -> actions.add(a.get("id").asText()));
        Set<String> announced = eventually("every action on daff.action-events", () -> {
            Set<String> found = new HashSet<>();
            for (ConsumerRecord<String, String> record : KafkaTestClient.readCommitted(kafka.bootstrapServers(),
                    "daff.action-events", Duration.ofSeconds(30))) {
                JsonNode event = api.read(record.value());
                if ("ActionCreated".equals(event.path("type").asText())) {
                    found.add(event.path("actionId").asText());
                }
            }
            return found;
        }, found -> found.containsAll(actions)).value();
        Set<String> missing = new HashSet<>(actions);
        missing.removeAll(announced);
        assertTrue(missing.isEmpty(), missing.size() + " of " + actions.size() + " actions were never announced with"
                + " ActionCreated on daff.action-events: " + missing.stream().limit(10).toList());
    }

    /** Per key field value: per event type, how many distinct events; {@code copies[0]} counts redeliveries. */
    Map<String, Map<String, Integer>> publishedEvents(String topic, String keyField, long[] copies) {
        Map<String, Map<String, Set<String>>> events = new HashMap<>();
        long records = 0;
        for (ConsumerRecord<String, String> record : KafkaTestClient.readCommitted(kafka.bootstrapServers(), topic,
                Duration.ofSeconds(30))) {
            JsonNode event = api.read(record.value());
            String type = event.path("type").asText();
            if (List.of("IncidentOpened", "IncidentStatusChanged", "IncidentResolved").contains(type)) {
                records++;
                events.computeIfAbsent(event.path(keyField).asText(), k -> new HashMap<>())
                        .computeIfAbsent(type, t -> new HashSet<>()).add(event.path("eventId").asText());
            }
        }
        Map<String, Map<String, Integer>> counted = new HashMap<>();
        long distinct = 0;
        for (var entry : events.entrySet()) {
            Map<String, Integer> types = new TreeMap<>();
            for (var type : entry.getValue().entrySet()) {
                types.put(type.getKey(), type.getValue().size());
                distinct += type.getValue().size();
            }
            counted.put(entry.getKey(), types);
        }
        copies[0] = records - distinct;
        return counted;
    }

    /** Every item of a paged list: pages of 500, following {@code X-Next-Cursor} to the end. */
    List<JsonNode> all(String url) {
        List<JsonNode> items = new ArrayList<>();
        String first = url + (url.contains("?") ? "&" : "?") + "limit=500";
        String next = first;
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        try {
            while (next != null) {
                java.net.http.HttpResponse<String> page = api.send("GET", next, viewer(), null, Duration.ofSeconds(30));
                assertEquals(200, page.statusCode(), "GET " + next + ": " + page.body());
                json.readTree(page.body()).forEach(items::add);
                next = page.headers().firstValue("X-Next-Cursor")
                        .map(cursor -> first + "&cursor=" + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8))
                        .orElse(null);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return items;
    }

    /** Per incident, when each of its WASHUP actions was made. */
    Map<String, List<Instant>> washupActions() {
        Map<String, List<Instant>> washups = new HashMap<>();
        for (JsonNode action : all(action().url() + "/api/actions?ownerTeam=" + TEAM)) {
            if ("WASHUP".equals(action.get("kind").asText())) {
                washups.computeIfAbsent(action.get("incidentId").asText(), id -> new ArrayList<>())
                        .add(Instant.parse(action.get("createdAt").asText()));
            }
        }
        return washups;
    }

    void thePageIsDeliveredExactlyOnce() {
        List<JsonNode> pages = eventually("the burn's page delivered", () -> {
            List<JsonNode> found = new ArrayList<>();
            api.get(slo().url() + "/api/pages?team=" + TEAM, viewer())
                    .forEach(page -> found.add(api.get(slo().url() + "/api/pages/" + page.get("id").asText(), viewer())));
            return found;
        }, found -> found.stream().anyMatch(page -> BURN_SLO.equals(page.get("slo").asText()))
                && found.stream().allMatch(page -> allDelivered(page.get("notifications")))).value();
        Map<String, Long> received = pagerDuty.received(r -> r.path().equals("/v2/enqueue")).stream()
                .map(r -> api.read(r.body())).collect(Collectors.groupingBy(
                        body -> body.get("dedup_key").asText() + " " + body.get("event_action").asText() + " "
                                + body.get("routing_key").asText(),
                        TreeMap::new, Collectors.counting()));
        Map<String, Long> expected = new TreeMap<>();
        for (JsonNode page : pages) {
            for (JsonNode notification : page.get("notifications")) {
                expected.merge(page.get("dedupKey").asText() + " " + notification.get("action").asText() + " "
                        + routingKey(notification.get("recipient").asText()), 1L, Long::sum);
            }
        }
        figure("pages: %d (%s); PagerDuty stand-in received %s", pages.size(),
                pages.stream().map(p -> p.get("slo").asText() + " " + p.get("state").asText()).toList(), received);
        List<JsonNode> burnPages = pages.stream().filter(page -> BURN_SLO.equals(page.get("slo").asText())).toList();
        JsonNode alerts = api.get(slo().url() + "/api/alerts?state=all&slo=" + BURN_SLO, viewer());
        figure("alerts for %s: %s (slo-service was killed %.1f s into the drill, right after the burn was counted)", BURN_SLO,
                StreamSupport.stream(alerts.spliterator(), false)
                        .map(a -> a.get("kind").asText() + " fired " + String.format("%.1f", seconds(drillStarted,
                                Instant.parse(a.get("firedAt").asText()))) + " s into the drill").toList(),
                seconds(drillStarted, sloKilledAt));
        burnPages.forEach(page -> figure("page for %s: created %.1f s after slo-service was killed (burn counted, then kill -9),"
                + " delivered %.1f s after it was created", BURN_SLO, seconds(sloKilledAt, Instant.parse(page.get("createdAt").asText())),
                page.get("notifications").size() == 0 || page.get("notifications").get(0).get("deliveredAt").isNull() ? Double.NaN
                        : seconds(Instant.parse(page.get("createdAt").asText()),
                                Instant.parse(page.get("notifications").get(0).get("deliveredAt").asText()))));
        assertAll("pages",
                () -> assertEquals(1, burnPages.size(), "one burn, one page: " + pages),
                () -> assertTrue(pages.stream().allMatch(page -> allDelivered(page.get("notifications"))),
                        "every notification DELIVERED: " + pages),
                () -> assertEquals(expected, received, "each notification reaches PagerDuty exactly once"));
    }

    static boolean allDelivered(JsonNode notifications) {
        return notifications.size() > 0
                && StreamSupport.stream(notifications.spliterator(), false)
                        .allMatch(n -> "DELIVERED".equals(n.get("status").asText()));
    }

    static String routingKey(String recipient) {
        return "drill-" + recipient;
    }

    void nothingIsDeadLettered() throws Exception {
        Map<String, Long> deadLetters = new TreeMap<>();
        try (Admin admin = kafkaAdmin()) {
            List<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(topic -> topic.endsWith(".dead-letter")).sorted().toList();
            for (String topic : topics) {
                List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
                long records = 0;
                var earliest = admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.earliest())))
                        .all().get(30, TimeUnit.SECONDS);
                var latest = admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                        .all().get(30, TimeUnit.SECONDS);
                for (TopicPartition partition : partitions) {
                    records += latest.get(partition).offset() - earliest.get(partition).offset();
                }
                deadLetters.put(topic, records);
            }
        }
        figure("dead-letter topics: %s", deadLetters.isEmpty() ? "none exists" : deadLetters);
        StringBuilder evidence = new StringBuilder();
        deadLetters.forEach((topic, count) -> {
            if (count > 0) {
                for (ConsumerRecord<String, String> record : KafkaTestClient.read(kafka.bootstrapServers(), topic, r -> true,
                        (int) Math.min(count, 5), Duration.ofSeconds(10))) {
                    evidence.append("\n  ").append(topic).append(" key=").append(record.key()).append(" at ")
                            .append(String.format("%.1f", seconds(drillStarted, Instant.ofEpochMilli(record.timestamp()))))
                            .append(" s into the drill; headers ");
                    for (Header header : record.headers()) {
                        String value = header.value() == null ? "null" : new String(header.value(), StandardCharsets.UTF_8);
                        evidence.append(header.key()).append('=').append(value, 0, Math.min(value.length(), 300)).append("; ");
                    }
                    evidence.append("value ").append(record.value(), 0, Math.min(record.value().length(), 300));
                }
            }
        });
        assertTrue(deadLetters.values().stream().allMatch(count -> count == 0),
                "transient faults must not dead-letter anything: " + deadLetters + evidence);
    }

    void everyServiceIsReady() {
        Map<String, Boolean> ready = new LinkedHashMap<>();
        services.forEach((module, service) -> ready.put(module, ready(service)));
        assertTrue(ready.values().stream().allMatch(r -> r), "/q/health/ready answers 200: " + ready);
    }

    boolean noOpenTransactions() throws Exception {
        try (Admin admin = kafkaAdmin()) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < SLI_PARTITIONS; p++) {
                partitions.add(new TopicPartition(SLI_TOPIC, p));
            }
            Map<TopicPartition, OffsetSpec> latest = partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
            var committed = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                    .get(10, TimeUnit.SECONDS);
            var written = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all()
                    .get(10, TimeUnit.SECONDS);
            return partitions.stream().allMatch(p -> committed.get(p).offset() == written.get(p).offset());
        }
    }

    // --- figures and helpers ------------------------------------------------------------------------------------

    /** What an end check saw last, whether that was what it waited for, and how long it waited. */
    record Look<T>(T value, boolean done, double seconds) {
    }

    /**
     * Looks (in this thread) until {@code done} holds or the end checks' shared wait is over, and answers the last
     * look: the check asserts on exactly what it saw.
     */
    <T> Look<T> eventually(String what, Callable<T> look, Predicate<T> done) {
        Instant from = Instant.now();
        try {
            T value = await(what).atMost(untilEndChecksDeadline()).pollInterval(Duration.ofMillis(500)).pollInSameThread()
                    .ignoreExceptions().until(look, done);
            return new Look<>(value, true, seconds(from, Instant.now()));
        } catch (ConditionTimeoutException e) {
            try {
                T value = look.call();
                return new Look<>(value, done.test(value), seconds(from, Instant.now()));
            } catch (Exception failed) {
                throw new AssertionError(what + ": could not look", failed);
            }
        }
    }

    /** The consumer groups whose offsets Kafka keeps (the SLI consumer keeps its own in PostgreSQL). */
    static final List<String> CONSUMER_GROUPS = List.of("daff-slo-service-paging", "daff-incident-service", "daff-action-service");

    /** Per group and topic, how many records its committed offsets are behind the end of the topic. */
    Map<String, Long> consumerLag() {
        Map<String, Long> lag = new TreeMap<>();
        try (Admin admin = kafkaAdmin()) {
            for (String group : CONSUMER_GROUPS) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                var ends = admin.listOffsets(committed.keySet().stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                        .all().get(10, TimeUnit.SECONDS);
                committed.forEach((partition, offset) -> lag.merge(group + " on " + partition.topic(),
                        ends.get(partition).offset() - (offset == null ? 0 : offset.offset()), Long::sum));
            }
        } catch (Exception e) {
            lag.put("unknown: " + e, -1L);
        }
        return lag;
    }

    /** What is left of the end checks' shared wait (at least a moment, so a check still looks once). */
    Duration untilEndChecksDeadline() {
        Duration left = Duration.between(Instant.now(), endChecksDeadline);
        return left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : left;
    }

    void summariseLoad() {
        figure("load: HTTP ingest %d answers (%s), %d batches of %d accepted", answers(a -> a.api().equals("ingest")).size(),
                describe(histogram(answers(a -> a.api().equals("ingest")))), httpAcceptedBatches.get(), HTTP_BATCH);
        figure("load: Kafka ingest %d records sent, %d acked, %d failed", kafkaSent.size(), kafkaAcked.size(), kafkaFailed.size());
        figure("load: incident API %d answers (%s)", answers(a -> a.api().equals("incident")).size(),
                describe(histogram(answers(a -> a.api().equals("incident")))));
    }

    /** [good, total] as GET /api/slos/{name}/status reports them. */
    long[] counted(String slo) {
        JsonNode events = api.get(slo().url() + "/api/slos/" + slo + "/status", viewer()).get("events");
        return new long[] { events.get("good").asLong(), events.get("total").asLong() };
    }

    static long total(long id) {
        return TOTAL_BASE + id;
    }

    static long good(long id) {
        return total(id) - (id % 2);
    }

    static long sum(Set<Long> ids, boolean good) {
        return ids.stream().mapToLong(id -> good ? good(id) : total(id)).sum();
    }

    static Map<Integer, Long> histogram(List<Answer> answers) {
        return answers.stream().collect(Collectors.groupingBy(Answer::status, TreeMap::new, Collectors.counting()));
    }

    static String describe(Map<Integer, Long> statuses) {
        if (statuses.isEmpty()) {
            return "none";
        }
        return statuses.entrySet().stream().map(e -> (e.getKey() == NO_ANSWER ? "no answer"
                : e.getKey() == TIMED_OUT ? "timed out" : String.valueOf(e.getKey())) + " × " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    static Instant first(List<Answer> answers) {
        return answers.stream().map(Answer::answered).min(Instant::compareTo).orElse(null);
    }

    static Instant last(List<Answer> answers) {
        return answers.stream().map(Answer::answered).max(Instant::compareTo).orElse(null);
    }

    static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }

    static void figure(String format, Object... args) {
        String line = String.format(format, args);
        figures.add(line);
        System.out.println("fault drill: " + line);
        System.out.flush();
    }

    /** Paces the load (it is not a wait for a condition: those use awaitility). */
    static void pace(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Admin kafkaAdmin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000", AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000"));
    }

    String admin() {
        return tokens.get("daff-admin");
    }

    String responder() {
        return tokens.get("daff-responder");
    }

    String ingest() {
        return tokens.get("daff-ingest");
    }

    String viewer() {
        return tokens.get("daff-viewer");
    }
}
