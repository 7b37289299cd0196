package dev.daff.kit.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.jboss.logging.Logger;

import dev.daff.kit.kafka.KafkaClients;

/** One dead-letter replay's reading and sending, under the lock {@link DeadLetters#replay} holds. */
final class DeadLetterResend {

    private static final Logger LOG = Logger.getLogger(DeadLetterResend.class);

    private DeadLetterResend() {
    }

    /** A dead letter being sent back: its place, and the send (null when it names no source topic). */
    private record Resend(TopicPartition partition, long offset, Future<RecordMetadata> send) {
    }

    /**
     * Sends up to {@code max} records that wait on {@code topic} back to the topic they came from, in order, and
     * answers how many; the replay group's offset moves only past records the source topic acknowledged.
     */
    static int sendBack(KafkaClients kafkaClients, String replayGroup, String topic, int max) {
        int replayed = 0;
        try (KafkaConsumer<String, String> consumer = kafkaClients.consumer(replayGroup, "daff-dead-letter-replay");
                KafkaProducer<String, String> producer = kafkaClients.producer("daff-dead-letter-replay")) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (replayed < max && System.nanoTime() < deadline) {
                var records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty() && readToTheEnd(consumer)) {
                    break;
                }
                List<Resend> resends = new ArrayList<>();
                for (ConsumerRecord<String, String> record : records) {
                    if (replayed == max) {
                        break;
                    }
                    Header source = record.headers().lastHeader(DeadLetterHeaders.SOURCE_TOPIC);
                    Future<RecordMetadata> send = null;
                    if (source != null) {
                        send = producer.send(new ProducerRecord<>(new String(source.value(), StandardCharsets.UTF_8),
                                null, recordTime(record), record.key(), record.value(), replayedHeaders(record)));
                        replayed++;
                    } else {
                        LOG.warnf("dead letter %s-%d@%d names no source topic; skipped", record.topic(),
                                record.partition(), record.offset());
                    }
                    resends.add(new Resend(new TopicPartition(record.topic(), record.partition()), record.offset(), send));
                }
                commitAcknowledged(consumer, resends);
            }
        } catch (Exception e) {
            LOG.warnf("dead-letter replay of %s stopped after %d records: %s", topic, replayed, e.toString());
            throw DeadLetters.unavailable();
        }
        return replayed;
    }

    /**
     * Moves the replay group past each partition's dead letters up to the first whose send failed, then answers that
     * failure: a replay retried later (after the consumers forgot the event ids) sends again only what did not land.
     */
    private static void commitAcknowledged(KafkaConsumer<String, String> consumer, List<Resend> resends)
            throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetAndMetadata> done = new LinkedHashMap<>();
        Set<TopicPartition> failed = new HashSet<>();
        ExecutionException failure = null;
        for (Resend resend : resends) {
            if (failed.contains(resend.partition())) {
                continue;
            }
            try {
                if (resend.send() != null) {
                    resend.send().get(30, TimeUnit.SECONDS);
                }
                done.put(resend.partition(), new OffsetAndMetadata(resend.offset() + 1));
            } catch (ExecutionException | TimeoutException e) {
                failed.add(resend.partition());
                failure = failure != null ? failure : new ExecutionException(e);
            }
        }
        if (!done.isEmpty()) {
            consumer.commitSync(done);
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Whether every assigned partition has been read to its end: an empty poll alone may come before the first fetch. */
    private static boolean readToTheEnd(KafkaConsumer<String, String> consumer) {
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) {
            return false;
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(assigned);
        return assigned.stream().allMatch(partition -> consumer.position(partition) >= ends.get(partition));
    }

    /** The dead letter's headers but the refusal's own, so a record refused again says only why this time. */
    private static List<Header> replayedHeaders(ConsumerRecord<String, String> record) {
        List<Header> kept = new ArrayList<>();
        for (Header header : record.headers()) {
            if (!header.key().startsWith("dead-letter-") && !header.key().startsWith("daff-rejection")) {
                kept.add(header);
            }
        }
        return kept;
    }

    /** The refused record's own time when the dead letter says it ({@link DeadLetterHeaders#RECORD_TIME}), else none. */
    private static Long recordTime(ConsumerRecord<String, String> deadLetter) {
        Header time = deadLetter.headers().lastHeader(DeadLetterHeaders.RECORD_TIME);
        String text = time == null || time.value() == null ? "" : new String(time.value(), StandardCharsets.UTF_8);
        return text.matches("\\d{1,15}") ? Long.valueOf(text) : null;
    }
}
