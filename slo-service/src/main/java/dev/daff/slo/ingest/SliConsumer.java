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
            Event<CountedBuckets> counted, ObjectMapper json, Clock clock, MeterRegistry registry,
            @ConfigProperty(name = "daff.sli.consumer.enabled", defaultValue = "true") boolean enabled) {
        this.kafkaClients = kafkaClients;
        this.entityManager = entityManager;
        this.catalog = catalog;
        this.ownership = ownership;
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

    private void apply(ConsumerRecords<String, String> records) {
        Map<String, Map<Instant, MinuteCount>> buckets = new HashMap<>();
        Map<TopicPartition, Long> nextOffsets = new HashMap<>();
        List<ProducerRecord<String, String>> rejects = new ArrayList<>();
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
                ProducerRecord<String, String> reject = new ProducerRecord<>(Topics.SLI_EVENTS_DEAD_LETTER, record.key(),
                        record.value());
                reject.headers().add(REJECTION_HEADER, rejection.get().getBytes(StandardCharsets.UTF_8));
                rejects.add(reject);
                continue;
            }
            Instant at = event.at() == null ? Instant.ofEpochMilli(record.timestamp()) : event.at();
            buckets.computeIfAbsent(event.slo(), slo -> new HashMap<>())
                    .merge(SliRules.minuteOf(at), new MinuteCount(event.good(), event.total()), MinuteCount::plus);
        }
        deadLetter(rejects);
        QuarkusTransaction.requiringNew().run(() -> store(buckets, nextOffsets));
        accepted.increment(records.count() - rejects.size());
        rejected.increment(rejects.size());
        if (!buckets.isEmpty()) {
            counted.fire(new CountedBuckets(buckets));
        }
    }

    private Optional<String> check(SliEvent event, Instant recordTime, Instant now) {
        if (event == null || event.slo() == null) {
            return Optional.of("slo is required");
        }
        Optional<Duration> window = catalog.window(event.slo());
        if (window.isEmpty()) {
            return Optional.of("unknown SLO '" + event.slo() + "'");
        }
        Instant at = event.at() == null ? recordTime : event.at();
        return SliRules.rejection(event.good(), event.total(), at, now, window.get());
    }

    /** Dead letters are durable before the offset that skips them is. */
    private void deadLetter(List<ProducerRecord<String, String>> rejects) {
        if (rejects.isEmpty()) {
            return;
        }
        if (deadLetters == null) {
            deadLetters = kafkaClients.producer("daff-sli-dead-letters");
        }
        List<Future<RecordMetadata>> sends = rejects.stream().map(deadLetters::send).toList();
        try {
            for (Future<RecordMetadata> send : sends) {
                send.get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("dead-letter topic did not acknowledge", e);
        }
    }

    private void store(Map<String, Map<Instant, MinuteCount>> buckets, Map<TopicPartition, Long> nextOffsets) {
        for (Map.Entry<String, Map<Instant, MinuteCount>> slo : buckets.entrySet()) {
            for (Map.Entry<Instant, MinuteCount> minute : slo.getValue().entrySet()) {
                entityManager.createNativeQuery("""
                        insert into sli_bucket (slo_name, minute, good, total) values (?1, ?2, ?3, ?4)
                        on conflict (slo_name, minute)
                        do update set good = sli_bucket.good + excluded.good, total = sli_bucket.total + excluded.total
                        """)
                        .setParameter(1, slo.getKey())
                        .setParameter(2, OffsetDateTime.ofInstant(minute.getKey(), ZoneOffset.UTC))
                        .setParameter(3, minute.getValue().good())
                        .setParameter(4, minute.getValue().total())
                        .executeUpdate();
            }
        }
        for (Map.Entry<TopicPartition, Long> offset : nextOffsets.entrySet()) {
            entityManager.createNativeQuery("""
                    insert into sli_consumer_offset (topic, partition_no, next_offset) values (?1, ?2, ?3)
                    on conflict (topic, partition_no) do update set next_offset = excluded.next_offset
                    """)
                    .setParameter(1, offset.getKey().topic())
                    .setParameter(2, offset.getKey().partition())
                    .setParameter(3, offset.getValue())
                    .executeUpdate();
        }
    }

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
                    kafkaConsumer.seekToBeginning(List.of(partition));
                } else {
                    kafkaConsumer.seek(partition, next);
                }
            }
            Set<Integer> owned = kafkaConsumer.assignment().stream().map(TopicPartition::partition)
                    .collect(Collectors.toSet());
            ownership.assigned(owned, kafkaConsumer.partitionsFor(Topics.SLI_EVENTS).size());
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
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
