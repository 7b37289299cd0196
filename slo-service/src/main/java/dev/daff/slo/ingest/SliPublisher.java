package dev.daff.slo.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

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
 */
@ApplicationScoped
public class SliPublisher {

    public static final int MAX_BATCH = 10_000;

    private final SloCatalog catalog;
    private final KafkaClients kafkaClients;
    private final ObjectMapper json;
    private final Clock clock;
    private volatile KafkaProducer<String, String> producer;

    public SliPublisher(SloCatalog catalog, KafkaClients kafkaClients, ObjectMapper json, Clock clock) {
        this.catalog = catalog;
        this.kafkaClients = kafkaClients;
        this.json = json;
        this.clock = clock;
    }

    public int publish(String slo, List<Observation> observations) {
        if (observations.size() > MAX_BATCH) {
            throw new ProblemException(413, "batch-too-large", "Batch too large",
                    "A batch holds at most " + MAX_BATCH + " observations; this one has " + observations.size() + ".");
        }
        Duration window = catalog.window(slo).orElseThrow(() -> ProblemException.notFound("SLO", slo));
        Instant now = clock.instant();
        List<Problem.FieldError> errors = new ArrayList<>();
        List<SliEvent> events = new ArrayList<>(observations.size());
        for (int i = 0; i < observations.size(); i++) {
            Observation observation = observations.get(i);
            if (observation == null) {
                errors.add(new Problem.FieldError("[" + i + "]", "must not be null"));
                continue;
            }
            Instant at = observation.at() == null ? now : observation.at();
            Optional<String> rejection = SliRules.rejection(observation.good(), observation.total(), at, now, window);
            if (rejection.isPresent()) {
                errors.add(new Problem.FieldError("[" + i + "]", rejection.get()));
            } else {
                events.add(new SliEvent(slo, at, observation.good(), observation.total()));
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(400, "invalid-sli-events", "Invalid SLI events",
                    errors.size() + " of " + observations.size() + " observations are invalid; none was stored.", errors);
        }
        send(events);
        return events.size();
    }

    /**
     * One Kafka transaction per batch: the consumer reads committed records only, so a batch that fails
     * half-way is invisible and the client's retry cannot count anything twice.
     */
    private synchronized void send(List<SliEvent> events) {
        KafkaProducer<String, String> producer = producer();
        try {
            producer.beginTransaction();
            for (SliEvent event : events) {
                producer.send(new ProducerRecord<>(Topics.SLI_EVENTS, event.slo(), json.writeValueAsString(event)));
            }
            producer.commitTransaction();
        } catch (JsonProcessingException e) {
            abort(producer);
            throw new IllegalStateException(e);
        } catch (KafkaException e) {
            abort(producer);
            throw unavailable();
        }
    }

    private void abort(KafkaProducer<String, String> failed) {
        try {
            failed.abortTransaction();
        } catch (KafkaException e) {
            // A fenced or broken producer cannot abort; a new one (new transactional id) takes its place.
            failed.close(Duration.ZERO);
            producer = null;
        }
    }

    private static ProblemException unavailable() {
        return new ProblemException(503, "ingest-unavailable", "Ingest unavailable",
                "The event log did not acknowledge the batch; nothing is guaranteed stored. Retry the whole batch.");
    }

    private KafkaProducer<String, String> producer() {
        if (producer == null) {
            synchronized (this) {
                if (producer == null) {
                    KafkaProducer<String, String> created = kafkaClients.transactionalProducer(
                            "daff-sli-http-ingest", "daff-sli-http-" + UUID.randomUUID());
                    created.initTransactions();
                    producer = created;
                }
            }
        }
        return producer;
    }

    @PreDestroy
    void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
