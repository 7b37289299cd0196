package dev.daff.slo.ingest;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * How much text one poll of the SLI topic may decode. The broker bounds a fetch only compressed, so a poll of 5,000
 * records each just under {@link SliTextDeserializer#DECODED_BYTES}, gzipped by their producer to a kilobyte, was
 * gigabytes of text in a heap of 384 MiB: the JVM exited on it, and after every restart, on every replica the
 * partitions moved to, the same poll did it again. Past the budget the deserializer leaves a record undecoded
 * ({@link #DEFERRED}); its partition is counted up to it and read again from it at the next poll, which decodes at
 * least its first record. Decoding runs inside {@code poll}, on the polling thread: the budget is that thread's.
 */
final class PollBudget {

    /** Decoded bytes per poll: a fetch of 4 MiB of uncompressed records is about 4 MiB of text, several times over. */
    static final long DECODED_BYTES_PER_POLL = 32L * 1024 * 1024;

    /**
     * What the deserializer returns for a key or value past the budget: this very instance, which no record's text
     * can be (compared by identity).
     */
    @SuppressWarnings("StringOperationCanBeSimplified")
    static final String DEFERRED = new String("daff: not decoded in this poll");

    private static final ThreadLocal<long[]> SPENT = ThreadLocal.withInitial(() -> new long[1]);

    private PollBudget() {
    }

    /** A poll begins: nothing decoded yet. */
    static void startPoll() {
        SPENT.get()[0] = 0;
    }

    /** Whether {@code bytes} more may be decoded in this poll (the first always may), taking them if so. */
    static boolean take(int bytes) {
        long[] spent = SPENT.get();
        if (spent[0] > 0 && spent[0] + bytes > DECODED_BYTES_PER_POLL) {
            return false;
        }
        spent[0] += bytes;
        return true;
    }

    /** The offset of each partition's first record left undecoded in {@code records}; empty when none was. */
    static Map<TopicPartition, Long> deferredFrom(ConsumerRecords<String, String> records) {
        Map<TopicPartition, Long> deferred = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<String, String> record : records.records(partition)) {
                if (isDeferred(record)) {
                    deferred.put(partition, record.offset());
                    break;
                }
            }
        }
        return deferred;
    }

    @SuppressWarnings("StringEquality")
    private static boolean isDeferred(ConsumerRecord<String, String> record) {
        return record.value() == DEFERRED || record.key() == DEFERRED;
    }
}
