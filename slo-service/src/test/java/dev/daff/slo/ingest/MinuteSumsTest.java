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

    /** A thousand observations over a thousand minutes, out of order: each minute found again wherever it recurs. */
    @Test
    void minutesRecurringOutOfOrderAreSummedTogether() {
        List<Observation> part = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            part.add(new Observation(MINUTE.plusSeconds(60L * ((i * 7) % 500) + i % 60), i % 2, 1));
        }
        MinuteSums.Summed summed = MinuteSums.of(part);
        assertEquals(500, summed.observations().size());
        assertEquals(1000, summed.observations().stream().mapToLong(Observation::total).sum());
        assertEquals(500, summed.observations().stream().mapToLong(Observation::good).sum());
        MinuteSums.Positions positions = MinuteSums.read(summed.header(), 500);
        for (int s = 0; s < 500; s++) {
            Observation sum = summed.observations().get(s);
            long minute = Math.floorDiv(sum.at().getEpochSecond(), 60);
            List<Observation> ofMinute = part.stream().filter(o -> Math.floorDiv(o.at().getEpochSecond(), 60) == minute).toList();
            assertEquals(part.get(positions.first()[s]), ofMinute.get(0), "a sum's first position is its minute's first");
            assertEquals(ofMinute.size(), positions.count()[s]);
            assertEquals(ofMinute.stream().map(Observation::at).min(Instant::compareTo).orElseThrow(), sum.at());
        }
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
        assertNull(MinuteSums.read("00000:1", 1), "at most four digits");
        assertNull(MinuteSums.read("0:1;1:1", 2));
        assertNull(MinuteSums.read("0:1,,1:1", 2));
        assertNull(MinuteSums.read("0:1 ", 1));
        assertArrayEquals(new int[] { 1000 }, MinuteSums.read("0:1000", 1).count());
        assertArrayEquals(new int[] { 0, 999 }, MinuteSums.read("0:999,999:1", 2).first());
    }
}
