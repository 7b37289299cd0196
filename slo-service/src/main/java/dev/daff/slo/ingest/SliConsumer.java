package dev.daff.slo.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.events.SliEvent;
import dev.daff.events.Topics;
import dev.daff.kit.kafka.KafkaClients;
import dev.daff.kit.messaging.DeadLetterHeaders;
import dev.daff.slo.ingest.CountedBuckets.MinuteCount;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Counts {@link Topics#SLI_EVENTS} into per-minute buckets exactly once. The next offset of each partition is
 * stored in PostgreSQL in the same transaction as the buckets it produced, and a newly assigned partition
 * resumes from there — so a crash at any point (even {@code kill -9}) neither loses nor double-counts an event.
 * Invalid events go to the dead-letter topic, with the reason, before the offset moves past them.
 */
@ApplicationScoped
public class SliConsumer {

    private static final Logger LOG = Logger.getLogger(SliConsumer.class);
    static final String GROUP = "daff-slo-service";
    public static final String REJECTION_HEADER = "daff-rejection";

    private final KafkaClients kafkaClients;
    private final EntityManager entityManager;
    private final SloCatalog catalog;
    private final SloOwnership ownership;
    private final CountingLock countingLock;
    private final Event<CountedBuckets> counted;
    private final ObjectMapper json;
    private final Clock clock;
    private final boolean enabled;
    private final Counter accepted;
    private final Counter rejected;
    private volatile boolean running;
    private volatile KafkaConsumer<String, String> consumer;
    private KafkaProducer<String, String> deadLetters;
    private Thread thread;

    public SliConsumer(KafkaClients kafkaClients, EntityManager entityManager, SloCatalog catalog, SloOwnership ownership,
            CountingLock countingLock, Event<CountedBuckets> counted, ObjectMapper json, Clock clock, MeterRegistry registry,
            @ConfigProperty(name = "daff.sli.consumer.enabled", defaultValue = "true") boolean enabled) {
        this.kafkaClients = kafkaClients;
        this.entityManager = entityManager;
        this.catalog = catalog;
        this.ownership = ownership;
        this.countingLock = countingLock;
        this.counted = counted;
        this.json = json;
        this.clock = clock;
        this.enabled = enabled;
        this.accepted = registry.counter("daff.sli.events", "outcome", "counted");
        this.rejected = registry.counter("daff.sli.events", "outcome", "dead-lettered");
    }

    void start(@Observes StartupEvent startup) {
        if (!enabled) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "daff-sli-consumer");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        running = false;
        KafkaConsumer<String, String> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<String, String> created = kafkaClients.consumer(GROUP, "daff-sli-consumer")) {
                consumer = created;
                created.subscribe(List.of(Topics.SLI_EVENTS), new ResumeFromDatabase(created));
                while (running) {
                    ConsumerRecords<String, String> records = created.poll(Duration.ofMillis(500));
                    if (!records.isEmpty()) {
                        apply(records);
                    }
                }
            } catch (WakeupException e) {
                // shutting down
            } catch (RuntimeException e) {
                // Nothing was committed for the failed batch: a fresh consumer resumes from the stored offsets.
                LOG.warnf("SLI consumer restarts after: %s", e.toString());
                pause(Duration.ofSeconds(1));
            }
        }
    }

    /** One SLI record that passed validation, on its way into a minute bucket. */
    private record Observed(ConsumerRecord<String, String> record, String slo, Instant minute, long good, long total,
            String idempotentEventId) {
    }

    /** A record that will not be counted, with the reason the dead-letter topic carries. */
    private record Refused(ConsumerRecord<String, String> record, String reason) {
    }

    /** One minute of one SLO as this batch adds it, with the records behind it (refused together if it cannot be stored). */
    private static final class MinuteAggregate {
        long good;
        long total;
        final List<ConsumerRecord<String, String>> records = new ArrayList<>();
    }

    /** The batch read a partition that another replica has written since: it was assigned away while we worked. */
    static final class Fenced extends RuntimeException {
        Fenced(TopicPartition partition) {
            super("partition " + partition + " was counted by another replica meanwhile; this batch is rolled back",
                    null, false, false);
        }
    }

    private void apply(ConsumerRecords<String, String> records) {
        Map<TopicPartition, Long> nextOffsets = new HashMap<>();
        List<Observed> observed = new ArrayList<>(records.count());
        List<Refused> refused = new ArrayList<>();
        Instant now = clock.instant();
        for (ConsumerRecord<String, String> record : records) {
            nextOffsets.merge(new TopicPartition(record.topic(), record.partition()), record.offset() + 1, Math::max);
            Optional<String> rejection;
            SliEvent event = null;
            try {
                event = json.readValue(record.value(), SliEvent.class);
                rejection = check(event, Instant.ofEpochMilli(record.timestamp()), now);
            } catch (Exception e) {
                rejection = Optional.of("not a valid SLI event: " + e.getClass().getSimpleName());
            }
            if (rejection.isPresent()) {
                refused.add(new Refused(record, rejection.get()));
                continue;
            }
            Instant at = event.at() == null ? Instant.ofEpochMilli(record.timestamp()) : event.at();
            boolean idempotent = record.headers().lastHeader(SliPublisher.IDEMPOTENCY_HEADER) != null && event.eventId() != null;
            observed.add(new Observed(record, event.slo(), SliRules.minuteOf(at), event.good(), event.total(),
                    idempotent ? event.eventId() : null));
        }
        countingLock.holding(() -> {
            Stored stored;
            try {
                stored = QuarkusTransaction.requiringNew().call(() -> store(observed, refused, nextOffsets, false));
            } catch (Fenced e) {
                throw e;
            } catch (RuntimeException e) {
                if (dev.daff.kit.messaging.FailureKind.of(e) != dev.daff.kit.messaging.FailureKind.PERMANENT) {
                    throw e; // transient: nothing was committed, a fresh consumer resumes from the stored offsets
                }
                // Some bucket can never be stored: store bucket by bucket and dead-letter the ones that fail.
                LOG.warnf("SLI consumer: a batch could not be stored (%s); storing it bucket by bucket", e.getMessage());
                stored = QuarkusTransaction.requiringNew().call(() -> store(observed, refused, nextOffsets, true));
            }
            positions.putAll(stored.positions());
            accepted.increment(records.count() - stored.refused());
            rejected.increment(stored.refused());
            if (!stored.buckets().isEmpty()) {
                counted.fire(new CountedBuckets(stored.buckets()));
            }
        });
    }

    /** The order in which a batch locks its partitions' offset rows: the same in every replica. */
    private static final java.util.Comparator<TopicPartition> BY_PARTITION = java.util.Comparator
            .comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    /** What one batch's transaction committed. */
    private record Stored(Map<String, Map<Instant, MinuteCount>> buckets, int refused, Map<TopicPartition, Long> positions) {
    }

    /**
     * In one transaction: moves each partition's stored offset — only if it still holds what this replica last
     * stored, so that a replica which lost its partitions while paused cannot count them again — then drops
     * redelivered idempotent events, adds each minute to its bucket unless that would pass
     * {@link SliRules#MAX_EVENTS_PER_MINUTE}, and puts every refused record on the dead-letter topic (durable before
     * the offsets that skip them commit). Answers the buckets it stored.
     *
     * <p>The fence comes first and everything is written in one order (offset rows by partition, then bucket rows
     * by SLO and minute). A replica paused past its session wakes up with a batch of partitions that another replica
     * now counts: fenced first, it gives up before it has locked a single bucket row. Written the other way round
     * (buckets in hash order, offsets last), its batch and the new owner's locked the same bucket rows in different
     * orders and PostgreSQL broke the deadlock by aborting either one — the new owner's consumer too, which then
     * restarted and took the whole group through two more rebalances (seen in TwoReplicasIT).
     */
    private Stored store(List<Observed> observed, List<Refused> refusedBefore,
            Map<TopicPartition, Long> nextOffsets, boolean isolateBuckets) {
        nextOffsets.entrySet().stream().sorted(Map.Entry.comparingByKey(BY_PARTITION))
                .forEach(offset -> moveOffset(offset.getKey(), offset.getValue()));
        List<Refused> refused = new ArrayList<>(refusedBefore);
        Set<String> firstSeen = firstSeen(observed);
        Map<String, Map<Instant, MinuteAggregate>> buckets = new TreeMap<>();
        for (Observed one : observed) {
            if (one.idempotentEventId() != null && !firstSeen.remove(one.idempotentEventId())) {
                continue; // a retried batch: counted when it first arrived
            }
            MinuteAggregate minute = buckets.computeIfAbsent(one.slo(), slo -> new TreeMap<>())
                    .computeIfAbsent(one.minute(), m -> new MinuteAggregate());
            minute.good += one.good();
            minute.total += one.total();
            minute.records.add(one.record());
        }
        Map<String, Map<Instant, MinuteCount>> stored = new HashMap<>();
        for (Map.Entry<String, Map<Instant, MinuteAggregate>> slo : buckets.entrySet()) {
            for (Map.Entry<Instant, MinuteAggregate> minute : slo.getValue().entrySet()) {
                MinuteAggregate aggregate = minute.getValue();
                Optional<String> refusal = storeBucket(slo.getKey(), minute.getKey(), aggregate, isolateBuckets);
                if (refusal.isPresent()) {
                    aggregate.records.forEach(record -> refused.add(new Refused(record, refusal.get())));
                } else {
                    stored.computeIfAbsent(slo.getKey(), name -> new HashMap<>())
                            .put(minute.getKey(), new MinuteCount(aggregate.good, aggregate.total));
                }
            }
        }
        deadLetter(refused);
        return new Stored(stored, refused.size(), nextOffsets);
    }

    /** Adds one minute to its bucket; answers why not when the bucket would overfill or cannot be stored. */
    private Optional<String> storeBucket(String slo, Instant minute, MinuteAggregate aggregate, boolean isolated) {
        if (aggregate.total > SliRules.MAX_EVENTS_PER_MINUTE) {
            return Optional.of("the minute " + minute + " would hold more than " + SliRules.MAX_EVENTS_PER_MINUTE + " events");
        }
        if (isolated) {
            entityManager.createNativeQuery("savepoint sli_bucket").executeUpdate();
        }
        try {
            int changed = entityManager.createNativeQuery("""
                    insert into sli_bucket (slo_name, minute, good, total) values (?1, ?2, ?3, ?4)
                    on conflict (slo_name, minute)
                    do update set good = sli_bucket.good + excluded.good, total = sli_bucket.total + excluded.total
                    where sli_bucket.total + excluded.total <= ?5
                    """)
                    .setParameter(1, slo)
                    .setParameter(2, OffsetDateTime.ofInstant(minute, ZoneOffset.UTC))
                    .setParameter(3, aggregate.good)
                    .setParameter(4, aggregate.total)
                    .setParameter(5, SliRules.MAX_EVENTS_PER_MINUTE)
                    .executeUpdate();
            if (isolated) {
                entityManager.createNativeQuery("release savepoint sli_bucket").executeUpdate();
            }
            return changed == 1 ? Optional.empty()
                    : Optional.of("the minute " + minute + " already holds nearly " + SliRules.MAX_EVENTS_PER_MINUTE
                            + " events; this would pass the limit");
        } catch (RuntimeException e) {
            if (!isolated) {
                throw e;
            }
            entityManager.createNativeQuery("rollback to savepoint sli_bucket").executeUpdate();
            return Optional.of("could not be stored: " + e.getMessage());
        }
    }

    /** The event ids of idempotent records (sent with an Idempotency-Key) that were never counted before. */
    private Set<String> firstSeen(List<Observed> observed) {
        Set<String> ids = new java.util.LinkedHashSet<>();
        for (Observed one : observed) {
            if (one.idempotentEventId() != null) {
                ids.add(one.idempotentEventId());
            }
        }
        if (ids.isEmpty()) {
            return ids;
        }
        @SuppressWarnings("unchecked")
        List<String> inserted = entityManager.createNativeQuery("""
                insert into sli_seen_event (event_id, seen_at)
                select id, ?2 from unnest(string_to_array(?1, chr(31))) as id
                on conflict do nothing returning event_id
                """)
                .setParameter(1, String.join("\u001f", ids))
                .setParameter(2, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
                .getResultList();
        return new java.util.HashSet<>(inserted);
    }

    private Optional<String> check(SliEvent event, Instant recordTime, Instant now) {
        if (event == null || event.slo() == null) {
            return Optional.of("slo is required");
        }
        if (event.eventId() != null && (event.eventId().length() > 100 || event.eventId().indexOf('\u001f') >= 0)) {
            return Optional.of("eventId must be at most 100 characters");
        }
        Optional<Duration> window = catalog.window(event.slo());
        if (window.isEmpty()) {
            return Optional.of("unknown SLO '" + event.slo() + "'");
        }
        Instant at = event.at() == null ? recordTime : event.at();
        return SliRules.rejection(event.good(), event.total(), at, now, window.get());
    }

    /** Dead letters are durable before the offset that skips them is. */
    private void deadLetter(List<Refused> refused) {
        if (refused.isEmpty()) {
            return;
        }
        if (deadLetters == null) {
            deadLetters = kafkaClients.producer("daff-sli-dead-letters");
        }
        List<Future<RecordMetadata>> sends = new ArrayList<>(refused.size());
        for (Refused one : refused) {
            ProducerRecord<String, String> reject = new ProducerRecord<>(Topics.SLI_EVENTS_DEAD_LETTER, one.record().key(),
                    one.record().value());
            reject.headers().add(REJECTION_HEADER, one.reason().getBytes(StandardCharsets.UTF_8));
            reject.headers().add(DeadLetterHeaders.SOURCE_TOPIC, one.record().topic().getBytes(StandardCharsets.UTF_8));
            sends.add(deadLetters.send(reject));
        }
        try {
            for (Future<RecordMetadata> send : sends) {
                send.get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            KafkaProducer<String, String> failed = deadLetters;
            deadLetters = null;
            failed.close(Duration.ZERO);
            throw new IllegalStateException("dead-letter topic did not acknowledge", e);
        }
    }

    /**
     * Moves a partition's stored offset from what this replica last stored (or saw on assignment) to {@code next};
     * a row that holds anything else means another replica counted this partition meanwhile.
     */
    private void moveOffset(TopicPartition partition, long next) {
        Long expected = positions.get(partition);
        int changed;
        if (expected == null) {
            changed = entityManager.createNativeQuery("""
                    insert into sli_consumer_offset (topic, partition_no, next_offset) values (?1, ?2, ?3)
                    on conflict (topic, partition_no) do nothing
                    """)
                    .setParameter(1, partition.topic()).setParameter(2, partition.partition()).setParameter(3, next)
                    .executeUpdate();
        } else {
            changed = entityManager.createNativeQuery("""
                    update sli_consumer_offset set next_offset = ?3
                    where topic = ?1 and partition_no = ?2 and next_offset = ?4
                    """)
                    .setParameter(1, partition.topic()).setParameter(2, partition.partition()).setParameter(3, next)
                    .setParameter(4, expected)
                    .executeUpdate();
        }
        if (changed != 1) {
            throw new Fenced(partition);
        }
    }

    /**
     * The offset this replica last stored (or found stored on assignment) per partition it owns; absent for a
     * partition nobody has stored yet. Only the consumer thread touches it.
     */
    private final Map<TopicPartition, Long> positions = new HashMap<>();

    /** On assignment, seek each partition to the offset stored with the buckets (or its start). */
    private final class ResumeFromDatabase implements ConsumerRebalanceListener {
        private final KafkaConsumer<String, String> kafkaConsumer;

        ResumeFromDatabase(KafkaConsumer<String, String> kafkaConsumer) {
            this.kafkaConsumer = kafkaConsumer;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            Map<Integer, Long> stored = QuarkusTransaction.requiringNew().call(() -> storedOffsets());
            for (TopicPartition partition : partitions) {
                Long next = stored.get(partition.partition());
                if (next == null) {
                    positions.remove(partition);
                    kafkaConsumer.seekToBeginning(List.of(partition));
                } else {
                    positions.put(partition, next);
                    kafkaConsumer.seek(partition, next);
                }
            }
            Set<Integer> owned = kafkaConsumer.assignment().stream().map(TopicPartition::partition)
                    .collect(Collectors.toSet());
            ownership.assigned(owned, kafkaConsumer.partitionsFor(Topics.SLI_EVENTS).size());
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            partitions.forEach(positions::remove);
            ownership.assigned(Set.of(), 1);
        }

        @SuppressWarnings("unchecked")
        private Map<Integer, Long> storedOffsets() {
            List<Object[]> rows = entityManager
                    .createNativeQuery("select partition_no, next_offset from sli_consumer_offset where topic = ?1")
                    .setParameter(1, Topics.SLI_EVENTS).getResultList();
            return rows.stream().collect(Collectors.toMap(row -> ((Number) row[0]).intValue(),
                    row -> ((Number) row[1]).longValue()));
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
