package dev.daff.slo.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import dev.daff.slo.ingest.PartitionOffsets.Fenced;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The fence on a poll's offsets, moved in one round trip: every partition moves, or, when any one of them was stored
 * by another replica meanwhile, the batch fails naming it and its transaction moves none.
 */
@QuarkusTest
class PartitionOffsetsTest {

    @Inject
    PartitionOffsets offsets;

    @Test
    void everyPartitionMovesFromWhatThisReplicaStoredLast() {
        String topic = topic();
        SortedMap<TopicPartition, Long> first = offsets(topic, Map.of(0, 10L, 1, 20L, 2, 30L));
        QuarkusTransaction.requiringNew().run(() -> offsets.moveAll(first, partition -> null));
        SortedMap<TopicPartition, Long> second = offsets(topic, Map.of(0, 11L, 1, 25L, 2, 31L));
        QuarkusTransaction.requiringNew().run(() -> offsets.moveAll(second, first::get));
        assertEquals(Map.of(0, 11L, 1, 25L, 2, 31L), stored(topic));
    }

    @Test
    void aPartitionStoredByAnotherReplicaMeanwhileFencesTheWholeBatch() {
        String topic = topic();
        SortedMap<TopicPartition, Long> first = offsets(topic, Map.of(0, 10L, 1, 20L, 2, 30L));
        QuarkusTransaction.requiringNew().run(() -> offsets.moveAll(first, partition -> null));
        // another replica counted partition 1 from 20 to 24 while this one believed it had stored 20
        QuarkusTransaction.requiringNew().run(() -> offsets.moveAll(offsets(topic, Map.of(1, 24L)), first::get));
        SortedMap<TopicPartition, Long> stale = offsets(topic, Map.of(0, 12L, 1, 22L, 2, 33L));
        Fenced fenced = assertThrows(Fenced.class,
                () -> QuarkusTransaction.requiringNew().run(() -> offsets.moveAll(stale, first::get)));
        assertEquals("partition " + topic + "-1 was counted by another replica meanwhile; this batch is rolled back",
                fenced.getMessage());
        assertEquals(Map.of(0, 10L, 1, 24L, 2, 30L), stored(topic), "partitions 0 and 2 rolled back with the batch");
    }

    private static String topic() {
        return "offsets-" + UUID.randomUUID();
    }

    private static SortedMap<TopicPartition, Long> offsets(String topic, Map<Integer, Long> next) {
        SortedMap<TopicPartition, Long> byPartition = new TreeMap<>(
                (a, b) -> Integer.compare(a.partition(), b.partition()));
        next.forEach((partition, offset) -> byPartition.put(new TopicPartition(topic, partition), offset));
        return byPartition;
    }

    private Map<Integer, Long> stored(String topic) {
        return QuarkusTransaction.requiringNew().call(() -> offsets.stored(topic));
    }
}
