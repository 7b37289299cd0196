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

    /** Sums {@code part} per minute, in the order each minute first appears; null when no two share a minute. */
    static Summed of(List<Observation> part) {
        Map<Long, Integer> sumOfMinute = new HashMap<>();
        List<Observation> sums = new ArrayList<>();
        int[] first = new int[part.size()];
        int[] count = new int[part.size()];
        for (int i = 0; i < part.size(); i++) {
            Observation observation = part.get(i);
            Integer sum = sumOfMinute.putIfAbsent(Math.floorDiv(observation.at().getEpochSecond(), 60), sums.size());
            if (sum == null) {
                first[sums.size()] = i;
                count[sums.size()] = 1;
                sums.add(observation);
                continue;
            }
            Observation before = sums.get(sum);
            Instant earliest = observation.at().isBefore(before.at()) ? observation.at() : before.at();
            sums.set(sum, new Observation(earliest, before.good() + observation.good(), before.total() + observation.total()));
            count[sum]++;
        }
        if (sums.size() == part.size()) {
            return null;
        }
        StringBuilder header = new StringBuilder(sums.size() * 8);
        for (int s = 0; s < sums.size(); s++) {
            header.append(s == 0 ? "" : ",").append(first[s]).append(':').append(count[s]);
        }
        return new Summed(sums, header.toString());
    }

    /**
     * The positions a record's header gives for its {@code size} observations; null when it has none, or one that
     * does not describe them (each first a position in a record, counts adding up to at most a record's observations).
     */
    static Positions read(String header, int size) {
        if (header == null) {
            return null;
        }
        String[] entries = header.split(",", SliObservedBatch.MAX_OBSERVATIONS + 1);
        if (entries.length != size) {
            return null;
        }
        int[] first = new int[size];
        int[] count = new int[size];
        int observations = 0;
        for (int s = 0; s < size; s++) {
            String entry = entries[s];
            int colon = entry.indexOf(':');
            if (colon < 1 || colon > 4 || entry.length() - colon < 2 || entry.length() - colon > 5
                    || !entry.substring(0, colon).chars().allMatch(Character::isDigit)
                    || !entry.substring(colon + 1).chars().allMatch(Character::isDigit)) {
                return null;
            }
            first[s] = Integer.parseInt(entry, 0, colon, 10);
            count[s] = Integer.parseInt(entry, colon + 1, entry.length(), 10);
            observations += count[s];
            if (first[s] >= SliObservedBatch.MAX_OBSERVATIONS || count[s] < 1
                    || observations > SliObservedBatch.MAX_OBSERVATIONS) {
                return null;
            }
        }
        return new Positions(first, count);
    }
}
