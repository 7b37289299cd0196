package dev.daff.slo.ingest;

import java.util.Set;

import org.apache.kafka.common.TopicPartition;

/**
 * The records of these partitions cannot be stored for now: they go back to their stored offsets and are read again
 * after {@link HeldPartitions#HOLD}, while the replica's other partitions go on counting. Failing the consumer instead
 * made a new one for each retry and took the group through two rebalances each time, every replica's partitions
 * waiting through them.
 */
abstract class HeldBack extends RuntimeException {

    private final Set<TopicPartition> partitions;

    HeldBack(String message, Set<TopicPartition> partitions, Throwable cause) {
        super(message, cause);
        this.partitions = Set.copyOf(partitions);
    }

    Set<TopicPartition> partitions() {
        return partitions;
    }
}
