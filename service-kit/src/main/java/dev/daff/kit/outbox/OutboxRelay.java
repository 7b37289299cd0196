package dev.daff.kit.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.daff.kit.kafka.KafkaClients;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Publishes outbox rows to Kafka in the order they were written, then deletes exactly the rows it sent. One
 * relay at a time across all replicas (a PostgreSQL advisory lock), so events for one key keep their order.
 *
 * <p><b>Why order by id is enough.</b> Row ids are taken at insert, not at commit, so a row with a lower id may
 * commit after the relay has sent a higher one; but a row is deleted only once sent, so it is never skipped, only
 * sent in a later batch. Within one key the ids are the commit order: {@link Outbox#publish} takes the key's lock
 * before it inserts, so a key's next row gets its id only after the previous writer committed, and whenever the
 * relay sees a key's row it sees every earlier one. (The relay once read only rows older than every transaction in
 * flight, {@code pg_snapshot_xmin}: that horizon spans the whole PostgreSQL server, so one transaction left open in
 * another service's database held back every alert.) When the broker is away nothing is taken and the batch is
 * retried after a backoff: the API that wrote the rows never notices. When only some rows fail (a stalled partition,
 * a topic without metadata yet), the rows taken are deleted and only the failed rows' keys (and the rows of a topic
 * without metadata) wait. A send taken but not deleted (the delete or the commit failed) is sent again (at least
 * once); consumers apply each event id once.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    static final int BATCH = 500;
    /** The longest wait after failed relays. */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    /** Any constant shared by all replicas of one service; each service has its own database. */
    public static final long RELAY_LOCK = 0x0da1ff;
    public static final String EVENT_ID_HEADER = "daff-event-id";
    public static final String EVENT_TYPE_HEADER = "daff-event-type";

    private final EntityManager entityManager;
    private final KafkaClients kafkaClients;
    private final Counter published;
    private final Counter failures;
    private final Counter lockHeld;
    private final OutboxSignal signal;
    private final Duration interval;
    private volatile boolean running;
    private Thread thread;
    private volatile KafkaProducer<String, String> producer;
    /** Rows waiting to be published, as of the last tick. */
    private volatile long backlog;
    /** When the oldest of them was written (null: none waits): a key held back shows here, not in the backlog. */
    private volatile Instant oldestWaiting;

    public OutboxRelay(EntityManager entityManager, KafkaClients kafkaClients, MeterRegistry registry, OutboxSignal signal,
            @ConfigProperty(name = "daff.outbox.relay-interval", defaultValue = "PT0.2S") Duration interval) {
        this.entityManager = entityManager;
        this.signal = signal;
        this.interval = interval;
        this.kafkaClients = kafkaClients;
        this.published = registry.counter("daff.outbox.published");
        this.failures = registry.counter("daff.outbox.failures");
        this.lockHeld = registry.counter("daff.outbox.lock.held.elsewhere");
        Gauge.builder("daff.outbox.backlog", this, relay -> relay.backlog).register(registry);
        Gauge.builder("daff.outbox.oldest.age.seconds", this, relay -> relay.oldestWaiting == null ? 0
                : Math.max(0, Duration.between(relay.oldestWaiting, Instant.now()).toSeconds()))
                .description("how long the oldest event waiting in the outbox has waited").register(registry);
    }

    void start(@Observes StartupEvent startup) {
        running = true;
        thread = new Thread(this::loop, "daff-outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /**
     * Relays whenever a transaction wrote rows, and at least every relay interval; after a failure, not before a
     * backoff (doubling to {@link #MAX_BACKOFF}): a batch sent but not committed is sent again on each try, and
     * every commit's signal retried it at once, a batch of duplicates every 200 ms for as long as the failure lasted.
     */
    private void loop() {
        Duration backoff = interval;
        while (running) {
            try {
                if (relay()) {
                    backoff = interval;
                    signal.await(interval);
                } else {
                    Thread.sleep(backoff.toMillis());
                    Duration doubled = backoff.multipliedBy(2);
                    backoff = doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Relays what is waiting; answers whether it did without failing. A batch of which some rows failed counts as
     * done when others went out: only the failed rows' keys wait (held in the row, {@link #relayBatch}), the relay
     * goes on. Public for tests that run a second replica's relay beside this one.
     */
    public boolean relay() {
        try {
            Relayed batch;
            do {
                batch = relayBatch();
                // Counted once committed: a batch sent and then rolled back (the delete or the commit failed) is
                // sent again, and counted as published it kept DaffOutboxStuck quiet while nothing left the outbox.
                published.increment(batch.published());
                if (batch.failure() != null) {
                    failures.increment();
                    LOG.warnf("outbox relay: a send failed, its key waits: %s", batch.failure().getMessage());
                    if (batch.published() == 0) {
                        discardProducer(); // nothing went out: the broker may be away
                        return false;
                    }
                }
            } while (batch.full()); // more may be waiting: keep going instead of waiting a tick
            return true;
        } catch (RuntimeException e) {
            failures.increment();
            LOG.warnf("outbox relay will retry: %s", e.getMessage());
            discardProducer();
            countBacklog();
            return false;
        }
    }

    /** Publishes one batch: every row the broker takes, and none of a key behind one of its rows that failed. */
    Relayed relayBatch() {
        return QuarkusTransaction.requiringNew().call(() -> {
            Boolean locked = (Boolean) entityManager.createNativeQuery("select pg_try_advisory_xact_lock(?1)")
                    .setParameter(1, RELAY_LOCK).getSingleResult();
            if (!locked) {
                // another replica relays; if it is frozen holding the lock, the backlog and this count show it
                lockHeld.increment();
                countBacklogInTransaction();
                return new Relayed(0, false, null);
            }
            // Held in the outbox itself, so for every replica: held in each replica's memory, the next replica to
            // take the lock tried a stalled partition's key at once, each try waiting out the delivery timeout.
            @SuppressWarnings("unchecked")
            String[] resting = ((List<String>) entityManager.createNativeQuery("""
                    select distinct concat(topic, ' ', message_key) from outbox_message
                    where held_until > clock_timestamp()""", String.class).getResultList()).toArray(String[]::new);
            @SuppressWarnings("unchecked")
            List<Object[]> rows = entityManager.createNativeQuery("""
                    select id, topic, message_key, payload, event_id, event_type from outbox_message
                    where concat(topic, ' ', message_key) <> all(?2)
                    order by id limit ?1
                    """)
                    .setParameter(1, BATCH).setParameter(2, resting)
                    .getResultList();
            KafkaProducer<String, String> sender = rows.isEmpty() ? null : producer();
            List<Future<RecordMetadata>> sends = new ArrayList<>(rows.size());
            List<Long> sentIds = new ArrayList<>(rows.size());
            List<String> sentKeys = new ArrayList<>(rows.size());
            // A key one of whose rows failed: its later rows wait behind it (consumers keep the first copy of an
            // event, so an earlier event arriving second would be the state they end with); other keys go on.
            Map<String, Long> held = new HashMap<>(); // each failed key's first row, which holds the key back
            Exception failure = null;
            Set<Object> withoutMetadata = new HashSet<>();
            Map<String, Long> heldWithTopic = new HashMap<>(); // not tried: their topic had no metadata
            for (Object[] row : rows) {
                String key = keyOf(row[1], row[2]);
                if (held.containsKey(key)) {
                    continue;
                }
                if (withoutMetadata.contains(row[1])) {
                    held.put(key, ((Number) row[0]).longValue()); // each send would wait as long
                    heldWithTopic.put(key, ((Number) row[0]).longValue());
                    continue;
                }
                ProducerRecord<String, String> record = new ProducerRecord<>((String) row[1], (String) row[2], (String) row[3]);
                header(record, EVENT_ID_HEADER, (String) row[4]);
                header(record, EVENT_TYPE_HEADER, (String) row[5]);
                Future<RecordMetadata> send = sender.send(record);
                if (send.isDone()) {
                    try {
                        send.get(); // refused before it was queued: no metadata yet after an outage, too large
                    } catch (ExecutionException refused) {
                        held.put(key, ((Number) row[0]).longValue());
                        failure = failure != null ? failure : refused;
                        // No metadata for the topic after the producer's wait: a topic not created yet, deleted or
                        // refused, whose other rows are held with it while other topics go on (stopping the batch
                        // here let one missing topic hold every other back); a second such topic means the broker
                        // is away, and each further send would wait as long, past the transaction's life.
                        if (refused.getCause() instanceof org.apache.kafka.common.errors.TimeoutException
                                && (!withoutMetadata.add(row[1]) || withoutMetadata.size() > 1)) {
                            break;
                        }
                        continue;
                    }
                }
                sends.add(send);
                sentIds.add(((Number) row[0]).longValue());
                sentKeys.add(key);
            }
            List<Long> taken = new ArrayList<>(sends.size());
            for (int i = 0; i < sends.size(); i++) {
                try {
                    sends.get(i).get(30, TimeUnit.SECONDS);
                    taken.add(sentIds.get(i));
                } catch (ExecutionException | TimeoutException e) {
                    held.putIfAbsent(sentKeys.get(i), sentIds.get(i));
                    failure = failure != null ? failure : e;
                }
            }
            heldWithTopic.keySet().forEach(held::remove);
            if (!heldWithTopic.isEmpty()) {
                // For the producer's metadata wait, not a backoff: the topic may be missing (so the rows behind these
                // are read meanwhile, and no batch is all of them), or the broker away, when these rows must not wait
                // out a backoff once it is back. Not counted as failures: they were not tried.
                entityManager.createNativeQuery("""
                        update outbox_message set held_until = clock_timestamp() + interval '5 seconds'
                        where id in (:untried)""").setParameter("untried", List.copyOf(heldWithTopic.values()))
                        .executeUpdate();
            }
            if (!held.isEmpty()) {
                // Until a retry, doubling from a second to half a minute with the row's failures (the exponent capped:
                // 2 to the 1,024th is out of PostgreSQL's range, and a row failing for hours rolled back every batch);
                // timed from after the waits (a stalled partition's sends fail 10 s on). Read in batches by id, a key
                // with more rows waiting than a batch holds would otherwise fill every batch by itself.
                entityManager.createNativeQuery("""
                        update outbox_message set failures = failures + 1,
                            held_until = clock_timestamp() + make_interval(secs => least(30, power(2, least(failures, 5))))
                        where id in (:failed)""").setParameter("failed", List.copyOf(held.values())).executeUpdate();
            }
            // What the broker took is deleted even when other rows failed: kept, it was sent again on every retry,
            // and one row a stalled partition could not take held every other topic and key back with it.
            if (!taken.isEmpty()) {
                entityManager.createNativeQuery("delete from outbox_message where id in (:sent)")
                        .setParameter("sent", taken)
                        .executeUpdate();
            }
            if (taken.size() == rows.size() && rows.size() < BATCH && resting.length == 0) {
                backlog = 0;
                oldestWaiting = null;
            } else {
                countBacklogInTransaction();
            }
            return new Relayed(taken.size(), rows.size() == BATCH, failure);
        });
    }

    /** How the relay's queries write a row's key: topic names have no spaces, so the first space divides the two. */
    static String keyOf(Object topic, Object messageKey) {
        return topic + " " + (messageKey == null ? "" : messageKey);
    }

    /** One batch: how many rows it published, whether more may be waiting, and the first send that failed. */
    record Relayed(int published, boolean full, Exception failure) {
    }

    private static void header(ProducerRecord<String, String> record, String name, String value) {
        if (value != null) {
            record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    private void countBacklog() {
        try {
            QuarkusTransaction.requiringNew().run(this::countBacklogInTransaction);
        } catch (RuntimeException e) {
            // the database is away too: keep the last figure
        }
    }

    private void countBacklogInTransaction() {
        Object[] waiting = (Object[]) entityManager.createNativeQuery(
                "select count(*), (extract(epoch from min(created_at)) * 1000)::bigint from outbox_message")
                .getSingleResult();
        backlog = ((Number) waiting[0]).longValue();
        oldestWaiting = waiting[1] == null ? null : Instant.ofEpochMilli(((Number) waiting[1]).longValue());
    }

    private KafkaProducer<String, String> producer() {
        if (producer == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = kafkaClients.producer("daff-outbox-relay");
                }
            }
        }
        return producer;
    }

    /** A producer whose sends timed out may hold a poisoned batch; the next tick starts from a new one. */
    private synchronized void discardProducer() {
        if (producer != null) {
            producer.close(Duration.ZERO);
            producer = null;
        }
    }

    /** Public for tests that run a second replica's relay. */
    @PreDestroy
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
