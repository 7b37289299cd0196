package dev.daff.slo.ingest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/** Part of a poll, to be counted now: the rest of it is read again later. */
final class PolledRecords {

    private PolledRecords() {
    }

    /** {@code records} without each partition's records from the offset {@code leftOut} gives it on. */
    static ConsumerRecords<String, String> upTo(ConsumerRecords<String, String> records, Map<TopicPartition, Long> leftOut) {
        Map<TopicPartition, List<ConsumerRecord<String, String>>> kept = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            long until = leftOut.getOrDefault(partition, Long.MAX_VALUE);
            List<ConsumerRecord<String, String>> ofPartition = new ArrayList<>();
            for (ConsumerRecord<String, String> record : records.records(partition)) {
                if (record.offset() >= until) {
                    break;
                }
                ofPartition.add(record);
            }
            if (!ofPartition.isEmpty()) {
                kept.put(partition, ofPartition);
            }
        }
        return new ConsumerRecords<>(kept, Map.of());
    }

    /** {@code records} without any of {@code partitions}' records. */
    static ConsumerRecords<String, String> without(ConsumerRecords<String, String> records, Set<TopicPartition> partitions) {
        Map<TopicPartition, Long> leftOut = new HashMap<>();
        partitions.forEach(partition -> leftOut.put(partition, Long.MIN_VALUE));
        return upTo(records, leftOut);
    }
}
