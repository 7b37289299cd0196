package dev.daff.kit.outbox;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jboss.logging.Logger;

import dev.daff.kit.kafka.KafkaClients;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Publishes outbox rows to Kafka in the order they were written, then deletes them. One relay at a time
 * across all replicas (a PostgreSQL advisory lock), so events for one key keep their order. When the
 * broker is away the batch rolls back and is retried on the next tick: the API that wrote the rows never
 * notices.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int BATCH = 500;
    /** Any constant shared by all replicas of one service; each service has its own database. */
    private static final long RELAY_LOCK = 0x0da1ff;

    private final EntityManager entityManager;
    private final KafkaClients kafkaClients;
    private final Counter published;
    private final Counter failures;
    private volatile KafkaProducer<String, String> producer;
    /** Rows waiting at the last tick, counted up to one batch: rising to the batch size means Kafka is behind. */
    private volatile long backlog;

    public OutboxRelay(EntityManager entityManager, KafkaClients kafkaClients, MeterRegistry registry) {
        this.entityManager = entityManager;
        this.kafkaClients = kafkaClients;
        this.published = registry.counter("daff.outbox.published");
        this.failures = registry.counter("daff.outbox.failures");
        Gauge.builder("daff.outbox.backlog", this, relay -> relay.backlog).register(registry);
    }

    @Scheduled(every = "${daff.outbox.relay-interval:0.2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            identity = "outbox-relay")
    void relay() {
        try {
            while (relayBatch() == BATCH) {
                // a full batch means more may be waiting: keep going instead of waiting a tick
            }
        } catch (RuntimeException e) {
            failures.increment();
            LOG.warnf("outbox relay will retry: %s", e.getMessage());
        }
    }

    /** Publishes one batch; answers how many rows it published. */
    int relayBatch() {
        return QuarkusTransaction.requiringNew().call(() -> {
            Boolean locked = (Boolean) entityManager.createNativeQuery("select pg_try_advisory_xact_lock(?1)")
                    .setParameter(1, RELAY_LOCK).getSingleResult();
            if (!locked) {
                return 0;
            }
            @SuppressWarnings("unchecked")
            List<Object[]> rows = entityManager.createNativeQuery(
                    "select id, topic, message_key, payload from outbox_message order by id limit " + BATCH)
                    .getResultList();
            backlog = rows.size();
            if (rows.isEmpty()) {
                return 0;
            }
            List<Future<RecordMetadata>> sends = new ArrayList<>(rows.size());
            for (Object[] row : rows) {
                sends.add(producer().send(new ProducerRecord<>((String) row[1], (String) row[2], (String) row[3])));
            }
            for (Future<RecordMetadata> send : sends) {
                send.get(30, TimeUnit.SECONDS);
            }
            long lastId = ((Number) rows.get(rows.size() - 1)[0]).longValue();
            entityManager.createNativeQuery("delete from outbox_message where id <= ?1").setParameter(1, lastId)
                    .executeUpdate();
            published.increment(rows.size());
            return rows.size();
        });
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

    @PreDestroy
    void close() {
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(5));
        }
    }
}
