package dev.daff.slo.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

import dev.daff.events.SliEvent;
import dev.daff.events.SliObservedBatch;
import dev.daff.events.Topics;
import dev.daff.kit.kafka.KafkaClients;
import dev.daff.kit.messaging.DeadLetterHeaders;
import dev.daff.slo.ingest.SliBatch.Forwarded;
import dev.daff.slo.ingest.SliBatch.Refused;
import dev.daff.slo.ingest.SliBatch.Source;

/**
 * Puts SLI events that will never be counted on the dead-letter topic, each with the reason, and records read on a
 * partition not their SLO's back on the topic under their SLO's key.
 */
@ApplicationScoped
public class SliDeadLetters {

    public static final String REJECTION_HEADER = "daff-rejection";
    /**
     * Bounds that keep every dead letter under the producer's 1 MiB request limit whatever the record held: a record
     * that cannot be dead-lettered would be read again at every restart and stop its partition's counting.
     */
    static final int MAX_KEY_CHARS = 256;
    static final int MAX_REASON_CHARS = 1_000;
    static final int MAX_OVERSIZED_VALUE_CHARS = 64 * 1024;
    /** The headers a forwarded copy keeps (those the consumer reads), each at most this long; a producer's others stay. */
    private static final List<String> FORWARDED_HEADERS = List.of(SliPublisher.IDEMPOTENCY_HEADER,
            SliObservedBatch.BATCH_ID_HEADER, SliObservedBatch.FIRST_INDEX_HEADER, SliObservedBatch.ACCEPTED_AT_HEADER,
            MinuteSums.HEADER);
    private static final int MAX_HEADER_BYTES = 1_024;

    private final KafkaClients kafkaClients;
    private final ObjectWriter eventWriter;
    /** Used by the consumer thread only. */
    private KafkaProducer<String, String> producer;

    public SliDeadLetters(KafkaClients kafkaClients, ObjectMapper json) {
        this.kafkaClients = kafkaClients;
        this.eventWriter = json.writerFor(SliEvent.class);
    }

    /**
     * The refused event as a record of its own: one observation of a batch goes alone, as an {@link SliEvent}, so a
     * replay once the cause is fixed counts just it.
     */
    private String value(Source source) {
        if (source.batch() == null) {
            String value = source.record().value();
            // Only a record over SliRecords' bound is this long; its head is enough to see what sent it.
            return value != null && value.length() > SliRecords.MAX_RECORD_CHARS
                    ? value.substring(0, MAX_OVERSIZED_VALUE_CHARS) : value;
        }
        if (source.batch().observations().get(source.index()) == null) {
            return "null";
        }
        SliEvent event = source.batch().event(source.index());
        // An event without "at" happened at its record's time, which a dead letter's own record does not carry. A
        // batch's SLO is its record's key, as long as the key: cut as the key is (no SLO has so long a name), or the
        // JSON of a key of quotes (escaping doubles each) would not fit a dead letter.
        // A minute's sum goes under the id of the first observation it stands for.
        String eventId = event.eventId() == null ? null
                : source.batch().batchId() + ":" + (source.batch().firstIndex() + source.position());
        event = SliEvent.observed(eventId, event.occurredAt(), head(event.slo(), MAX_KEY_CHARS),
                event.at() == null ? Instant.ofEpochMilli(source.record().timestamp()) : event.at(), event.good(),
                event.total());
        try {
            return eventWriter.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an SLI event cannot be written as JSON", e);
        }
    }

    private static String head(String text, int maxChars) {
        return text == null || text.length() <= maxChars ? text : text.substring(0, maxChars);
    }

    /** Returns once the broker has every record, so the offsets that skip them may commit; throws otherwise. */
    void send(List<Refused> refused) {
        List<ProducerRecord<String, String>> rejects = new ArrayList<>(refused.size());
        Set<TopicPartition> from = new HashSet<>();
        for (Refused one : refused) {
            ConsumerRecord<String, String> record = one.source().record();
            from.add(new TopicPartition(record.topic(), record.partition()));
            ProducerRecord<String, String> reject = new ProducerRecord<>(Topics.SLI_EVENTS_DEAD_LETTER,
                    head(record.key(), MAX_KEY_CHARS), value(one.source()));
            // An event without "at" happened at its record's time: a replay sends it back with that time, to count it
            // then, not at the replay (the dead letter's own time stays the refusal's, for the topic's retention).
            reject.headers().add(DeadLetterHeaders.RECORD_TIME,
                    Long.toString(record.timestamp()).getBytes(StandardCharsets.UTF_8));
            reject.headers().add(REJECTION_HEADER, head(one.reason(), MAX_REASON_CHARS).getBytes(StandardCharsets.UTF_8));
            reject.headers().add(DeadLetterHeaders.SOURCE_TOPIC, record.topic().getBytes(StandardCharsets.UTF_8));
            String origin = origin(record);
            reject.headers().add(SliRecords.ORIGIN_HEADER, (one.source().batch() == null ? origin
                    : origin + "#" + one.source().index()).getBytes(StandardCharsets.UTF_8));
            rejects.add(reject);
        }
        sendAll(rejects, from);
    }

    /**
     * Puts each record back on its topic keyed by its SLO, as it came (value, timestamp, the headers daff reads) and
     * marked with where it was first read ({@link SliRecords#ORIGIN_HEADER}); returns once the broker has them all, so
     * the offsets that skip them may commit.
     */
    void forward(List<Forwarded> forwarded) {
        List<ProducerRecord<String, String>> copies = new ArrayList<>(forwarded.size());
        Set<TopicPartition> readFrom = new HashSet<>();
        for (Forwarded one : forwarded) {
            ConsumerRecord<String, String> from = one.record();
            readFrom.add(new TopicPartition(from.topic(), from.partition()));
            // A record without a time (-1) goes without one, stamped by the broker: the producer refuses a negative one.
            ProducerRecord<String, String> copy = new ProducerRecord<>(from.topic(), null,
                    from.timestamp() < 0 ? null : from.timestamp(), one.slo(), from.value());
            for (String name : FORWARDED_HEADERS) {
                Header header = from.headers().lastHeader(name);
                if (header != null && header.value() != null && header.value().length <= maxBytes(name)) {
                    copy.headers().add(header);
                }
            }
            copy.headers().add(SliRecords.ORIGIN_HEADER, origin(from).getBytes(StandardCharsets.UTF_8));
            copies.add(copy);
        }
        sendAll(copies, readFrom);
    }

    /** A minute-sums header may describe a thousand sums, {@code 999:1} each; any other fits in a kilobyte. */
    private static int maxBytes(String header) {
        return header.equals(MinuteSums.HEADER) ? SliObservedBatch.MAX_OBSERVATIONS * 9 : MAX_HEADER_BYTES;
    }

    /** Where the record's event was first read: its own origin if it is a copy already, else here. */
    static String origin(ConsumerRecord<String, String> record) {
        Header origin = record.headers().lastHeader(SliRecords.ORIGIN_HEADER);
        return origin != null && origin.value() != null && origin.value().length <= MAX_HEADER_BYTES
                ? new String(origin.value(), StandardCharsets.UTF_8)
                : record.topic() + "/" + record.partition() + "/" + record.offset();
    }

    /**
     * The broker did not take what records of these partitions needed written (a dead letter, a forwarded copy): their
     * offsets cannot move past them, but the other partitions of the poll need not wait for them.
     */
    static final class Unpublished extends HeldBack {
        Unpublished(Set<TopicPartition> partitions, Throwable cause) {
            super("the broker did not take what partitions " + partitions + " needed written: " + cause, partitions,
                    cause);
        }
    }

    private void sendAll(List<ProducerRecord<String, String>> records, Set<TopicPartition> readFrom) {
        if (records.isEmpty()) {
            return;
        }
        if (producer == null) {
            producer = kafkaClients.producer("daff-sli-dead-letters");
        }
        List<Future<RecordMetadata>> sends = new ArrayList<>(records.size());
        for (ProducerRecord<String, String> record : records) {
            sends.add(producer.send(record));
        }
        try {
            for (Future<RecordMetadata> send : sends) {
                send.get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            KafkaProducer<String, String> failed = producer;
            producer = null;
            failed.close(Duration.ZERO);
            throw new Unpublished(readFrom, e);
        }
    }
}
