package dev.daff.slo.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.daff.kit.kafka.KafkaClients;
import io.quarkus.runtime.StartupEvent;

/**
 * Puts accepted HTTP batches on the SLI topic, each whole or not at all, and answers once Kafka has them.
 *
 * <p>A batch of one record (up to 1,000 observations, nearly all of them) goes through one idempotent producer that
 * every request shares: a record is appended whole, so it needs no transaction, and concurrent requests' records
 * travel in the same produce requests. A Kafka transaction costs the broker far more than its records — markers
 * and transaction-log writes for each partition it touches: in the benchmark, a transaction per 1,000-observation
 * batch cost the broker about as much CPU as the whole request cost the service.
 *
 * <p>A larger batch is several records, which only a transaction makes visible all together.
 * {@code daff.sli.ingest.committers} threads (default 2) each own a transactional producer and commit whatever such
 * batches are waiting when they are free, together (a group commit). A producer that failed in any way is closed
 * and replaced, never reused: after a timed-out commit a transactional producer can neither abort nor begin again,
 * and keeping it would refuse all ingest until a restart.
 */
@ApplicationScoped
public class SliTopicWriter {

    private static final Logger LOG = Logger.getLogger(SliTopicWriter.class);
    /**
     * How long a request waits for the broker to take its record before it is told to retry: about as long as a
     * transactional commit may block, so that while the broker is away clients hear 503 within seconds.
     */
    static final Duration WAIT_ALONE = Duration.ofMillis(2_500);
    /** How long a request waits for its transaction, which may queue behind one that is committing. */
    static final Duration WAIT = Duration.ofSeconds(10);
    /** Records per group transaction at most (1,000 observations each): about 3 MB. */
    private static final int MAX_GROUP_RECORDS = 50;

    /** One request's records (several) and what its thread waits on; cancelled when the request gave up waiting. */
    private record Pending(List<ProducerRecord<String, String>> records, CompletableFuture<Void> committed) {
    }

    private final KafkaClients kafkaClients;
    private final int committers;
    private final BlockingQueue<Pending> waiting = new LinkedBlockingQueue<>();
    private final AtomicReference<KafkaProducer<String, String>> sharedProducer = new AtomicReference<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    public SliTopicWriter(KafkaClients kafkaClients,
            @ConfigProperty(name = "daff.sli.ingest.committers", defaultValue = "2") int committers) {
        this.kafkaClients = kafkaClients;
        this.committers = committers;
    }

    void start(@Observes StartupEvent startup) {
        running = true;
        for (int i = 0; i < committers; i++) {
            Thread thread = new Thread(this::commitWhileRunning, "daff-sli-commit-" + i);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
    }

    /**
     * Returns once Kafka has all the records; throws {@link Unavailable} when it did not within {@link #WAIT_ALONE}
     * or {@link #WAIT} (they may still be stored: the client retries with its Idempotency-Key).
     */
    void write(List<ProducerRecord<String, String>> records) {
        if (records.size() == 1) {
            writeAlone(records.get(0));
            return;
        }
        Pending pending = new Pending(records, new CompletableFuture<>());
        if (!running) {
            throw new Unavailable();
        }
        waiting.add(pending);
        try {
            pending.committed().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            pending.committed().cancel(false); // a committer that has not taken it yet skips it
            throw new Unavailable();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.committed().cancel(false);
            throw new Unavailable();
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

    /** The event log did not acknowledge a request's records. */
    static final class Unavailable extends RuntimeException {
        Unavailable() {
            super("the event log did not acknowledge the batch", null, false, false);
        }
    }

    private void commitWhileRunning() {
        KafkaProducer<String, String> producer = null;
        while (running) {
            List<Pending> group = nextGroup();
            if (group.isEmpty()) {
                continue;
            }
            try {
                if (producer == null) {
                    producer = createProducer();
                }
                producer.beginTransaction();
                for (Pending pending : group) {
                    for (ProducerRecord<String, String> record : pending.records()) {
                        producer.send(record);
                    }
                }
                producer.commitTransaction();
                group.forEach(pending -> pending.committed().complete(null));
            } catch (RuntimeException e) {
                // Whatever failed (broker away, timed-out commit, fenced producer), this producer is not trusted again.
                LOG.warnf("SLI ingest: the event log did not take %d batches (%s); the producer is replaced", group.size(),
                        e.toString());
                if (producer != null) {
                    producer.close(Duration.ZERO);
                    producer = null;
                }
                group.forEach(pending -> pending.committed().completeExceptionally(e));
            }
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** The requests waiting now (waiting a moment for the first), without those whose caller gave up. */
    private List<Pending> nextGroup() {
        List<Pending> group = new ArrayList<>();
        try {
            Pending next = waiting.poll(500, TimeUnit.MILLISECONDS);
            int records = 0;
            while (next != null) {
                if (!next.committed().isDone()) {
                    group.add(next);
                    records += next.records().size();
                }
                if (records >= MAX_GROUP_RECORDS) {
                    break;
                }
                next = waiting.poll();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return group;
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

    @PreDestroy
    void stop() {
        running = false;
        for (Thread thread : threads) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Pending left;
        while ((left = waiting.poll()) != null) {
            left.committed().cancel(false);
        }
        KafkaProducer<String, String> producer = sharedProducer.getAndSet(null);
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
