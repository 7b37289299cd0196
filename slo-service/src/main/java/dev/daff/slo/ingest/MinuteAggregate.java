package dev.daff.slo.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.daff.slo.ingest.CountedBuckets.MinuteCount;
import dev.daff.slo.ingest.SliBatch.Observed;

/** One minute of one SLO as a batch adds it, with the events behind it (refused together if it cannot be stored). */
final class MinuteAggregate {

    private long good;
    private long total;
    private final List<Observed> events = new ArrayList<>();

    void add(Observed one) {
        good += one.good();
        total += one.total();
        events.add(one);
    }

    long good() {
        return good;
    }

    long total() {
        return total;
    }

    /** Puts this minute's sums among what a batch stored. */
    void storedIn(Map<String, Map<Instant, MinuteCount>> stored, String slo, Instant minute) {
        stored.computeIfAbsent(slo, name -> new HashMap<>()).put(minute, new MinuteCount(good, total));
    }

    List<Observed> events() {
        return events;
    }
}
