package dev.daff.slo.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import dev.daff.events.SliEvent;
import dev.daff.events.SliObservedBatch;
import dev.daff.kit.json.UnicodeText;
import dev.daff.slo.ingest.SliBatch.Forwarded;
import dev.daff.slo.ingest.SliBatch.Observed;
import dev.daff.slo.ingest.SliBatch.Refused;
import dev.daff.slo.ingest.SliBatch.Source;

/**
 * Reads a polled batch of SLI records — single events and batches of one SLO's observations — into what will be
 * counted, what will not (and why), and where each partition goes on.
 */
@ApplicationScoped
public class SliRecords {

    /** A poll as read: the events to count, those refused, how many events it held, and the next offset of each partition. */
    record Read(List<Observed> observed, List<Refused> refused, List<Forwarded> forwarded, int events,
            Map<TopicPartition, Long> nextOffsets) {
    }

    /**
     * Where an event was first read ({@code topic/partition/offset}, and {@code #index} for one observation of a batch
     * record): the identity of a copy daff made of it — forwarded to its SLO's partition, or dead-lettered and
     * replayed — so that a copy made or replayed twice is counted once.
     */
    static final String ORIGIN_HEADER = "daff-origin";

    /**
     * The longest record value read, in characters: a thousand observations as daff writes them take about 55,000. The
     * broker bounds a record only compressed, so a producer's gzip can pass megabytes that would fill the heap when
     * parsed and could not be dead-lettered whole.
     */
    static final int MAX_RECORD_CHARS = 256 * 1024;
    /** The longest batch id taken as it is: with ":" and an index, an {@code eventId} within its 100 characters. */
    static final int MAX_BATCH_ID_CHARS = 64;

    private final SloCatalog catalog;
    private final ObjectReader eventReader;
    private final ObjectReader observationsReader;

    public SliRecords(SloCatalog catalog, ObjectMapper json) {
        this.catalog = catalog;
        this.eventReader = json.readerFor(SliEvent.class);
        this.observationsReader = json.readerFor(new TypeReference<List<SliObservedBatch.Observation>>() {
        });
    }

    Read read(ConsumerRecords<String, String> records, Instant now, int partitionCount) {
        Map<TopicPartition, Long> nextOffsets = new HashMap<>();
        List<Parsed> parsed = new ArrayList<>(records.count());
        Set<String> named = new HashSet<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<String, String>> ofPartition = records.records(partition);
            nextOffsets.put(partition, ofPartition.get(ofPartition.size() - 1).offset() + 1);
            for (ConsumerRecord<String, String> record : ofPartition) {
                Parsed one = parse(record);
                parsed.add(one);
                if (one.slo() != null) {
                    named.add(one.slo());
                }
            }
        }
        Map<String, Duration> windows = catalog.windows(named);
        Read read = sort(parsed, windows, now, partitionCount, nextOffsets);
        // HTTP ingest accepted what this replica refuses: another replica judged it by a window widened there, and
        // this one has not followed the change yet. Dead-lettered here, a batch answered 202 would not be counted.
        // (An SLO unknown here was just looked for in the database: no need to read it again.)
        Set<String> judgedElsewhere = new HashSet<>();
        for (Refused one : read.refused()) {
            ConsumerRecord<String, String> record = one.source().record();
            if (one.source().batch() != null && windows.containsKey(record.key())
                    && header(record, SliObservedBatch.ACCEPTED_AT_HEADER) != null) {
                judgedElsewhere.add(record.key());
            }
        }
        return judgedElsewhere.isEmpty() || !catalog.reread(judgedElsewhere) ? read
                : sort(parsed, catalog.windows(named), now, partitionCount, nextOffsets);
    }

    private static Read sort(List<Parsed> parsed, Map<String, Duration> windows, Instant now, int partitionCount,
            Map<TopicPartition, Long> nextOffsets) {
        List<Observed> observed = new ArrayList<>(parsed.size());
        List<Refused> refused = new ArrayList<>();
        List<Forwarded> forwarded = new ArrayList<>();
        int events = 0;
        for (Parsed one : parsed) {
            ConsumerRecord<String, String> record = one.record();
            String slo = one.slo();
            if (slo != null && windows.containsKey(slo)
                    && record.partition() != SloOwnership.partitionOf(slo, partitionCount)) {
                forwarded.add(new Forwarded(record, slo)); // read, validated and counted on its SLO's partition
                continue;
            }
            Instant recordTime = Instant.ofEpochMilli(record.timestamp());
            String idempotencyKey = header(record, SliPublisher.IDEMPOTENCY_HEADER);
            boolean idempotent = idempotencyKey != null;
            String origin = header(record, ORIGIN_HEADER);
            if (one.batch() != null) {
                events += readBatch(record, one.batch(), idempotent
                        ? IngestIds.ofBatch(one.batch().slo(), idempotencyKey, one.batch().firstIndex())
                        : IngestIds.ofCopy(origin), windows, recordTime, now, observed, refused);
                continue;
            }
            events++;
            SliEvent event = one.event();
            Optional<String> rejection = one.unreadable() != null ? Optional.of(one.unreadable())
                    : check(event, windows, recordTime, now);
            if (rejection.isPresent()) {
                refused.add(new Refused(Source.whole(record), rejection.get()));
                continue;
            }
            Instant at = event.at() == null ? recordTime : event.at();
            boolean identified = idempotent && event.eventId() != null && !event.eventId().isEmpty();
            observed.add(new Observed(Source.whole(record), event.slo(), SliRules.minuteOf(at), event.good(), event.total(),
                    identified ? IngestIds.ofEvent(event) : IngestIds.ofCopy(origin)));
        }
        return new Read(observed, refused, forwarded, events, nextOffsets);
    }

    private Parsed parse(ConsumerRecord<String, String> record) {
        String tooLong = SliTextDeserializer.tooLong(record);
        if (tooLong != null) {
            return new Parsed(record, null, null, tooLong);
        }
        try {
            return ObservationArrays.isArray(record.value())
                    ? new Parsed(record, null, batch(record, observations(record.value())), null)
                    : new Parsed(record, eventReader.readValue(record.value()), null, null);
        } catch (Exception e) {
            return new Parsed(record, null, null, "not a valid SLI event: " + e.getClass().getSimpleName());
        }
    }

    /** A batch's observations: as daff writes them read by hand, anything else by Jackson. */
    private List<SliObservedBatch.Observation> observations(String value) throws IOException {
        List<SliObservedBatch.Observation> canonical = ObservationArrays.readCanonical(value);
        return canonical != null ? canonical : observationsReader.readValue(value);
    }

    /**
     * A batch record as read: the SLO from its key, the batch's id and first index from its headers. An id longer than
     * daff writes (a UUID) stands for itself by a name-UUID of it: it goes into each refused observation's dead letter
     * as its {@code eventId}, and megabytes of it would make a dead letter that cannot be sent.
     */
    private static SliObservedBatch batch(ConsumerRecord<String, String> record, List<SliObservedBatch.Observation> observations) {
        String batchId = header(record, SliObservedBatch.BATCH_ID_HEADER);
        if (batchId != null && batchId.length() > MAX_BATCH_ID_CHARS) {
            batchId = UUID.nameUUIDFromBytes(batchId.getBytes(StandardCharsets.UTF_8)).toString();
        }
        String firstIndex = header(record, SliObservedBatch.FIRST_INDEX_HEADER);
        int first = firstIndex != null && firstIndex.matches("\\d{1,9}") ? Integer.parseInt(firstIndex) : 0;
        return new SliObservedBatch(record.key(), batchId, first, Instant.ofEpochMilli(record.timestamp()), observations);
    }

    /** A header's text; null when it is missing or has no value (Kafka allows one: read as text, it stopped counting). */
    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Reads the observations of one {@link SliObservedBatch} record, each counted or refused on its own; answers how many. */
    private static int readBatch(ConsumerRecord<String, String> record, SliObservedBatch batch, String idempotencyId,
            Map<String, Duration> windows, Instant recordTime, Instant now, List<Observed> observed, List<Refused> refused) {
        if (batch.observations() == null || batch.observations().isEmpty()) {
            refused.add(new Refused(Source.whole(record), "a batch needs at least one observation"));
            return 1;
        }
        Duration window = batch.slo() == null ? null : windows.get(batch.slo());
        Instant judgedAt = window == null ? now
                : SliRules.judgedAt(header(record, SliObservedBatch.ACCEPTED_AT_HEADER), now, window);
        MinuteSums.Positions summed = MinuteSums.read(header(record, MinuteSums.HEADER), batch.observations().size());
        int events = 0;
        for (int i = 0; i < batch.observations().size(); i++) {
            Source source = summed == null ? new Source(record, batch, i, i, 1)
                    : new Source(record, batch, i, summed.first()[i], summed.count()[i]);
            events += source.observations();
            SliObservedBatch.Observation observation = batch.observations().get(i);
            Instant at = observation == null || observation.at() == null ? recordTime : observation.at();
            Optional<String> rejection = observation == null ? Optional.of("an observation must not be null")
                    : batch.slo() == null ? Optional.of("a batch names its SLO in the record key")
                    : window == null ? Optional.of("unknown SLO '" + batch.slo() + "'")
                    : SliRules.rejection(observation.good(), observation.total(), at, judgedAt, window);
            if (rejection.isPresent()) {
                refused.add(new Refused(source, rejection.get()));
            } else {
                observed.add(new Observed(source, batch.slo(), SliRules.minuteOf(at), observation.good(),
                        observation.total(), idempotencyId));
            }
        }
        return events;
    }

    /** A record as read: its event or batch, or why it could not be read. */
    private record Parsed(ConsumerRecord<String, String> record, SliEvent event, SliObservedBatch batch, String unreadable) {
        /** The SLO it names (a batch in its key, an event in its body); null when it names none. */
        String slo() {
            return batch != null ? batch.slo() : event != null ? event.slo() : null;
        }
    }

    private static Optional<String> check(SliEvent event, Map<String, Duration> windows, Instant recordTime, Instant now) {
        if (event == null || event.slo() == null) {
            return Optional.of("slo is required");
        }
        if (event.eventId() != null && event.eventId().length() > 100) {
            return Optional.of("eventId must be at most 100 characters");
        }
        if (event.eventId() != null && UnicodeText.unpairedSurrogate(event.eventId()) >= 0) {
            // made UTF-8 for its id, half a surrogate pair is "?": two such ids were one, and the second was dropped
            return Optional.of("eventId is not Unicode text: it holds half of a UTF-16 surrogate pair");
        }
        Duration window = windows.get(event.slo());
        if (window == null) {
            return Optional.of("unknown SLO '" + event.slo() + "'");
        }
        Instant at = event.at() == null ? recordTime : event.at();
        return SliRules.rejection(event.good(), event.total(), at, now, window);
    }
}
