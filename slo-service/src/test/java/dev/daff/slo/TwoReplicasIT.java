package dev.daff.slo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.daff.events.AlertEvent;
import dev.daff.events.Topics;
import dev.daff.kit.security.WebhookSignature;
import dev.daff.localinfra.AotCacheTraining;
import dev.daff.localinfra.DevelopmentKeys;
import dev.daff.localinfra.FreePorts;
import dev.daff.localinfra.KafkaTopicsSetup;
import dev.daff.localinfra.LocalKafka;
import dev.daff.localinfra.LocalPostgres;
import dev.daff.localinfra.RecordingReceiver;
import dev.daff.localinfra.RecordingReceiver.Received;
import dev.daff.localinfra.ServiceProcess;

/**
 * Two packaged slo-service replicas (A and B, each its own JVM) on one PostgreSQL and one broker, as production runs
 * them: {@code daff.sli-events} on 12 partitions created before either starts, a 1-second evaluation tick, a team
 * whose on-call is a real webhook receiver.
 *
 * <ol>
 * <li>20 SLOs, half of them burning: each burning SLO pages exactly once, the others never, and both replicas
 * answer the same totals, SLOs and alerts, whichever of them counts an SLO.</li>
 * <li>A is killed with SIGKILL while events are being produced: B takes every partition over, every acknowledged
 * event is counted exactly once, no NO_DATA fires, the burning SLOs' episodes stay open (no second page) and,
 * once healthy, each resolves exactly once.</li>
 * <li>A comes back; B is frozen (SIGSTOP) past its Kafka session while A takes its partitions and traffic goes on,
 * then thawed: the zombie counts nothing twice.</li>
 * <li>A rolling restart: B is stopped with SIGTERM while alerts keep arriving on {@code daff.slo-alerts}; every
 * alert, those keyed to B's partitions and those B held unacknowledged included, pages exactly once, and B's stop
 * logs no ERROR.</li>
 * </ol>
 */
class TwoReplicasIT {

    /** {@code SliConsumer.GROUP}: the consumer group whose partitions decide who owns an SLO. */
    static final String SLI_GROUP = "daff-slo-service";
    static final int PARTITIONS = KafkaTopicsSetup.SLI_EVENTS_PARTITIONS;
    static final int SLOS_PER_KIND_AND_HALF = 5;
    static final String TEAM = "edge";
    static final String HOOK = "/hooks/edge";
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);
    static final Duration READY = Duration.ofSeconds(120);
    static final String A_LOG = "target/two-replicas-A.log";
    static final String B_LOG = "target/two-replicas-B.log";
    /** Good events that dilute a burning SLO's 5m, 30m, 1h and 6h windows below every threshold (and the tickets'). */
    static final long HEALING_BURST = 10_000_000;
    /** Alerts published across B's rolling restart (at about 50/s; B is stopped after a quarter of them). */
    static final int ROLLING_ALERTS = 200;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final ObjectMapper json = new ObjectMapper();
    final long startedAt = System.nanoTime();

    /** What the broker acknowledged per SLO: [good, total]. The truth every replica's totals are held to. */
    final Map<String, AtomicLongArray> acknowledged = new ConcurrentHashMap<>();
    final List<String> burning = new ArrayList<>();
    final List<String> healthy = new ArrayList<>();
    final List<String> all = new ArrayList<>();

    Map<String, String> tokens;
    RecordingReceiver receiver;
    ServiceProcess a;
    ServiceProcess b;
    Admin admin;
    TrafficStream traffic;

    @Test
    void twoReplicasCountEveryEventOncePageOnceAndSurviveACrashAndAZombie() throws Exception {
        chooseSloNames();
        Path work = Files.createTempDirectory("daff-two-replicas");
        try (LocalPostgres postgres = LocalPostgres.startEphemeral(); LocalKafka kafka = LocalKafka.startEphemeral();
                RecordingReceiver hooks = RecordingReceiver.start()) {
            receiver = hooks;
            Files.deleteIfExists(Path.of(A_LOG));
            Files.deleteIfExists(Path.of(B_LOG));
            postgres.ensureDatabase("slo");
            KafkaTopicsSetup.createAll(kafka.bootstrapServers());
            Map<String, String> issuer = DevelopmentKeys.ensure(work.resolve("keys"));
            tokens = DevelopmentKeys.tokens(work.resolve("keys"));
            Map<String, String> environment = new LinkedHashMap<>(ServiceProcess.environment(postgres, "slo", kafka, issuer));
            environment.put("DAFF_SLO_EVALUATION_TICK", "1s");
            a = new ServiceProcess("slo-service A", Path.of("target/quarkus-app/quarkus-run.jar"), FreePorts.pick(),
                    environment, Path.of(A_LOG));
            b = new ServiceProcess("slo-service B", Path.of("target/quarkus-app/quarkus-run.jar"), FreePorts.pick(),
                    environment, Path.of(B_LOG));
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
            traffic = new TrafficStream(kafka.bootstrapServers());
            try {
                long boot = System.nanoTime();
                a.start();
                b.start();
                a.awaitReady(READY);
                b.awaitReady(READY);
                runOnTheTrainedStartupCache();
                Map<String, Set<Integer>> owners = awaitOwners(2);
                report("both replicas ready and owning %s in %d ms", owners.values(), millisSince(boot));

                burningSlosPageOnceAndBothReplicasAgree();
                killNineMidStreamHandsEverythingToB(owners);
                aZombieThatWakesUpCountsNothingTwice();
                aStoppingReplicaHandsItsAlertsOver();
                report("total %d s", millisSince(startedAt) / 1000);
            } catch (Throwable failure) {
                describeState();
                throw failure;
            } finally {
                traffic.close();
                admin.close();
                a.kill();
                b.kill();
            }
        }
    }

    /**
     * The replicas start as the image starts them: on the AOT cache the build trained, whenever the build had a JDK to
     * train it on (AotCacheTraining; without one the services run on the build's JDK with AppCDS).
     */
    void runOnTheTrainedStartupCache() throws Exception {
        String expected = AotCacheTraining.trainingJava().isPresent() ? ServiceProcess.AOT_CACHE : "app-cds.jsa";
        assertEquals(expected, a.mappedStartupCache(), "replica A's start-up cache");
        assertEquals(expected, b.mappedStartupCache(), "replica B's start-up cache");
    }

    // ---- 1. twenty SLOs, ten burning ---------------------------------------------------------------------------

    void burningSlosPageOnceAndBothReplicasAgree() throws Exception {
        Instant now = Instant.now();
        send(a, "PUT", "/api/teams/" + TEAM, """
                {"members": [{"handle": "oncall", "name": "On Call",
                              "channels": [{"type": "webhook", "url": "%s", "secret": "s3cret"}]}],
                 "rotation": {"members": ["oncall"], "shiftLength": "P7D", "startsAt": "%s", "timeZone": "UTC"},
                 "escalation": {"ackTimeout": "PT1H", "levels": ["PRIMARY"], "repeat": 0}}
                """.formatted(receiver.url(HOOK), now.minus(Duration.ofHours(1))), 200);
        // noDataAfter is the shortest allowed (a minute): an owner whose newest counted minute of an SLO falls two
        // minutes behind pages NO_DATA, so an SLO left uncounted across a takeover would show within the test.
        for (String slo : all) {
            send(a, "POST", "/api/slos", """
                    {"name": "%s", "service": "svc-%s", "team": "%s", "objective": 99.9, "window": "30d",
                     "noDataAfter": "PT1M"}
                    """.formatted(slo, slo, TEAM), 201);
        }

        // An hour of traffic per SLO over HTTP, half through each replica: the last five minutes first (all bad for a
        // burning SLO) so that no replica ever sees an SLO whose newest minute is old (that would be NO_DATA).
        long sending = System.nanoTime();
        Instant minute = now.truncatedTo(ChronoUnit.MINUTES);
        for (int i = 0; i < all.size(); i++) {
            String slo = all.get(i);
            boolean burns = burning.contains(slo);
            List<String> recent = new ArrayList<>();
            for (int m = 4; m >= 0; m--) {
                recent.add(observation(minute.minus(Duration.ofMinutes(m)).plusSeconds(1), burns ? 0 : 100, 100));
            }
            List<String> history = new ArrayList<>();
            for (int m = 60; m >= 5; m--) {
                history.add(observation(minute.minus(Duration.ofMinutes(m)).plusSeconds(1), 100, 100));
            }
            ingest(i % 2 == 0 ? a : b, slo, recent);
            ingest(i % 2 == 0 ? b : a, slo, history);
        }
        traffic.start();

        await("a page for every burning SLO").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> pagedSlos("page.triggered").keySet().containsAll(burning));
        report("1. every burning SLO paged %d ms after its events were sent", millisSince(sending));

        traffic.pause();
        awaitExactTotals("1. both replicas count every event once", a, b);
        assertPagedOnceEach("page.triggered");
        long forwarded = forwardedRecords(a) + forwardedRecords(b);
        assertTrue(forwarded > 0, "records keyed by service were forwarded to their SLOs' partitions");
        report("1. %d records keyed by service forwarded to their SLOs' owners, each counted once", forwarded);
        assertEquals(tree(get(a, "/api/slos")), tree(get(b, "/api/slos")), "GET /api/slos is the same on A and B");
        Map<String, String> firing = firingPageEpisodes(a);
        assertEquals(new TreeSet<>(burning), firing.keySet(), "exactly the burning SLOs have a firing PAGE");
        assertEquals(alertsById(a, "firing"), alertsById(b, "firing"), "GET /api/alerts is the same on A and B");
        assertEquals(alertsById(a, "all"), alertsById(b, "all"), "GET /api/alerts?state=all is the same on A and B");
        this.firstEpisodes = firing;
        traffic.resume();
    }

    /** The dedupKey of each burning SLO's episode as first paged. */
    Map<String, String> firstEpisodes;

    // ---- 2. kill -9 A mid-stream -------------------------------------------------------------------------------

    void killNineMidStreamHandsEverythingToB(Map<String, Set<Integer>> ownersBefore) throws Exception {
        // Mid-stream: events are flowing and both replicas are counting them (both owners' SLOs grow).
        Map<String, Long> before = totalsOf(b);
        await("both replicas counting streamed events").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    Map<String, Long> now = totalsOf(b);
                    return all.stream().allMatch(slo -> now.get(slo) > before.get(slo));
                });
        long sentBeforeKill = traffic.acknowledgedRecords();
        long killedAt = System.nanoTime();
        a.kill();
        report("2. A killed (SIGKILL) with %d streamed records acknowledged and more on the way", sentBeforeKill);

        Map<String, Set<Integer>> after = awaitOwners(1);
        long takeover = millisSince(killedAt);
        String bMember = after.keySet().iterator().next();
        Set<Integer> aPartitions = ownersBefore.entrySet().stream().filter(e -> !e.getKey().equals(bMember))
                .flatMap(e -> e.getValue().stream()).collect(Collectors.toCollection(TreeSet::new));
        List<String> aBurning = burning.stream().filter(slo -> aPartitions.contains(partitionOf(slo))).toList();
        List<String> aHealthy = healthy.stream().filter(slo -> aPartitions.contains(partitionOf(slo))).toList();
        report("2. B owns all %d partitions %d ms after the kill (A had partitions %s: burning %s, healthy %s)",
                PARTITIONS, takeover, aPartitions, aBurning, aHealthy);
        assertTrue(!aBurning.isEmpty() && !aHealthy.isEmpty(),
                "A must have owned burning and healthy SLOs for the takeover to prove anything");
        assertTrue(traffic.acknowledgedRecords() > sentBeforeKill, "events were still being produced after the kill");

        traffic.pause();
        awaitExactTotals("2. B counts every acknowledged event once", b);
        report("2. B's totals exact %d ms after the kill", millisSince(killedAt));

        // B evaluates what it took over (its burn-rate gauge moves only when it evaluates), with A's episodes restored.
        traffic.resume();
        await("B evaluates the SLOs it took over").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    Map<String, Double> burn = fiveMinuteBurnRates(b);
                    return burning.stream().allMatch(slo -> burn.getOrDefault(slo, 0.0) > 14.4);
                });
        assertEquals(firstEpisodes, firingPageEpisodes(b), "the burning SLOs' episodes stay open, the same episodes");
        assertNoNoData(b);

        // Healthy again: good traffic, a lot of it, so the short and the long windows clear.
        long healing = System.nanoTime();
        traffic.heal();
        Instant now = Instant.now();
        for (String slo : burning) {
            ingest(b, slo, List.of(observation(now, HEALING_BURST, HEALING_BURST)));
        }
        // B's paging consumer must have taken A's alert partitions over too, or the AlertResolved keyed to them waits.
        await("every burning SLO's page resolved").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> pagedSlos("page.resolved").keySet().containsAll(burning));
        report("2. all %d pages resolved %d ms after the SLOs became healthy", burning.size(), millisSince(healing));
        assertPagedOnceEach("page.triggered");
        assertPagedOnceEach("page.resolved");
        assertEquals(Map.of(), firingPageEpisodes(b), "nothing fires any more");
        assertOneResolvedEpisodeEach(b);
        assertNoNoData(b);
    }

    // ---- 3. A returns, B becomes a zombie ----------------------------------------------------------------------

    void aZombieThatWakesUpCountsNothingTwice() throws Exception {
        String bMember = awaitOwners(1).keySet().iterator().next();
        long restart = System.nanoTime();
        a.start().awaitReady(READY);
        Map<String, Set<Integer>> shared = awaitOwners(2);
        assertTrue(shared.containsKey(bMember), "B kept its group membership while A joined: " + shared);
        String aMember = shared.keySet().stream().filter(member -> !member.equals(bMember)).findFirst().orElseThrow();
        report("3. A restarted and owns %s again %d ms after its start", shared.get(aMember), millisSince(restart));
        traffic.pause();
        awaitExactTotals("3. after A's return", a, b);
        traffic.resume();

        long frozen = System.nanoTime();
        b.pause();
        report("3. B frozen (SIGSTOP) while events keep coming");
        Map<String, Set<Integer>> aAlone = awaitOwners(1);
        assertEquals(Set.of(aMember), aAlone.keySet(), "A, not the frozen B, owns every partition");
        report("3. A owns all %d partitions %d ms after B froze", PARTITIONS, millisSince(frozen));
        traffic.pause();
        awaitExactTotals("3. A counts B's partitions while B is frozen", a);
        traffic.resume();
        // A may take the partitions before B's session has run its full length (B's last heartbeat came before the
        // freeze) and count what B left within a second: keep B frozen past the session timeout either way.
        await("B frozen past its session").atMost(SESSION_TIMEOUT.plusSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> millisSince(frozen) > SESSION_TIMEOUT.toMillis() + 1_000);
        long frozenFor = millisSince(frozen);
        b.resume();
        report("3. B thawed (SIGCONT) after %d ms frozen", frozenFor);
        assertTrue(frozenFor > SESSION_TIMEOUT.toMillis(), "frozen past the consumer session timeout");

        // B still believes, for a moment, that it owns its partitions and may hold records it fetched before it froze.
        long thawed = System.nanoTime();
        Map<String, Set<Integer>> rejoined = awaitOwners(2);
        report("3. B rejoined and owns partitions again %d ms after it was thawed", millisSince(thawed));
        // A counted every partition before B woke up, so B's stale batch can only be fenced; nothing it does may knock
        // A's consumer over (a deadlock between their writes did: A rejoined under a new member id).
        assertTrue(rejoined.containsKey(aMember), "A's consumer kept its place in the group while the zombie woke up: "
                + rejoined.keySet() + " (A was " + aMember + ")");
        traffic.pause();
        awaitExactTotals("3. after the zombie woke up", a, b);
        long deadlocks = countInLog(A_LOG, "deadlock detected") + countInLog(B_LOG, "deadlock detected");
        report("3. totals exact on A and B %d ms after B was thawed; %d records streamed in all; B's stale batches fenced: %d;"
                + " deadlocks: %d", millisSince(thawed), traffic.acknowledgedRecords(),
                countInLog(B_LOG, "was counted by another replica"), deadlocks);
        // The zombie's batch and the owner's wrote the same bucket rows in different orders; PostgreSQL aborted one of
        // them after its deadlock timeout (a second without counting), and when that was A's, A's consumer restarted.
        assertEquals(0, deadlocks, "the replicas' SLI writes never deadlock (see their logs)");

        assertPagedOnceEach("page.triggered");
        assertPagedOnceEach("page.resolved");
        assertOneResolvedEpisodeEach(a);
        assertNoNoData(a);
        assertEquals(alertsById(a, "all"), alertsById(b, "all"), "GET /api/alerts?state=all is the same on A and B");
        assertEquals(tree(get(a, "/api/slos")), tree(get(b, "/api/slos")), "GET /api/slos is the same on A and B");
    }

    // ---- 4. B stopped with SIGTERM while alerts arrive ------------------------------------------------------------

    void aStoppingReplicaHandsItsAlertsOver() throws Exception {
        ObjectMapper events = new ObjectMapper().findAndRegisterModules()
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        List<String> rolling = IntStream.range(0, ROLLING_ALERTS).mapToObj(i -> String.format("rolling-%03d", i)).toList();
        CompletableFuture<ServiceProcess.Stopped> stopping = null;
        // Just before B stops, the on-call's webhook takes a second to answer a dozen requests (its four threads then
        // answer them within 3 s, inside the 5 s deadline): B has attempts under way as its shutdown begins, and they
        // must be recorded as it stops, not left to be sent again when their lease runs out.
        AtomicLong slowAnswersLeft = new AtomicLong();
        receiver.onReceive(request -> {
            if (slowAnswersLeft.getAndDecrement() > 0) {
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        long began = System.nanoTime();
        for (int i = 0; i < rolling.size(); i++) {
            if (i == rolling.size() / 4 - 10) {
                slowAnswersLeft.set(12);
            }
            if (i == rolling.size() / 4) {
                stopping = CompletableFuture.supplyAsync(b::stopTimed);
            }
            String slo = rolling.get(i);
            Instant now = Instant.now();
            AlertEvent fired = new AlertEvent(UUID.randomUUID().toString(), AlertEvent.FIRED, AlertEvent.CURRENT_VERSION,
                    now, UUID.randomUUID().toString(), slo + ":PAGE:BURN_RATE:1", slo, "svc-rolling", TEAM, AlertEvent.PAGE,
                    "BURN_RATE", "1h/5m", 20, 30, 14.4, 0.9, null, now, null);
            traffic.publish(Topics.SLO_ALERTS, slo, events.writeValueAsString(fired));
            Thread.sleep(20); // a steady stream, before, during and after the stop, not a burst
        }
        ServiceProcess.Stopped stopped = stopping.join();
        report("4. B stopped (SIGTERM) in %d ms while %d alerts arrived", stopped.millis(), rolling.size());
        await("every alert paged").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> pagedSlos("page.triggered").keySet().containsAll(rolling));
        report("4. all %d alerts paged %d ms after the first", rolling.size(), millisSince(began));
        Map<String, Integer> expected = new TreeMap<>();
        rolling.forEach(slo -> expected.put(slo, 1));
        Map<String, Integer> paged = new TreeMap<>(pagedSlos("page.triggered"));
        paged.keySet().retainAll(rolling);
        assertEquals(expected, paged, "each alert paged exactly once across B's stop");
        assertFalse(stopped.killed(), "B was still running at the end of a pod's 30 s grace period and was killed");
        assertEquals(List.of(), stopped.errors(), "ERROR lines while B stopped");
        // Every trigger on record as delivered well within a lease (35 s): one B sent but never recorded would stay
        // PENDING until its lease ran out, and then be sent a second time.
        Map<String, String> pageIds = new TreeMap<>();
        for (Received request : receiver.received(r -> r.path().equals(HOOK))) {
            JsonNode body = read(request.body());
            if (rolling.contains(body.path("alert").path("slo").asText())) {
                pageIds.put(body.path("alert").path("slo").asText(), body.path("page").path("id").asText());
            }
        }
        await("every rolling trigger recorded delivered").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertEquals(Map.of(), notDelivered(pageIds), "pages with a notification not DELIVERED"));
    }

    /** SLO → its page's notification statuses, for each page with one not DELIVERED. */
    Map<String, List<String>> notDelivered(Map<String, String> pageIds) throws Exception {
        Map<String, List<String>> open = new TreeMap<>();
        for (Map.Entry<String, String> page : pageIds.entrySet()) {
            List<String> statuses = new ArrayList<>();
            tree(get(a, "/api/pages/" + page.getValue())).path("notifications")
                    .forEach(notification -> statuses.add(notification.path("status").asText()));
            if (statuses.isEmpty() || !statuses.stream().allMatch("DELIVERED"::equals)) {
                open.put(page.getKey(), statuses);
            }
        }
        return open;
    }

    // ---- SLOs and traffic --------------------------------------------------------------------------------------

    /**
     * Five burning and five healthy SLOs on each half of the partitions, so that whichever half a replica is given,
     * it owns both kinds.
     */
    void chooseSloNames() {
        int[][] taken = new int[2][2];
        for (int i = 0; burning.size() + healthy.size() < 4 * SLOS_PER_KIND_AND_HALF; i++) {
            String name = "route-" + i;
            int half = partitionOf(name) < PARTITIONS / 2 ? 0 : 1;
            if (taken[half][0] < SLOS_PER_KIND_AND_HALF) {
                taken[half][0]++;
                burning.add(name);
            } else if (taken[half][1] < SLOS_PER_KIND_AND_HALF) {
                taken[half][1]++;
                healthy.add(name);
            }
        }
        all.addAll(burning);
        all.addAll(healthy);
        all.forEach(slo -> acknowledged.put(slo, new AtomicLongArray(2)));
    }

    static int partitionOf(String slo) {
        return Utils.toPositive(Utils.murmur2(slo.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    static String observation(Instant at, long good, long total) {
        return "{\"at\": \"" + at + "\", \"good\": " + good + ", \"total\": " + total + "}";
    }

    void ingest(ServiceProcess replica, String slo, List<String> observations) throws Exception {
        send(replica, "POST", "/api/slos/" + slo + "/events", "[" + String.join(",", observations) + "]", 202,
                tokens.get("daff-ingest"));
        for (String one : observations) {
            JsonNode observation = json.readTree(one);
            count(slo, observation.get("good").asLong(), observation.get("total").asLong());
        }
    }

    void count(String slo, long good, long total) {
        acknowledged.get(slo).addAndGet(0, good);
        acknowledged.get(slo).addAndGet(1, total);
    }

    /**
     * SLI events straight onto Kafka, as telemetry pipelines send them: every 100 ms one record per SLO (1 to 5
     * events, all bad for a burning SLO until it heals). Every other round is keyed by the SLO's service, as a
     * pipeline keyed by service sends them: such a record lands on a partition not its SLO's, often the other
     * replica's, and is forwarded to the owner — through the crash, the zombie and the rolling restart it is still
     * counted exactly once. Only what the broker acknowledged is counted as sent.
     */
    final class TrafficStream implements AutoCloseable {
        private final KafkaProducer<String, String> producer;
        private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        private final AtomicLong records = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private final AtomicLong rounds = new AtomicLong();
        private volatile boolean healed;
        private ScheduledFuture<?> running;

        TrafficStream(String bootstrapServers) {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            producer = new KafkaProducer<>(props);
        }

        synchronized void start() {
            running = scheduler.scheduleAtFixedRate(this::sendRound, 0, 100, TimeUnit.MILLISECONDS);
        }

        void resume() {
            start();
        }

        /** Stops sending and waits until everything sent is acknowledged (or failed). */
        synchronized void pause() throws Exception {
            running.cancel(false);
            scheduler.submit(() -> { }).get(10, TimeUnit.SECONDS); // the round under way, if any, is finished
            producer.flush();
            assertEquals(0, failed.get(), "the broker acknowledged every streamed record");
        }

        void heal() {
            healed = true;
        }

        /** One record besides the SLI stream, acknowledged by the broker before this returns. */
        void publish(String topic, String key, String value) throws Exception {
            producer.send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
        }

        long acknowledgedRecords() {
            return records.get();
        }

        private void sendRound() {
            Instant at = Instant.now();
            boolean keyedByService = rounds.getAndIncrement() % 2 == 1;
            for (String slo : all) {
                long total = 1 + ThreadLocalRandom.current().nextInt(5);
                long good = burning.contains(slo) && !healed ? 0 : total;
                String value = "{\"slo\": \"" + slo + "\", \"at\": \"" + at + "\", \"good\": " + good + ", \"total\": " + total + "}";
                String key = keyedByService ? "svc-" + slo : slo;
                producer.send(new ProducerRecord<>(Topics.SLI_EVENTS, key, value), (metadata, error) -> {
                    if (error == null) {
                        count(slo, good, total);
                        records.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                });
            }
        }

        @Override
        public void close() {
            scheduler.shutdownNow();
            producer.close(Duration.ofSeconds(5));
        }
    }

    // ---- what the replicas say ---------------------------------------------------------------------------------

    /** Waits until every SLO's good and total, as each replica answers them, are exactly what was acknowledged. */
    void awaitExactTotals(String what, ServiceProcess... replicas) {
        long began = System.nanoTime();
        Map<String, String> expected = new TreeMap<>();
        acknowledged.forEach((slo, counts) -> expected.put(slo, counts.get(0) + "/" + counts.get(1)));
        for (ServiceProcess replica : replicas) {
            await(what + " (" + replica.url() + ")").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertEquals(expected, goodAndTotals(replica), what));
        }
        long events = acknowledged.values().stream().mapToLong(counts -> counts.get(1)).sum();
        report("%s: %d events exact on %d replica(s) (waited %d ms)", what, events, replicas.length, millisSince(began));
    }

    Map<String, String> goodAndTotals(ServiceProcess replica) throws Exception {
        Map<String, String> answers = new TreeMap<>();
        for (String slo : all) {
            JsonNode events = tree(get(replica, "/api/slos/" + slo + "/status")).path("events");
            answers.put(slo, events.path("good").asLong() + "/" + events.path("total").asLong());
        }
        return answers;
    }

    Map<String, Long> totalsOf(ServiceProcess replica) throws Exception {
        Map<String, Long> totals = new TreeMap<>();
        for (String slo : all) {
            totals.put(slo, tree(get(replica, "/api/slos/" + slo + "/status")).path("events").path("total").asLong());
        }
        return totals;
    }

    /** The SLO → dedupKey of every firing PAGE episode, as a replica lists them. */
    Map<String, String> firingPageEpisodes(ServiceProcess replica) throws Exception {
        Map<String, String> firing = new TreeMap<>();
        for (JsonNode alert : tree(get(replica, "/api/alerts?state=firing"))) {
            if (alert.path("severity").asText().equals("PAGE")) {
                String previous = firing.put(alert.path("slo").asText(), alert.path("dedupKey").asText());
                assertEquals(null, previous, "at most one firing PAGE per SLO: " + alert);
            }
        }
        return firing;
    }

    /** Each burning SLO has had exactly one episode, its first, now resolved; the healthy ones none. */
    void assertOneResolvedEpisodeEach(ServiceProcess replica) throws Exception {
        Map<String, List<String>> episodes = new TreeMap<>();
        for (JsonNode alert : tree(get(replica, "/api/alerts?state=all"))) {
            episodes.computeIfAbsent(alert.path("slo").asText(), slo -> new ArrayList<>())
                    .add(alert.path("severity").asText() + " " + alert.path("kind").asText() + " "
                            + alert.path("dedupKey").asText() + " " + alert.path("state").asText());
        }
        Map<String, List<String>> expected = new TreeMap<>();
        firstEpisodes.forEach((slo, dedupKey) -> expected.put(slo, List.of("PAGE BURN_RATE " + dedupKey + " RESOLVED")));
        assertEquals(expected, episodes, "one episode per burning SLO, resolved; none for the healthy ones");
    }

    void assertNoNoData(ServiceProcess replica) throws Exception {
        List<String> noData = new ArrayList<>();
        for (JsonNode alert : tree(get(replica, "/api/alerts?state=all"))) {
            if (alert.path("kind").asText().equals("NO_DATA")) {
                noData.add(alert.path("slo").asText());
            }
        }
        assertEquals(List.of(), noData, "no SLO went silent");
    }

    /** Alerts by id: two SLOs that fired in one tick share firedAt, so the newest-first order may differ. */
    Map<String, JsonNode> alertsById(ServiceProcess replica, String state) throws Exception {
        Map<String, JsonNode> byId = new TreeMap<>();
        for (JsonNode alert : tree(get(replica, "/api/alerts?state=" + state))) {
            byId.put(alert.path("alertId").asText(), alert);
        }
        return byId;
    }

    /** {@code daff_sli_records_forwarded_total}: records this replica read on a partition not their SLO's. */
    long forwardedRecords(ServiceProcess replica) throws Exception {
        for (String line : get(replica, "/q/metrics").split("\n")) {
            if (line.startsWith("daff_sli_records_forwarded_total")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    /** {@code daff_slo_burn_rate{window="5m"}} per SLO: set only when this replica evaluates the SLO. */
    Map<String, Double> fiveMinuteBurnRates(ServiceProcess replica) throws Exception {
        Map<String, Double> rates = new TreeMap<>();
        for (String line : get(replica, "/q/metrics").split("\n")) {
            if (line.startsWith("daff_slo_burn_rate{") && line.contains("window=\"5m\"")) {
                int slo = line.indexOf("slo=\"") + 5;
                rates.put(line.substring(slo, line.indexOf('"', slo)),
                        Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
        }
        return rates;
    }

    // ---- what the on-call got ----------------------------------------------------------------------------------

    /** SLO → number of webhook requests of this type ({@code page.triggered}, {@code page.resolved}). */
    Map<String, Integer> pagedSlos(String type) {
        Map<String, Integer> count = new TreeMap<>();
        for (Received request : receiver.received(r -> r.path().equals(HOOK))) {
            JsonNode body = read(request.body());
            if (body.path("type").asText().equals(type)) {
                count.merge(body.path("alert").path("slo").asText(), 1, Integer::sum);
            }
        }
        return count;
    }

    void assertPagedOnceEach(String type) {
        for (Received request : receiver.received(r -> r.path().equals(HOOK))) {
            assertTrue(WebhookSignature.verify("s3cret", request.body().getBytes(StandardCharsets.UTF_8),
                    request.header(WebhookSignature.HEADER)), "every webhook is signed with the channel secret");
        }
        Map<String, Integer> expected = new TreeMap<>();
        burning.forEach(slo -> expected.put(slo, 1));
        assertEquals(expected, pagedSlos(type), type + ": exactly once for each burning SLO, never for a healthy one");
    }

    // ---- the consumer group ------------------------------------------------------------------------------------

    /** Waits until {@code members} consumers hold all the partitions between them, each some; member → partitions. */
    Map<String, Set<Integer>> awaitOwners(int members) {
        AtomicReference<Map<String, Set<Integer>>> seen = new AtomicReference<>();
        await("the SLI partitions shared by " + members + " replica(s)").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100)).until(() -> {
                    Map<String, Set<Integer>> owners = owners();
                    seen.set(owners);
                    Set<Integer> union = new HashSet<>();
                    owners.values().forEach(union::addAll);
                    int sum = owners.values().stream().mapToInt(Set::size).sum();
                    return owners.size() == members && owners.values().stream().noneMatch(Set::isEmpty)
                            && union.size() == PARTITIONS && sum == PARTITIONS;
                });
        return seen.get();
    }

    Map<String, Set<Integer>> owners() throws Exception {
        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(SLI_GROUP)).all()
                .get(10, TimeUnit.SECONDS).get(SLI_GROUP);
        Map<String, Set<Integer>> owners = new TreeMap<>();
        for (MemberDescription member : group.members()) {
            owners.put(member.consumerId(), member.assignment().topicPartitions().stream()
                    .filter(partition -> partition.topic().equals(Topics.SLI_EVENTS)).map(TopicPartition::partition)
                    .collect(Collectors.toCollection(TreeSet::new)));
        }
        return owners;
    }

    // ---- HTTP --------------------------------------------------------------------------------------------------

    String get(ServiceProcess replica, String path) throws Exception {
        return send(replica, "GET", path, null, 200);
    }

    String send(ServiceProcess replica, String method, String path, String body, int expected) throws Exception {
        return send(replica, method, path, body, expected, tokens.get("daff-admin"));
    }

    String send(ServiceProcess replica, String method, String path, String body, int expected, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(replica.url() + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, response.statusCode(), method + " " + path + " on " + replica.url() + ": " + response.body());
        return response.body();
    }

    JsonNode tree(String body) {
        return read(body);
    }

    JsonNode read(String body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + body, e);
        }
    }

    /** What a failure leaves behind, for the person reading the build log. */
    void describeState() {
        report("FAILED; the state at that moment:");
        report("  webhook: triggered %s, resolved %s", pagedSlos("page.triggered"), pagedSlos("page.resolved"));
        for (ServiceProcess replica : List.of(a, b)) {
            if (!replica.isAlive()) {
                continue;
            }
            try {
                for (JsonNode alert : tree(get(replica, "/api/alerts?state=all"))) {
                    report("  %s alert %s %s %s %s %s fired %s resolved %s", replica.url(), alert.path("slo").asText(),
                            alert.path("severity").asText(), alert.path("kind").asText(), alert.path("state").asText(),
                            alert.path("dedupKey").asText(), alert.path("firedAt").asText(), alert.path("resolvedAt").asText());
                }
                for (JsonNode page : tree(get(replica, "/api/pages?team=" + TEAM))) {
                    report("  %s page %s %s", replica.url(), page.path("dedupKey").asText(), page.path("state").asText());
                }
                report("  %s totals %s", replica.url(), goodAndTotals(replica));
            } catch (Exception | AssertionError e) {
                report("  %s does not answer: %s", replica.url(), e);
            }
        }
        Map<String, String> expected = new TreeMap<>();
        acknowledged.forEach((slo, counts) -> expected.put(slo, counts.get(0) + "/" + counts.get(1)));
        report("  acknowledged %s", expected);
        try {
            report("  SLI group owners %s", owners());
        } catch (Exception e) {
            report("  SLI group: %s", e);
        }
    }

    // ---- report ------------------------------------------------------------------------------------------------

    long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    void report(String format, Object... arguments) {
        System.out.printf("two-replicas [%6.1f s] %s%n", millisSince(startedAt) / 1000.0, String.format(format, arguments));
    }

    static long countInLog(String log, String text) {
        try {
            return Files.readAllLines(Path.of(log)).stream().filter(line -> line.contains(text)).count();
        } catch (IOException e) {
            return -1;
        }
    }
}
