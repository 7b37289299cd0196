package dev.daff.slo.ingest;

import java.util.ArrayList;
import java.util.List;

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

    MinuteCount count() {
        return new MinuteCount(good, total);
    }

    List<Observed> events() {
        return events;
    }
}
