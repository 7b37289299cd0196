package dev.daff.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.events.EventEnvelope;
import dev.daff.kit.outbox.Outbox;
import dev.daff.kit.outbox.OutboxRelay;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import dev.daff.localinfra.KafkaTestClient;
import dev.daff.localinfra.RealInfrastructureResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The outbox alone under concurrent writers: transactions that take their ids in one order and commit in another,
 * some rolled back. Every committed event must reach the topic exactly once, in commit order per key, and no
 * rolled-back one at all. Runs {@code daff.outbox.drill.seconds} (default 20; set it higher to soak) seconds.
 */
@QuarkusTest
@QuarkusTestResource(value = RealInfrastructureResource.class, restrictToAnnotatedClass = false,
        initArgs = @ResourceArg(name = "database", value = "action"))
class OutboxConcurrencyTest {

    static final String TOPIC = "daff.outbox-drill";
    static final String TOPIC_HELD = "daff.outbox-held";
    static final String TOPIC_FROZEN = "daff.outbox-frozen";
    static final String TOPIC_REFUSED = "daff.outbox-refused";
    static final String TOPIC_UNCOMMITTED = "daff.outbox-uncommitted";
    static final String TOPIC_BESIDE = "daff.outbox-beside-refused";
    static final String TOPIC_HELD_FOR_ALL = "daff.outbox-held-for-all";
    static final String TOPIC_HEALTHY = "daff.outbox-healthy";
    static final String TOPIC_LONG_FAILING = "daff.outbox-long-failing";
    static final int WRITERS = 16;
    static final int KEYS = 8;

    /** A test event: the {@code seq}-th committed event of its key. */
    public record DrillEvent(String eventId, String type, int version, Instant occurredAt, String key, long seq)
            implements EventEnvelope {
    }

    @Inject
    Outbox outbox;

    @Inject
    jakarta.persistence.EntityManager entityManager;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MeterRegistry meters;

    @Inject
    dev.daff.kit.kafka.KafkaClients kafkaClients;

    @Inject
    dev.daff.kit.outbox.OutboxSignal signal;

    @Test
    void sixteenWritersForTwentySecondsEveryCommittedEventOnTheTopicOnceAndInOrderPerKey() throws Exception {
        createTopic(TOPIC, 3);
        Duration drill = Duration.ofSeconds(Long.getLong("daff.outbox.drill.seconds", 20));
        AtomicLong[] sequences = new AtomicLong[KEYS];
        for (int k = 0; k < KEYS; k++) {
            sequences[k] = new AtomicLong();
        }
        AtomicLong rolledBack = new AtomicLong();
        long until = System.nanoTime() + drill.toNanos();
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        List<Future<?>> running = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            running.add(writers.submit(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (System.nanoTime() < until) {
                    int k = random.nextInt(KEYS);
                    boolean rollback = random.nextInt(20) == 0;
                    try {
                        QuarkusTransaction.requiringNew().run(() -> {
                            String key = "key-" + k;
                            outbox.serialise(TOPIC, key);
                            // Taken under the key's lock, so the sequence is the commit order of this key's events.
                            long seq = rollback ? -1 : sequences[k].incrementAndGet();
                            outbox.publish(TOPIC, key, new DrillEvent(UUID.randomUUID().toString(), "Drill", 1,
                                    Instant.now(), key, seq));
                            pause(random.nextInt(3)); // hold the transaction open so that ids and commits interleave
                            if (rollback) {
                                throw new IllegalStateException("rolled back on purpose");
                            }
                        });
                    } catch (IllegalStateException e) {
                        rolledBack.incrementAndGet();
                    }
                }
            }));
        }
        for (Future<?> writer : running) {
            writer.get();
        }
        writers.shutdown();

        long committed = 0;
        for (AtomicLong sequence : sequences) {
            committed += sequence.get();
        }
        assertTrue(committed > 1000, "only " + committed + " events were written");
        assertTrue(rolledBack.get() > 0);
        List<ConsumerRecord<String, String>> records = KafkaTestClient.read(RealInfrastructureResource.kafka()
                .bootstrapServers(), TOPIC, record -> true, (int) committed, Duration.ofSeconds(60 + committed / 500));
        // Nothing beyond them either: the topic holds exactly the committed events, once the outbox is empty.
        long expected = committed;
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> QuarkusTransaction.requiringNew()
                .call(() -> ((Number) entityManager.createNativeQuery("select count(*) from outbox_message where topic = ?1")
                        .setParameter(1, TOPIC).getSingleResult()).longValue() == 0));
        assertEquals(expected, endOffsets(TOPIC), "records on the topic");

        ObjectMapper json = new ObjectMapper();
        Map<String, Long> lastSeq = new HashMap<>();
        for (ConsumerRecord<String, String> record : records) {
            JsonNode event = json.readTree(record.value());
            long seq = event.get("seq").asLong();
            assertTrue(seq > 0, "a rolled-back event was published");
            long previous = lastSeq.getOrDefault(record.key(), 0L);
            assertEquals(previous + 1, seq, "key " + record.key() + ": after " + previous + " came " + seq);
            lastSeq.put(record.key(), seq);
        }
        assertEquals(committed, records.size());
        for (int k = 0; k < KEYS; k++) {
            assertEquals(sequences[k].get(), lastSeq.getOrDefault("key-" + k, 0L), "key-" + k);
        }
    }

    @Test
    void aTransactionLeftOpenInAnotherDatabaseDoesNotHoldTheOutboxBack() throws Exception {
        createTopic(TOPIC_HELD, 1);
        // Another service's database on the same server: a replica frozen mid-transaction, a long migration.
        RealInfrastructureResource.postgres().ensureDatabase("held_open");
        try (java.sql.Connection other = java.sql.DriverManager.getConnection(
                RealInfrastructureResource.postgres().jdbcUrl("held_open"), dev.daff.localinfra.LocalPostgres.USER, "")) {
            other.setAutoCommit(false);
            try (var statement = other.createStatement()) {
                statement.execute("select pg_current_xact_id()");
            }
            String eventId = UUID.randomUUID().toString();
            QuarkusTransaction.requiringNew().run(() -> outbox.publish(TOPIC_HELD, "held",
                    new DrillEvent(eventId, "Drill", 1, Instant.now(), "held", 1)));
            List<ConsumerRecord<String, String>> published = KafkaTestClient.read(
                    RealInfrastructureResource.kafka().bootstrapServers(), TOPIC_HELD,
                    record -> record.value().contains(eventId), 1, Duration.ofSeconds(20));
            assertEquals(1, published.size(), "published while the other transaction is still open");
            other.rollback();
        }
    }

    /**
     * A replica frozen (SIGSTOP, a VM stall) in the relay's transaction keeps its lock for as long as PostgreSQL keeps
     * its session. Through this service's own connection settings, as that replica would have: the session is ended
     * after 20 s idle in the transaction and the relay here goes on. Without that, nothing would be published again.
     */
    @Test
    void aReplicaFrozenHoldingTheRelayLockHoldsTheOutboxBackForTwentySecondsAtMost() throws Exception {
        createTopic(TOPIC_FROZEN, 1);
        double heldBefore = meters.counter("daff.outbox.lock.held.elsewhere").count();
        try (Connection frozen = dataSource.getConnection()) {
            frozen.setAutoCommit(false);
            try (var statement = frozen.createStatement()) {
                statement.execute("select pg_advisory_xact_lock(" + OutboxRelay.RELAY_LOCK + ")");
            }
            String eventId = UUID.randomUUID().toString();
            QuarkusTransaction.requiringNew().run(() -> outbox.publish(TOPIC_FROZEN, "frozen",
                    new DrillEvent(eventId, "Drill", 1, Instant.now(), "frozen", 1)));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> meters
                    .counter("daff.outbox.lock.held.elsewhere").count() > heldBefore
                    && meters.get("daff.outbox.backlog").gauge().value() >= 1);
            List<ConsumerRecord<String, String>> published = KafkaTestClient.read(
                    RealInfrastructureResource.kafka().bootstrapServers(), TOPIC_FROZEN,
                    record -> record.value().contains(eventId), 1, Duration.ofSeconds(60));
            assertEquals(1, published.size(), "published once the frozen session was ended");
            SQLException ended = assertThrows(SQLException.class,
                    () -> frozen.createStatement().execute("select 1"), "the frozen replica's session was ended");
            assertTrue(String.valueOf(ended.getMessage()).contains("idle-in-transaction"), ended.getMessage());
        }
    }

    /**
     * A send the producer refuses before queueing it (no metadata yet after a broker outage, a record over the size
     * limit) must not let the key's later rows go out ahead of it: consumers keep the first copy of an event, so the
     * earlier event arriving second would be the state they end with. A record over the size limit (which the outbox
     * itself no longer takes) makes the refusal certain; it is removed by hand, and then the later rows go out once,
     * in order. Other keys' rows behind it go out meanwhile, once: the whole outbox waited behind the one row.
     */
    @Test
    void aRowTheProducerRefusesIsNotOvertakenByTheKeysLaterRows() throws Exception {
        createTopic(TOPIC_REFUSED, 1);
        createTopic(TOPIC_BESIDE, 1);
        String refused = UUID.randomUUID().toString();
        int later = 600; // more than a batch: the key's rows held back must not fill every batch
        DrillEvent tooLarge = new DrillEvent(refused, "Drill", 1, Instant.now(), "x".repeat(1_200_000), 0);
        assertThrows(IllegalArgumentException.class, () -> QuarkusTransaction.requiringNew()
                .run(() -> outbox.publish(TOPIC_REFUSED, "k", tooLarge)), "the outbox takes no event the broker would refuse");
        QuarkusTransaction.requiringNew().run(() -> {
            insertRefused(TOPIC_REFUSED, refused);
            for (int seq = 1; seq <= later; seq++) {
                outbox.publish(TOPIC_REFUSED, "k", new DrillEvent(UUID.randomUUID().toString(), "Drill", 1, Instant.now(),
                        "k", seq));
                outbox.publish(TOPIC_BESIDE, "other", new DrillEvent(UUID.randomUUID().toString(), "Drill", 1,
                        Instant.now(), "other", seq));
            }
        });
        double failures = meters.counter("daff.outbox.failures").count();
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> meters.counter("daff.outbox.failures").count() >= failures + 3);
            assertEquals(0, endOffsets(TOPIC_REFUSED), "nothing of the key went out while its first row is refused");
            assertEquals(later, endOffsets(TOPIC_BESIDE), "another key's rows went out meanwhile, once each");
            // the refused row waits on while the outbox moves: its age is what shows it (DaffOutboxEventWaiting)
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> meters.get("daff.outbox.oldest.age.seconds").gauge().value() >= 2);
        } finally {
            QuarkusTransaction.requiringNew().run(() -> entityManager
                    .createNativeQuery("delete from outbox_message where event_id = ?1").setParameter(1, refused)
                    .executeUpdate());
        }
        List<ConsumerRecord<String, String>> published = KafkaTestClient.read(
                RealInfrastructureResource.kafka().bootstrapServers(), TOPIC_REFUSED, record -> true, later,
                Duration.ofSeconds(30));
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < later; i++) {
            assertEquals(i + 1, json.readTree(published.get(i).value()).get("seq").asLong());
        }
        assertEquals(later, endOffsets(TOPIC_REFUSED), "the later rows went out once");
    }

    /**
     * Two replicas' relays take turns on one outbox. A key one of them could not send is held back for the other too:
     * held in each replica's memory, the next relay to take the lock tried the key at once, and for a stalled
     * partition each such try waited out the producer's delivery timeout while nothing else went out.
     */
    @Test
    void aKeyOneReplicaCouldNotSendIsHeldBackForTheOtherToo() throws Exception {
        createTopic(TOPIC_HELD_FOR_ALL, 1);
        String refused = UUID.randomUUID().toString();
        QuarkusTransaction.requiringNew().run(() -> insertRefused(TOPIC_HELD_FOR_ALL, refused));
        double failures = meters.counter("daff.outbox.failures").count();
        io.micrometer.core.instrument.simple.SimpleMeterRegistry secondMeters =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        OutboxRelay second = new OutboxRelay(entityManager, kafkaClients, secondMeters, signal, Duration.ofMillis(200));
        try {
            // This replica's relay failed three times: the key is held for 4 s from the last.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> meters.counter("daff.outbox.failures").count() >= failures + 3);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
                double elsewhere = secondMeters.counter("daff.outbox.lock.held.elsewhere").count();
                second.relay();
                return secondMeters.counter("daff.outbox.lock.held.elsewhere").count() == elsewhere; // it relayed
            });
            assertEquals(0, secondMeters.counter("daff.outbox.failures").count(),
                    "the other replica's relay left the held key alone");
        } finally {
            second.close();
            QuarkusTransaction.requiringNew().run(() -> entityManager
                    .createNativeQuery("delete from outbox_message where event_id = ?1").setParameter(1, refused)
                    .executeUpdate());
        }
    }

    /**
     * A topic the broker has no metadata for (not created yet, deleted, refused: here one whose name collides with
     * another's, so that the broker never creates it) makes each send to it wait out the producer's metadata wait. Its
     * rows are held with it, and other topics' rows go on: before, each batch stopped at its first row for that topic,
     * and a row for another topic went out every five seconds or so.
     */
    @Test
    void aTopicWithoutMetadataHoldsItsOwnRowsAndNotTheOtherTopics() throws Exception {
        createTopic(TOPIC_HEALTHY, 1);
        createTopic("daff.outbox_nometa", 1);
        String missing = "daff.outbox.nometa"; // collides with daff.outbox_nometa: the broker will not create it
        int rows = 40;
        QuarkusTransaction.requiringNew().run(() -> {
            for (int seq = 1; seq <= rows; seq++) {
                outbox.publish(missing, "m-" + seq, new DrillEvent(UUID.randomUUID().toString(), "Drill", 1,
                        Instant.now(), "m-" + seq, seq));
                outbox.publish(TOPIC_HEALTHY, "h-" + seq, new DrillEvent(UUID.randomUUID().toString(), "Drill", 1,
                        Instant.now(), "h-" + seq, seq));
            }
        });
        try {
            List<ConsumerRecord<String, String>> published = KafkaTestClient.read(
                    RealInfrastructureResource.kafka().bootstrapServers(), TOPIC_HEALTHY, record -> true, rows,
                    Duration.ofSeconds(30));
            assertEquals(rows, published.size(), "the other topic's rows went out meanwhile");
        } finally {
            QuarkusTransaction.requiringNew().run(() -> entityManager
                    .createNativeQuery("delete from outbox_message where topic = ?1").setParameter(1, missing)
                    .executeUpdate());
        }
    }

    /**
     * A row that has failed for hours (past 1,024 tries, a topic deleted for good): its hold stays at half a minute and
     * the relay goes on. Before, 2 to the 1,024th was out of PostgreSQL's range, every batch rolled back, and nothing
     * was ever deleted again: the same rows went out every few seconds and the outbox only grew.
     */
    @Test
    void aRowThatHasFailedForHoursHoldsOnlyItsKeyForHalfAMinute() throws Exception {
        createTopic(TOPIC_LONG_FAILING, 1);
        String refused = UUID.randomUUID().toString();
        QuarkusTransaction.requiringNew().run(() -> {
            insertRefused(TOPIC_LONG_FAILING, refused);
            entityManager.createNativeQuery("update outbox_message set failures = 2000 where event_id = ?1")
                    .setParameter(1, refused).executeUpdate();
        });
        try {
            String other = UUID.randomUUID().toString();
            QuarkusTransaction.requiringNew().run(() -> outbox.publish(TOPIC_LONG_FAILING, "other",
                    new DrillEvent(other, "Drill", 1, Instant.now(), "other", 1)));
            org.awaitility.Awaitility.await("the other key's row is sent and deleted").atMost(Duration.ofSeconds(30))
                    .until(() -> rowsWithEventId(other) == 0);
            assertEquals(1, endOffsets(TOPIC_LONG_FAILING), "sent once");
            Number heldFor = QuarkusTransaction.requiringNew().call(() -> (Number) entityManager.createNativeQuery(
                    "select extract(epoch from held_until - clock_timestamp()) from outbox_message where event_id = ?1")
                    .setParameter(1, refused).getSingleResult());
            assertTrue(heldFor.doubleValue() > 20 && heldFor.doubleValue() <= 30, "held for " + heldFor + " s");
        } finally {
            QuarkusTransaction.requiringNew().run(() -> entityManager
                    .createNativeQuery("delete from outbox_message where event_id = ?1").setParameter(1, refused)
                    .executeUpdate());
        }
    }

    long rowsWithEventId(String eventId) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager
                .createNativeQuery("select count(*) from outbox_message where event_id = ?1").setParameter(1, eventId)
                .getSingleResult()).longValue());
    }

    /**
     * A batch sent to Kafka whose commit the database then refuses is rolled back and sent again: it is not counted as
     * published until a try commits. Counted on each try, daff_outbox_published_total rose while nothing left the
     * outbox, and DaffOutboxStuck (no increase) stayed quiet.
     */
    @Test
    void aBatchThatDoesNotCommitIsNotCountedAsPublished() throws Exception {
        createTopic(TOPIC_UNCOMMITTED, 1);
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("""
                    create or replace function refuse_outbox_delete() returns trigger as $$
                    begin
                        if old.topic = '%s' then raise exception 'the test refuses this delete'; end if;
                        return old;
                    end $$ language plpgsql""".formatted(TOPIC_UNCOMMITTED));
            // deferred: the delete goes through, and the commit is what fails
            statement.execute("create constraint trigger refuse_outbox_delete after delete on outbox_message"
                    + " deferrable initially deferred for each row execute function refuse_outbox_delete()");
            double published = meters.counter("daff.outbox.published").count();
            double failures = meters.counter("daff.outbox.failures").count();
            try {
                QuarkusTransaction.requiringNew().run(() -> outbox.publish(TOPIC_UNCOMMITTED, "k",
                        new DrillEvent(UUID.randomUUID().toString(), "Drill", 1, Instant.now(), "k", 1)));
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                        .until(() -> meters.counter("daff.outbox.failures").count() >= failures + 3);
                assertTrue(endOffsets(TOPIC_UNCOMMITTED) >= 1, "the batch was sent before its commit was refused");
                assertEquals(published, meters.counter("daff.outbox.published").count(), "nothing committed");
            } finally {
                statement.execute("drop trigger refuse_outbox_delete on outbox_message");
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> meters.counter("daff.outbox.published").count() >= published + 1);
        }
    }

    /**
     * A row of key {@code k} the producer refuses, as one it cannot send yet would be (no metadata after an outage, a
     * stalled partition), but certain to be refused: over the broker's size limit, which the outbox itself refuses.
     */
    void insertRefused(String topic, String eventId) {
        entityManager.createNativeQuery("""
                insert into outbox_message (topic, message_key, payload, created_at, event_id, event_type)
                values (?1, 'k', ?2, now(), ?3, 'Drill')
                """).setParameter(1, topic).setParameter(2, "x".repeat(1_200_000)).setParameter(3, eventId)
                .executeUpdate();
    }

    static void createTopic(String topic, int partitions) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, RealInfrastructureResource.kafka().bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            if (!admin.listTopics().names().get().contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
            }
        }
    }

    static long endOffsets(String topic) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, RealInfrastructureResource.kafka().bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new org.apache.kafka.common.TopicPartition(topic, p), org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(info -> info.offset()).sum();
        }
    }

    static void pause(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
