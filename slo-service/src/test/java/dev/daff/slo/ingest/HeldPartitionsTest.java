package dev.daff.slo.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import dev.daff.events.Topics;

class HeldPartitionsTest {

    /**
     * A batch that fails for an unknown reason is stored bucket by bucket after five failures in a row — of its own
     * partition. One count for the replica started again whenever another partition stored in between (its leader on
     * another broker, its records in polls of their own), and the failing batch was tried whole for ever, a new consumer
     * each time.
     */
    @Test
    void failuresInARowAreCountedPerPartitionAndOnlyItsOwnStoreEndsTheRun() {
        HeldPartitions held = new HeldPartitions();
        TopicPartition failing = new TopicPartition(Topics.SLI_EVENTS, 1);
        TopicPartition storing = new TopicPartition(Topics.SLI_EVENTS, 2);
        for (int tries = 1; tries <= 4; tries++) {
            assertEquals(tries, held.failedUnknown(List.of(failing)));
            held.stored(List.of(storing));
        }
        assertEquals(5, held.failedUnknown(List.of(failing, storing)), "the most of any partition of the batch");
        held.forget(List.of(failing, storing)); // the consumer made anew after the failure revokes every partition
        assertEquals(6, held.failedUnknown(List.of(failing)));
        assertEquals(2, held.failedUnknown(List.of(storing)));
        held.stored(List.of(failing));
        assertEquals(1, held.failedUnknown(List.of(failing)));
    }
}
