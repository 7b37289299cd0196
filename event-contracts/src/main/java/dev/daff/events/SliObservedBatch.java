package dev.daff.events;

import java.time.Instant;
import java.util.List;

/**
 * Many observations of one SLO in one record of {@link Topics#SLI_EVENTS}: what daff's HTTP ingest writes for an
 * accepted batch (up to {@link #MAX_OBSERVATIONS} per record, {@code firstIndex} saying where in the client's
 * batch the record starts). One record instead of one per observation keeps the broker's and both clients' work
 * per batch, not per observation. The consumer counts and refuses each observation on its own; a refused one is
 * dead-lettered as the {@link SliEvent} that {@link #event(int)} answers.
 */
public record SliObservedBatch(
        String eventId,
        String type,
        int version,
        Instant occurredAt,
        String slo,
        int firstIndex,
        List<Observation> observations) implements EventEnvelope {

    public static final int CURRENT_VERSION = 1;
    public static final String TYPE = "SliObservedBatch";
    /** About 60 bytes of JSON each: a full record stays far below Kafka's default 1 MiB message limit. */
    public static final int MAX_OBSERVATIONS = 1_000;

    /** Counts of good and total events observed at instant {@code at}. */
    public record Observation(Instant at, long good, long total) {
    }

    public static SliObservedBatch of(String eventId, Instant occurredAt, String slo, int firstIndex,
            List<Observation> observations) {
        return new SliObservedBatch(eventId, TYPE, CURRENT_VERSION, occurredAt, slo, firstIndex, observations);
    }

    /** The observation at {@code index} of this record as an event of its own, with an id unique within the batch. */
    public SliEvent event(int index) {
        Observation observation = observations.get(index);
        String id = eventId == null ? null : eventId + ":" + (firstIndex + index);
        return SliEvent.observed(id, occurredAt, slo, observation.at(), observation.good(), observation.total());
    }
}
