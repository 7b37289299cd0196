package dev.daff.slo.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

import dev.daff.events.SliEvent;
import dev.daff.events.Topics;
import dev.daff.kit.kafka.KafkaClients;
import dev.daff.kit.problem.Problem;
import dev.daff.kit.problem.ProblemException;
import dev.daff.slo.ingest.SliIngestResource.Observation;

/**
 * The HTTP ingest path: validates a batch whole (one bad item refuses the batch and stores nothing), then
 * puts it on {@link Topics#SLI_EVENTS} so one consumer does all the counting. Answers only after Kafka has
 * acknowledged every item, so an accepted batch is never lost.
 *
 * <p>Batches go out through a small pool of transactional producers, so concurrent requests do not queue
 * behind one lock. A producer that failed in any way is closed and replaced, never reused: after a timed-out
 * commit a transactional producer can neither abort nor begin again, and keeping it would refuse all ingest
 * until a restart.
 */
@ApplicationScoped
public class SliPublisher {

    private static final Logger LOG = Logger.getLogger(SliPublisher.class);
    public static final int MAX_BATCH = 10_000;
    /** Kafka header naming the client's Idempotency-Key: the consumer counts such an event once per event id. */
    public static final String IDEMPOTENCY_HEADER = "daff-idempotency-key";
    /** What a client is told to wait before retrying while the event log is away. */
    static final int RETRY_AFTER_SECONDS = 5;

    private final SloCatalog catalog;
    private final KafkaClients kafkaClients;
    private final ObjectWriter eventWriter;
    private final Clock clock;
    private final BlockingDeque<KafkaProducer<String, String>> idle = new LinkedBlockingDeque<>();
    private final Semaphore inUse;

    public SliPublisher(SloCatalog catalog, KafkaClients kafkaClients, ObjectMapper json, Clock clock,
            @ConfigProperty(name = "daff.sli.ingest.producers", defaultValue = "4") int poolSize) {
        this.catalog = catalog;
        this.kafkaClients = kafkaClients;
        this.eventWriter = json.writerFor(SliEvent.class);
        this.clock = clock;
        this.inUse = new Semaphore(poolSize);
    }

    /**
     * @param idempotencyKey the client's key for this batch, or null: a retried batch with the same key is
     *                       counted once
     */
    public int publish(String slo, List<Observation> observations, String idempotencyKey) {
        if (observations.size() > MAX_BATCH) {
            throw new ProblemException(413, "batch-too-large", "Batch too large",
                    "A batch holds at most " + MAX_BATCH + " observations; this one has " + observations.size() + ".");
        }
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
            throw ProblemException.invalidField("Idempotency-Key", "must be 1 to 200 characters");
        }
        Duration window = catalog.window(slo).orElseThrow(() -> ProblemException.notFound("SLO", slo));
        Instant now = clock.instant();
        List<Problem.FieldError> errors = new ArrayList<>();
        List<SliEvent> events = new ArrayList<>(observations.size());
        SliRules.MinuteTotals minuteTotals = new SliRules.MinuteTotals();
        UUID batchId = UUID.randomUUID();
        for (int i = 0; i < observations.size(); i++) {
            Observation observation = observations.get(i);
            if (observation == null) {
                errors.add(new Problem.FieldError("[" + i + "]", "must not be null"));
                continue;
            }
            Instant at = observation.at() == null ? now : observation.at();
            Optional<String> rejection = SliRules.rejection(observation.good(), observation.total(), at, now, window)
                    .or(() -> minuteTotals.add(at, observation.total()));
            if (rejection.isPresent()) {
                errors.add(new Problem.FieldError("[" + i + "]", rejection.get()));
            } else {
                String eventId = idempotencyKey == null ? eventIdInBatch(batchId, i)
                        : UUID.nameUUIDFromBytes((slo + '\u0000' + idempotencyKey + '\u0000' + i).getBytes(StandardCharsets.UTF_8))
                                .toString();
                events.add(SliEvent.observed(eventId, now, slo, at, observation.good(), observation.total()));
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(400, "invalid-sli-events", "Invalid SLI events",
                    errors.size() + " of " + observations.size() + " observations are invalid; none was stored.", errors);
        }
        send(events, idempotencyKey);
        return events.size();
    }

    /**
     * One Kafka transaction per batch: the consumer reads committed records only, so a batch that fails
     * half-way is invisible. A batch whose commit timed out may still have been committed; a client that
     * sends an Idempotency-Key can retry it without counting it twice.
     */
    private void send(List<SliEvent> events, String idempotencyKey) {
        List<ProducerRecord<String, String>> records = new ArrayList<>(events.size());
        for (SliEvent event : events) {
            ProducerRecord<String, String> record = new ProducerRecord<>(Topics.SLI_EVENTS, event.slo(), write(event));
            if (idempotencyKey != null) {
                record.headers().add(IDEMPOTENCY_HEADER, idempotencyKey.getBytes(StandardCharsets.UTF_8));
            }
            records.add(record);
        }
        acquireSlot();
        KafkaProducer<String, String> producer = null;
        try {
            producer = idle.pollFirst();
            if (producer == null) {
                producer = createProducer();
            }
            producer.beginTransaction();
            for (ProducerRecord<String, String> record : records) {
                producer.send(record);
            }
            producer.commitTransaction();
            idle.offerFirst(producer);
        } catch (RuntimeException e) {
            // Whatever failed (broker away, timed-out commit, fenced producer), this producer is not trusted again.
            LOG.warnf("SLI ingest: the event log did not take a batch (%s); the producer is replaced", e.toString());
            if (producer != null) {
                producer.close(Duration.ZERO);
            }
            throw unavailable();
        } finally {
            inUse.release();
        }
    }

    /**
     * A batch's events share one random UUID with their index in its low 16 bits (a batch holds at most
     * {@link #MAX_BATCH} events): unique, and one {@code SecureRandom} call per batch instead of one per event,
     * which four request threads otherwise queue for.
     */
    private static String eventIdInBatch(UUID batchId, int index) {
        return new UUID(batchId.getMostSignificantBits(), (batchId.getLeastSignificantBits() & ~0xFFFFL) | index).toString();
    }

    private String write(SliEvent event) {
        try {
            return eventWriter.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an SLI event cannot be written as JSON", e);
        }
    }

    private void acquireSlot() {
        try {
            if (!inUse.tryAcquire(10, TimeUnit.SECONDS)) {
                throw unavailable();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable();
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

    private static ProblemException unavailable() {
        return ProblemException.unavailable("ingest-unavailable", "Ingest unavailable",
                "The event log did not acknowledge the batch; nothing is guaranteed stored. Retry the whole batch "
                        + "(with the same Idempotency-Key, so that it counts once).",
                RETRY_AFTER_SECONDS);
    }

    @PreDestroy
    void close() {
        KafkaProducer<String, String> producer;
        while ((producer = idle.pollFirst()) != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
