package dev.daff.slo.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.daff.events.SliObservedBatch.Observation;

class MinuteSumsTest {

    private static final Instant MINUTE = Instant.parse("2026-12-06T10:15:00Z");

    @Test
    void observationsAreSummedPerMinuteAtTheMinutesEarliestInstantInTheOrderTheMinutesFirstAppear() {
        MinuteSums.Summed summed = MinuteSums.of(List.of(
                new Observation(MINUTE.plusSeconds(70), 1, 1),
                new Observation(MINUTE.plusSeconds(30), 0, 1),
                new Observation(MINUTE.plusSeconds(61), 1, 2),
                new Observation(MINUTE.plusSeconds(5), 3, 3),
                new Observation(MINUTE.minusMillis(1), 1, 1)));
        assertEquals(List.of(new Observation(MINUTE.plusSeconds(61), 2, 3), new Observation(MINUTE.plusSeconds(5), 3, 4),
                new Observation(MINUTE.minusMillis(1), 1, 1)), summed.observations());
        assertEquals("0:2,1:2,4:1", summed.header());
        MinuteSums.Positions positions = MinuteSums.read(summed.header(), 3);
        assertArrayEquals(new int[] { 0, 1, 4 }, positions.first());
        assertArrayEquals(new int[] { 2, 2, 1 }, positions.count());
    }

    @Test
    void aRecordWhoseMinutesAreAllDifferentIsWrittenAsItIs() {
        assertNull(MinuteSums.of(List.of(new Observation(MINUTE, 1, 1), new Observation(MINUTE.plusSeconds(60), 1, 1))));
    }

    /** A producer of its own may send anything in the header: what does not describe the record is not believed. */
    @Test
    void aHeaderThatDoesNotDescribeTheRecordIsIgnored() {
        assertNull(MinuteSums.read(null, 1));
        assertNull(MinuteSums.read("0:2", 2), "one entry per observation");
        assertNull(MinuteSums.read("0:2,2:1", 1));
        assertNull(MinuteSums.read("0:0", 1), "a sum stands for at least one observation");
        assertNull(MinuteSums.read("1000:1", 1), "a record holds at most 1,000");
        assertNull(MinuteSums.read("0:999,1:2", 2), "together at most 1,000");
        assertNull(MinuteSums.read("-1:1", 1));
        assertNull(MinuteSums.read("0:+1", 1));
        assertNull(MinuteSums.read(":1", 1));
        assertNull(MinuteSums.read("0:", 1));
        assertNull(MinuteSums.read("0:99999999999", 1));
        assertNull(MinuteSums.read("0:1,", 1));
        assertArrayEquals(new int[] { 1000 }, MinuteSums.read("0:1000", 1).count());
    }
}
