package dev.daff.slo.ingest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** When a replica may trust a silence: once counting has reached end offsets it noted, and not before. */
class CountedUpToTest {

    private static final TopicPartition PARTITION = new TopicPartition("daff.sli-events", 0);

    private final MockConsumer<String, String> consumer = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
    // Checks whenever asked; a confirmation counts for an hour, so only whether one happened is tested.
    private final CountedUpTo countedUpTo = new CountedUpTo(Duration.ZERO, Duration.ofHours(1), true,
            new SimpleMeterRegistry());

    @Test
    void aConsumerSteadilyBehindStillConfirmsEachNoteItReaches() {
        assign(10);
        consumer.seek(PARTITION, 0);
        countedUpTo.check(consumer);
        assertFalse(countedUpTo.complete(), "nothing known before a note is reached");
        Instant now = Instant.parse("2026-12-06T04:00:00Z");
        assertTrue(countedUpTo.countedAt(now, 0).isBefore(now.minus(Duration.ofHours(1))), "older than complete-within");

        consumer.updateEndOffsets(Map.of(PARTITION, 20L)); // more arrives while the consumer works
        countedUpTo.check(consumer);
        assertFalse(countedUpTo.complete(), "the note at 10 is not reached at 0");

        consumer.seek(PARTITION, 12); // still 8 behind the end, but past the note
        countedUpTo.check(consumer);
        assertTrue(countedUpTo.complete(), "all sent before the note is counted");
        assertTrue(countedUpTo.countedAt(now, 0).isAfter(now.minus(Duration.ofHours(1))), "as of when the note was taken");
    }

    @Test
    void partitionsGainedAreUnknownUntilANoteTakenAfterIsReached() {
        assign(0);
        countedUpTo.check(consumer);
        countedUpTo.check(consumer);
        assertTrue(countedUpTo.complete());

        // A rebalance hands this replica a partition with another replica's backlog.
        TopicPartition gained = new TopicPartition("daff.sli-events", 1);
        consumer.assign(List.of(PARTITION, gained));
        consumer.updateBeginningOffsets(Map.of(gained, 0L));
        consumer.updateEndOffsets(Map.of(PARTITION, 0L, gained, 500L));
        consumer.seek(gained, 0);
        countedUpTo.assigned();
        assertFalse(countedUpTo.complete());
        countedUpTo.check(consumer);
        countedUpTo.check(consumer);
        assertFalse(countedUpTo.complete(), "the backlog is not counted yet");
        consumer.seek(gained, 500);
        countedUpTo.check(consumer);
        assertTrue(countedUpTo.complete());
    }

    @Test
    void aConsumerWithoutPartitionsHasNothingToWaitForAndConfirmsNothingForPartitionsItGetsLater() {
        countedUpTo.check(consumer);
        assertTrue(countedUpTo.complete(), "nothing to count here");
        assign(300);
        consumer.seek(PARTITION, 0);
        countedUpTo.assigned();
        countedUpTo.check(consumer);
        countedUpTo.check(consumer);
        assertFalse(countedUpTo.complete(), "what was true of no partitions says nothing of these");
    }

    /**
     * A partition held back (its dead-letter topic refusing writes, a backlog in one SLO) held back the whole replica:
     * no NO_DATA and no alert resolving for any SLO on it, however far the others' partitions were counted. Now only
     * the SLOs counted in the held partition wait.
     */
    @Test
    void aPartitionHeldBackHoldsBackOnlyItself() {
        TopicPartition held = assignAnotherAtZeroOf30(40);
        countedUpTo.check(consumer); // partition 0 is counted to its end; the held one stays where it was
        assertTrue(countedUpTo.complete(0), "what was sent to partition 0 is counted");
        assertFalse(countedUpTo.complete(1), "partition 1 is not");
        assertFalse(countedUpTo.complete(), "the replica as a whole is behind, and says so");
        Instant now = Instant.parse("2026-12-07T23:00:00Z");
        assertTrue(countedUpTo.countedAt(now, 0).isAfter(now.minus(Duration.ofHours(1))));
        assertTrue(countedUpTo.countedAt(now, 1).isBefore(now.minus(Duration.ofHours(1))));

        consumer.seek(held, 30);
        countedUpTo.check(consumer);
        assertTrue(countedUpTo.complete(1));
        assertTrue(countedUpTo.complete(0), "a partition confirmed stays so while its next note stands");
        assertTrue(countedUpTo.complete());
    }

    /**
     * A producer that keys by service puts an SLO's events on another partition, from where they are forwarded: while
     * that partition is behind, the SLO's events may wait in it, so its SLOs are not judged complete either.
     */
    @Test
    void aPartitionThatForwardedRecordsHoldsBackEverySloItMayHoldRecordsOf() {
        TopicPartition forwarding = assignAnotherAtZeroOf30(40);
        countedUpTo.check(consumer);
        assertTrue(countedUpTo.complete(0));

        countedUpTo.forwarded(Map.of(2, java.util.Set.of(1)));
        assertTrue(countedUpTo.complete(0), "partition 1 forwarded records to partition 2's SLOs, not to 0's");
        countedUpTo.forwarded(Map.of(0, java.util.Set.of(1)));
        assertFalse(countedUpTo.complete(0), "partition 1 forwarded records to partition 0's SLOs and is behind");
        Instant now = Instant.parse("2026-12-08T00:30:00Z");
        assertTrue(countedUpTo.countedAt(now, 0).isBefore(now.minus(Duration.ofHours(1))));
        consumer.seek(forwarding, 30);
        countedUpTo.check(consumer);
        assertTrue(countedUpTo.complete(0));
    }

    /**
     * Assigns partition 0, counted to its end at {@code end}, and partition 1, with 30 records none of which is counted,
     * and has the first notes taken; answers partition 1.
     */
    private TopicPartition assignAnotherAtZeroOf30(long end) {
        TopicPartition other = new TopicPartition("daff.sli-events", 1);
        consumer.assign(List.of(PARTITION, other));
        consumer.updateBeginningOffsets(Map.of(PARTITION, 0L, other, 0L));
        consumer.updateEndOffsets(Map.of(PARTITION, end, other, 30L));
        consumer.seek(PARTITION, end);
        consumer.seek(other, 0);
        countedUpTo.assigned();
        countedUpTo.check(consumer);
        return other;
    }

    private void assign(long end) {
        consumer.assign(List.of(PARTITION));
        consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
        consumer.updateEndOffsets(Map.of(PARTITION, end));
    }
}
