package dev.daff.slo.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.daff.events.SliObservedBatch;
import dev.daff.events.SliObservedBatch.Observation;

/**
 * A batch record's observations summed per minute, as HTTP ingest writes them: the minute's counts are all that
 * is ever counted, and a client that reports each request sends hundreds of observations a minute. Summed, a record
 * of a thousand is a few dozen, and the broker stores and the consumer reads that much less (issue 17: they were
 * most of what HTTP ingest cost beyond parsing the request).
 *
 * <p>Each sum is at the earliest instant of its minute: HTTP ingest judged every observation at the accepted-at
 * instant the consumer judges the sum at again, so the earliest, the one nearest the window's edge, passes there as
 * it passed here. The header {@link #HEADER} says, for each sum, where its first observation was in the record and
 * how many it stands for: a sum refused when counted is dead-lettered under its first observation's id, and the
 * counters count observations, not sums.
 */
final class MinuteSums {

    /** {@code first:count} per sum, comma-separated, in the order of the sums. */
    static final String HEADER = "daff-minute-sums";

    /** The sums and the header describing them. */
    record Summed(List<Observation> observations, String header) {
    }

    /** Where each observation of a record came from and how many it stands for. */
    record Positions(int[] first, int[] count) {
    }

    private MinuteSums() {
    }

    /**
     * Sums {@code part} per minute, in the order each minute first appears; null when no two share a minute. It runs
     * on the request thread for every observation, so it adds in primitive arrays and makes one object per sum.
     */
    static Summed of(List<Observation> part) {
        int size = part.size();
        long[] minuteOf = new long[size];
        long[] good = new long[size];
        long[] total = new long[size];
        Instant[] earliest = new Instant[size];
        int[] first = new int[size];
        int[] count = new int[size];
        // Open addressing over the sums' minutes (slot holds a sum's index + 1): no Long boxed per observation.
        int[] slots = new int[Integer.highestOneBit(Math.max(size, 1)) << 2];
        int mask = slots.length - 1;
        int sums = 0;
        int last = -1;
        for (int i = 0; i < size; i++) {
            Observation observation = part.get(i);
            long minute = Math.floorDiv(observation.at().getEpochSecond(), 60);
            int sum = last >= 0 && minuteOf[last] == minute ? last : -1; // a client's observations come in time order
            if (sum < 0) {
                int slot = (int) (minute * 0x9E3779B97F4A7C15L >>> 40) & mask;
                while (slots[slot] != 0 && minuteOf[slots[slot] - 1] != minute) {
                    slot = (slot + 1) & mask;
                }
                if (slots[slot] == 0) {
                    slots[slot] = ++sums;
                    minuteOf[sums - 1] = minute;
                    earliest[sums - 1] = observation.at();
                    first[sums - 1] = i;
                }
                sum = slots[slot] - 1;
            }
            last = sum;
            if (observation.at().isBefore(earliest[sum])) {
                earliest[sum] = observation.at();
            }
            good[sum] += observation.good();
            total[sum] += observation.total();
            count[sum]++;
        }
        if (sums == size) {
            return null;
        }
        List<Observation> summed = new ArrayList<>(sums);
        StringBuilder header = new StringBuilder(sums * 8);
        for (int s = 0; s < sums; s++) {
            summed.add(new Observation(earliest[s], good[s], total[s]));
            header.append(s == 0 ? "" : ",").append(first[s]).append(':').append(count[s]);
        }
        return new Summed(summed, header.toString());
    }

    /**
     * The positions a record's header gives for its {@code size} observations; null when it has none, or one that
     * does not describe them (each first a position in a record, counts adding up to at most a record's observations).
     */
    static Positions read(String header, int size) {
        if (header == null) {
            return null;
        }
        int[] first = new int[size];
        int[] count = new int[size];
        int observations = 0;
        int at = 0;
        for (int s = 0; s < size; s++) {
            // up to four digits, a colon, up to four digits, then a comma or, after the last, the end: read in place
            int colon = digitsEnd(header, at);
            if (colon == at || colon - at > 4 || colon == header.length() || header.charAt(colon) != ':') {
                return null;
            }
            int end = digitsEnd(header, colon + 1);
            if (end == colon + 1 || end - colon - 1 > 4 || (s == size - 1 ? end != header.length()
                    : end == header.length() || header.charAt(end) != ',')) {
                return null;
            }
            first[s] = Integer.parseInt(header, at, colon, 10);
            count[s] = Integer.parseInt(header, colon + 1, end, 10);
            observations += count[s];
            if (first[s] >= SliObservedBatch.MAX_OBSERVATIONS || count[s] < 1
                    || observations > SliObservedBatch.MAX_OBSERVATIONS) {
                return null;
            }
            at = end + 1;
        }
        return new Positions(first, count);
    }

    /** Where the run of digits from {@code from} ends, reading no more than five. */
    private static int digitsEnd(String text, int from) {
        int at = from;
        while (at < text.length() && at - from < 5 && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
            at++;
        }
        return at;
    }
}
