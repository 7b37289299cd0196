package dev.daff.events;

import java.time.Instant;
import java.util.List;

/**
 * Many observations of one SLO in one record of {@link Topics#SLI_EVENTS}: what daff's HTTP ingest writes for an
 * accepted batch, up to {@link #MAX_OBSERVATIONS} per record. On the wire the record's key names the SLO, its value
 * is a JSON array of {@link Observation}s, and the headers {@link #BATCH_ID_HEADER} and {@link #FIRST_INDEX_HEADER}
 * (both optional) say which client batch it is and where in it the record starts.
 *
 * <p>One record instead of one per observation keeps the broker's and both clients' work per batch. The value is an
 * array, not an object, so that a consumer which knows only {@link SliEvent} (a daff version before batches) cannot
 * read it as an event without counts and dead-letters it instead: replayed after the upgrade, it is counted. The
 * consumer counts and refuses each observation on its own; a refused one is dead-lettered as the {@link SliEvent}
 * that {@link #event(int)} answers.
 */
public record SliObservedBatch(String slo, String batchId, int firstIndex, Instant occurredAt, List<Observation> observations) {

    public static final String BATCH_ID_HEADER = "daff-batch-id";
    public static final String FIRST_INDEX_HEADER = "daff-first-index";
    /**
     * When daff's HTTP ingest accepted the batch (epoch milliseconds, optional): the time its observations are judged
     * by, so what a client was answered 202 for is not refused later by a consumer that reads it late.
     */
    public static final String ACCEPTED_AT_HEADER = "daff-accepted-at";
    /** About 60 bytes of JSON each: a full record stays far below Kafka's default 1 MiB message limit. */
    public static final int MAX_OBSERVATIONS = 1_000;

    /** Counts of good and total events observed at instant {@code at} (null: the record's timestamp). */
    public record Observation(Instant at, long good, long total) {
    }

    /** The observation at {@code index} of this record as an event of its own, with an id unique within the batch. */
    public SliEvent event(int index) {
        Observation observation = observations.get(index);
        String id = batchId == null ? null : batchId + ":" + (firstIndex + index);
        return SliEvent.observed(id, occurredAt, slo, observation.at(), observation.good(), observation.total());
    }
}
