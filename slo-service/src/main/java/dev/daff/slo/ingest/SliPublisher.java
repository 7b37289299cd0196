package dev.daff.slo.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.ProducerRecord;

import dev.daff.events.SliObservedBatch;
import dev.daff.events.Topics;
import dev.daff.kit.problem.Problem;
import dev.daff.kit.problem.ProblemException;
import dev.daff.slo.ingest.SliIngestResource.Observation;

/**
 * The HTTP ingest path: validates a batch whole (one bad item refuses the batch and stores nothing), then
 * puts it on {@link Topics#SLI_EVENTS} as {@link SliObservedBatch} records, so one consumer does all the counting.
 * Answers only after Kafka has acknowledged every record, so an accepted batch is never lost.
 *
 * <p>{@link SliTopicWriter} writes the records: a batch of one record as it is, a larger one in a Kafka transaction.
 */
@ApplicationScoped
public class SliPublisher {

    public static final int MAX_BATCH = 10_000;
    /**
     * Kafka header naming the client's Idempotency-Key: the consumer counts an {@link SliObservedBatch} record with it
     * once per SLO, key and first index, and an {@link dev.daff.events.SliEvent} with it once per event id.
     */
    public static final String IDEMPOTENCY_HEADER = "daff-idempotency-key";
    /** What a client is told to wait before retrying while the event log is away. */
    static final int RETRY_AFTER_SECONDS = 5;

    private final SloCatalog catalog;
    private final SliTopicWriter topicWriter;
    private final IngestKeys ingestKeys;
    private final Clock clock;

    public SliPublisher(SloCatalog catalog, SliTopicWriter topicWriter, IngestKeys ingestKeys, Clock clock) {
        this.catalog = catalog;
        this.topicWriter = topicWriter;
        this.ingestKeys = ingestKeys;
        this.clock = clock;
    }

    /**
     * @param idempotencyKey the client's key for this batch, or null: a retried batch with the same key is
     *                       counted once, a different batch with it refused
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
        // In whole milliseconds, as the record's accepted-at says it and the consumer judges it again: an observation
        // at the future edge half a millisecond in was accepted here and then dead-lettered by the consumer.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        List<SliObservedBatch.Observation> accepted = new ArrayList<>(observations.size());
        String[] rejections = null;
        long batchTotal = 0;
        for (int i = 0; i < observations.size(); i++) {
            Observation observation = observations.get(i);
            Instant at = observation == null || observation.at() == null ? now : observation.at();
            String rejection = observation == null ? "must not be null"
                    : SliRules.rejection(observation.good(), observation.total(), at, now, window).orElse(null);
            if (rejection != null) {
                rejections = rejections == null ? new String[observations.size()] : rejections;
                rejections[i] = rejection;
                accepted.add(null);
            } else {
                batchTotal += observation.total();
                accepted.add(new SliObservedBatch.Observation(at, observation.good(), observation.total()));
            }
        }
        // Only a batch whose totals add up past one minute's limit can overfill a minute on its own: most never
        // pay for the per-minute sums.
        if (batchTotal > SliRules.MAX_EVENTS_PER_MINUTE) {
            SliRules.MinuteTotals minuteTotals = new SliRules.MinuteTotals();
            for (int i = 0; i < accepted.size(); i++) {
                SliObservedBatch.Observation observation = accepted.get(i);
                Optional<String> overfull = observation == null ? Optional.empty()
                        : minuteTotals.add(observation.at(), observation.total());
                if (overfull.isPresent()) {
                    rejections = rejections == null ? new String[observations.size()] : rejections;
                    rejections[i] = overfull.get();
                }
            }
        }
        if (rejections != null) {
            List<Problem.FieldError> errors = new ArrayList<>();
            for (int i = 0; i < rejections.length; i++) {
                if (rejections[i] != null) {
                    errors.add(new Problem.FieldError("[" + i + "]", rejections[i]));
                }
            }
            throw new ProblemException(400, "invalid-sli-events", "Invalid SLI events",
                    errors.size() + " of " + observations.size() + " observations are invalid; none was stored.", errors);
        }
        if (idempotencyKey != null) {
            ingestKeys.claim(slo, idempotencyKey, observations, now);
        }
        send(slo, accepted, idempotencyKey, now);
        return accepted.size();
    }

    /**
     * One record per {@link SliObservedBatch#MAX_OBSERVATIONS} observations, on the log whole or not at all (one
     * record, or several in one transaction): the consumer never sees half a batch. A batch whose write timed out
     * may still have been stored; a client that sends an Idempotency-Key can retry it without
     * counting it twice (the consumer counts each record of a key once).
     */
    private void send(String slo, List<SliObservedBatch.Observation> observations, String idempotencyKey,
            Instant acceptedAt) {
        byte[] batchId = UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);
        byte[] accepted = Long.toString(acceptedAt.toEpochMilli()).getBytes(StandardCharsets.UTF_8);
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (int first = 0; first < observations.size(); first += SliObservedBatch.MAX_OBSERVATIONS) {
            List<SliObservedBatch.Observation> part = observations.subList(first,
                    Math.min(observations.size(), first + SliObservedBatch.MAX_OBSERVATIONS));
            MinuteSums.Summed summed = MinuteSums.of(part);
            ProducerRecord<String, String> record = new ProducerRecord<>(Topics.SLI_EVENTS, slo,
                    ObservationArrays.write(summed == null ? part : summed.observations()));
            if (summed != null) {
                record.headers().add(MinuteSums.HEADER, summed.header().getBytes(StandardCharsets.UTF_8));
            }
            record.headers().add(SliObservedBatch.BATCH_ID_HEADER, batchId);
            record.headers().add(SliObservedBatch.FIRST_INDEX_HEADER, String.valueOf(first).getBytes(StandardCharsets.UTF_8));
            record.headers().add(SliObservedBatch.ACCEPTED_AT_HEADER, accepted);
            if (idempotencyKey != null) {
                record.headers().add(IDEMPOTENCY_HEADER, idempotencyKey.getBytes(StandardCharsets.UTF_8));
            }
            records.add(record);
        }
        try {
            topicWriter.write(records);
        } catch (SliTopicWriter.Unavailable e) {
            throw unavailable();
        }
    }

    private static ProblemException unavailable() {
        return ProblemException.unavailable("ingest-unavailable", "Ingest unavailable",
                "The event log did not acknowledge the batch; nothing is guaranteed stored. Retry the whole batch "
                        + "(with the same Idempotency-Key, so that it counts once).",
                RETRY_AFTER_SECONDS);
    }
}
