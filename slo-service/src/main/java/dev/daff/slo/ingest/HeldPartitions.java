package dev.daff.slo.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Partitions whose records could not be stored for now ({@link HeldBack}: the broker did not take what they needed
 * written, a dead letter or a forwarded copy; or none of their buckets could be stored for a reason nobody
 * recognises): each goes back to its stored offset and is paused for {@link #HOLD}, then read
 * again, while the replica's other partitions go on counting. Failing the whole poll instead stopped every SLO the
 * replica counts for one invalid event, and each retry made a new consumer, taking the group through two rebalances.
 * Only the consumer thread uses it.
 */
final class HeldPartitions {

    static final Duration HOLD = Duration.ofSeconds(5);

    /** Held partitions and when ({@link System#nanoTime}) each is read again. */
    private final Map<TopicPartition, Long> heldUntil = new HashMap<>();
    /**
     * Stores of each partition that failed for an unknown reason since it last stored (transient failures between them
     * aside). Per partition: one count for the replica started again whenever another partition stored, and a batch
     * that can never be stored was tried whole for ever, a new consumer each time. Kept through a rebalance (the
     * consumer made anew after a failure revokes every partition) and a hold, so a partition held because nothing of
     * its batch stored goes bucket by bucket at its next failure, not after five more; dropped when it stores.
     */
    private final Map<TopicPartition, Integer> unknownFailures = new HashMap<>();

    /** Sends each partition back to {@code stored} (the beginning when absent) and pauses it. */
    void hold(Consumer<?, ?> consumer, Collection<TopicPartition> partitions, Function<TopicPartition, Long> stored) {
        List<TopicPartition> assigned = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            if (!consumer.assignment().contains(partition)) {
                continue; // forwarded from a partition no longer ours: its new owner reads it from what was stored
            }
            Long next = stored.apply(partition);
            if (next == null) {
                consumer.seekToBeginning(List.of(partition));
            } else {
                consumer.seek(partition, next);
            }
            heldUntil.put(partition, System.nanoTime() + HOLD.toNanos());
            assigned.add(partition);
        }
        consumer.pause(assigned);
    }

    /** Resumes the partitions whose hold is over. */
    void resumeDue(Consumer<?, ?> consumer) {
        if (heldUntil.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        List<TopicPartition> due = new ArrayList<>();
        heldUntil.entrySet().removeIf(held -> {
            if (now - held.getValue() >= 0) {
                due.add(held.getKey());
                return true;
            }
            return false;
        });
        due.retainAll(consumer.assignment());
        consumer.resume(due);
    }

    /** One more store of these partitions failed for an unknown reason: answers the most failures in a row of any. */
    int failedUnknown(Collection<TopicPartition> partitions) {
        int most = 0;
        for (TopicPartition partition : partitions) {
            most = Math.max(most, unknownFailures.merge(partition, 1, Integer::sum));
        }
        return most;
    }

    /** These partitions' batch was stored. */
    void stored(Collection<TopicPartition> partitions) {
        if (!unknownFailures.isEmpty()) {
            partitions.forEach(unknownFailures::remove);
        }
    }

    /** A rebalance: a partition assigned again starts unpaused, from what was stored. */
    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(heldUntil::remove);
    }
}
