package dev.daff.slo.ingest;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.daff.kit.kafka.KafkaClients;

/**
 * Puts accepted HTTP batches on the SLI topic, each whole or not at all, and answers once Kafka has them.
 *
 * <p>A batch of one record (up to 1,000 observations, nearly all of them) goes through one idempotent producer that
 * every request shares: a record is appended whole, so it needs no transaction, and concurrent requests' records
 * travel in the same produce requests. A Kafka transaction costs the broker far more than its records — markers
 * and transaction-log writes for each partition it touches: in the benchmark, a transaction per 1,000-observation
 * batch cost the broker about as much CPU as the whole request cost the service (committing several requests'
 * batches in one transaction saved nothing: markers are per partition, and each batch is another SLO's).
 *
 * <p>A larger batch is several records, which only a transaction makes visible all together. They go through a
 * small pool of {@code daff.sli.ingest.producers} transactional producers (default 4), so concurrent requests do not
 * queue behind one. A producer that failed in any way is closed and replaced, never reused: after a timed-out commit
 * a transactional producer can neither abort nor begin again, and keeping it would refuse all ingest until a restart.
 */
@ApplicationScoped
public class SliTopicWriter {

    private static final Logger LOG = Logger.getLogger(SliTopicWriter.class);
    /**
     * How long a request waits for the broker to take its record before it is told to retry: about as long as a
     * transactional commit may block, so that while the broker is away clients hear 503 within seconds.
     */
    static final Duration WAIT_ALONE = Duration.ofMillis(2_500);
    /** How long a request waits for a free transactional producer. */
    static final Duration WAIT_FOR_PRODUCER = Duration.ofSeconds(10);

    private final KafkaClients kafkaClients;
    private final AtomicReference<KafkaProducer<String, String>> sharedProducer = new AtomicReference<>();
    private final BlockingDeque<KafkaProducer<String, String>> idleTransactional = new LinkedBlockingDeque<>();
    private final Semaphore transactionalInUse;

    public SliTopicWriter(KafkaClients kafkaClients,
            @ConfigProperty(name = "daff.sli.ingest.producers", defaultValue = "4") int producers) {
        this.kafkaClients = kafkaClients;
        this.transactionalInUse = new Semaphore(producers);
    }

    /**
     * Returns once Kafka has all the records; throws {@link Unavailable} when it did not (they may still be stored:
     * the client retries with its Idempotency-Key).
     */
    void write(List<ProducerRecord<String, String>> records) {
        if (records.size() == 1) {
            writeAlone(records.get(0));
        } else {
            writeInTransaction(records);
        }
    }

    private void writeAlone(ProducerRecord<String, String> record) {
        KafkaProducer<String, String> producer = shared();
        try {
            producer.send(record).get(WAIT_ALONE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            replaceUnlessRetriable(producer, e.getCause());
            throw new Unavailable();
        } catch (RuntimeException e) {
            replaceUnlessRetriable(producer, e);
            throw new Unavailable();
        } catch (TimeoutException e) {
            throw new Unavailable();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable();
        }
    }

    /** A broker that is away or slow the producer rides out; after anything else the next request gets a new one. */
    private void replaceUnlessRetriable(KafkaProducer<String, String> producer, Throwable failure) {
        if (!(failure instanceof RetriableException) && sharedProducer.compareAndSet(producer, null)) {
            LOG.warnf("SLI ingest: the event log refused a batch (%s); the shared producer is replaced", failure.toString());
            producer.close(Duration.ZERO);
        }
    }

    private KafkaProducer<String, String> shared() {
        KafkaProducer<String, String> producer = sharedProducer.get();
        while (producer == null) {
            KafkaProducer<String, String> created = kafkaClients.producer("daff-sli-http-ingest");
            if (sharedProducer.compareAndSet(null, created)) {
                producer = created;
            } else {
                created.close(Duration.ZERO);
                producer = sharedProducer.get();
            }
        }
        return producer;
    }

    private void writeInTransaction(List<ProducerRecord<String, String>> records) {
        try {
            if (!transactionalInUse.tryAcquire(WAIT_FOR_PRODUCER.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new Unavailable();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable();
        }
        KafkaProducer<String, String> producer = null;
        try {
            producer = idleTransactional.pollFirst();
            if (producer == null) {
                producer = createProducer();
            }
            producer.beginTransaction();
            for (ProducerRecord<String, String> record : records) {
                producer.send(record);
            }
            producer.commitTransaction();
            idleTransactional.offerFirst(producer);
        } catch (RuntimeException e) {
            // Whatever failed (broker away, timed-out commit, fenced producer), this producer is not trusted again.
            LOG.warnf("SLI ingest: the event log did not take a batch (%s); the producer is replaced", e.toString());
            if (producer != null) {
                producer.close(Duration.ZERO);
            }
            throw new Unavailable();
        } finally {
            transactionalInUse.release();
        }
    }

    private KafkaProducer<String, String> createProducer() {
        KafkaProducer<String, String> created = kafkaClients.transactionalProducer("daff-sli-http-ingest",
                "daff-sli-http-" + UUID.randomUUID());
        try {
            created.initTransactions();
            return created;
        } catch (RuntimeException e) {
            created.close(Duration.ZERO);
            throw e;
        }
    }

    /** The event log did not acknowledge a request's records. */
    static final class Unavailable extends RuntimeException {
        Unavailable() {
            super("the event log did not acknowledge the batch", null, false, false);
        }
    }

    @PreDestroy
    void close() {
        KafkaProducer<String, String> producer = sharedProducer.getAndSet(null);
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        while ((producer = idleTransactional.pollFirst()) != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
