package dev.daff.slo.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import dev.daff.events.SliObservedBatch;
import dev.daff.slo.ingest.CountedBuckets.MinuteCount;
import dev.daff.slo.ingest.SliBuckets.MinuteAdd;

/**
 * Stores one polled batch of SLI records in one transaction (the caller's): the partitions' offsets, the minute
 * buckets, the idempotency keys, and the dead letters for what cannot be counted.
 */
@ApplicationScoped
public class SliBatch {

    /**
     * Where one event came from: a record of its own ({@code batch} null), or observation {@code index} of an
     * {@link SliObservedBatch} record, which stands for {@code observations} of the client's batch from
     * {@code position} on in the record (more than one when HTTP ingest summed them per minute: {@link MinuteSums}).
     */
    record Source(ConsumerRecord<String, String> record, SliObservedBatch batch, int index, int position, int observations) {
        static Source whole(ConsumerRecord<String, String> record) {
            return new Source(record, null, -1, -1, 1);
        }
    }

    /**
     * One SLI event that passed validation, on its way into a minute bucket. {@code idempotencyId} (null without an
     * Idempotency-Key) is shared by every event of one record and counted once: the events of the first record that
     * brings it count, those of any later record with it do not.
     */
    record Observed(Source source, String slo, Instant minute, long good, long total, String idempotencyId) {
    }

    /**
     * An event that will not be counted, with the reason the dead-letter topic carries, and the id it would have been
     * counted once by ({@link Observed#idempotencyId()}; null for one refused before it was read as one).
     */
    record Refused(Source source, String reason, String idempotencyId) {
        Refused(Source source, String reason) {
            this(source, reason, null);
        }

        static Refused of(Observed event, String reason) {
            return new Refused(event.source(), reason, event.idempotencyId());
        }
    }

    /**
     * A record on a partition that is not its SLO's (keyed by something else than the SLO's name, or placed by a
     * partitioner of the producer's own): counted here, it would never reach the sums of the replica that evaluates
     * the SLO, so it goes back on the topic keyed by its SLO and is counted there.
     */
    record Forwarded(ConsumerRecord<String, String> record, String slo) {
    }

    /**
     * A minute of the batch would pass {@link SliRules#MAX_EVENTS_PER_MINUTE} with what its bucket holds: the batch's
     * transaction is rolled back, and the batch stored again bucket by bucket, which adds that minute's events one by
     * one. Rare (a bucket near 10^12 events), so the common batch does not pay for finding out which minute it was.
     */
    static final class OverfullMinutes extends RuntimeException {
        OverfullMinutes() {
            super("a minute of the batch would hold more than " + SliRules.MAX_EVENTS_PER_MINUTE + " events", null, false,
                    false);
        }
    }

    /** Stored bucket by bucket, no bucket of the batch could be stored, each for a reason nobody recognises. */
    static final class NothingStored extends HeldBack {
        NothingStored(Set<TopicPartition> partitions, RuntimeException cause) {
            super("no bucket of partitions " + partitions + " could be stored: " + cause, partitions, cause);
        }
    }

    /** What one batch's transaction committed, and how many observations it refused. */
    record Stored(Map<String, Map<Instant, MinuteCount>> buckets, int refused) {
    }

    /** The order in which a batch locks its partitions' offset rows: the same in every replica. */
    private static final Comparator<TopicPartition> BY_PARTITION = Comparator.comparing(TopicPartition::topic)
            .thenComparingInt(TopicPartition::partition);

    private final PartitionOffsets offsets;
    private final SliBuckets buckets;
    private final IsolatedBuckets isolatedBuckets;
    private final SeenEvents seen;
    private final SliDeadLetters deadLetters;

    public SliBatch(PartitionOffsets offsets, SliBuckets buckets, IsolatedBuckets isolatedBuckets, SeenEvents seen,
            SliDeadLetters deadLetters) {
        this.offsets = offsets;
        this.buckets = buckets;
        this.isolatedBuckets = isolatedBuckets;
        this.seen = seen;
        this.deadLetters = deadLetters;
    }

    /**
     * Moves each partition's stored offset — only if it still holds what this replica last stored
     * ({@code lastStored}), so that a replica which lost its partitions while paused cannot count them again — then
     * drops redelivered idempotent events, adds each minute to its bucket unless that would pass
     * {@link SliRules#MAX_EVENTS_PER_MINUTE} ({@link OverfullMinutes} when one would, unless {@code isolateBuckets}),
     * and puts every refused record on the dead-letter topic and every forwarded one back on the topic under its SLO's
     * key (both durable before the offsets that skip them commit). With {@code isolateBuckets}, a bucket that fails to
     * store is dead-lettered instead of failing the batch — one failing for an unknown reason only if another bucket
     * stored. Answers the buckets it stored.
     *
     * <p>The fence comes first and everything is written in one order (offset rows by partition, then bucket rows by
     * SLO and minute): a replica paused past its session, its partitions counted by another now, gives up before it
     * has locked a bucket row. Written the other way round, its batch and the new owner's locked the same rows in
     * different orders, PostgreSQL aborted either one, and the group went through two more rebalances (TwoReplicasIT).
     */
    Stored store(List<Observed> observed, List<Refused> refusedBefore, List<Forwarded> forwarded,
            Map<TopicPartition, Long> nextOffsets, Function<TopicPartition, Long> lastStored, Instant now,
            boolean isolateBuckets) {
        SortedMap<TopicPartition, Long> byPartition = new TreeMap<>(BY_PARTITION);
        byPartition.putAll(nextOffsets);
        offsets.moveAll(byPartition, lastStored);
        List<Refused> refused = new ArrayList<>(refusedBefore);
        Set<String> firstSeen = seen.recordFirstSeen(idempotencyIds(observed), now);
        Map<String, ConsumerRecord<String, String>> countedFrom = new HashMap<>();
        Map<String, Map<Instant, MinuteAggregate>> aggregates = new TreeMap<>();
        for (Observed one : observed) {
            if (one.idempotencyId() != null && (!firstSeen.contains(one.idempotencyId())
                    || countedFrom.computeIfAbsent(one.idempotencyId(), id -> one.source().record()) != one.source().record())) {
                continue; // a retried batch: counted when it first arrived (maybe earlier in this very poll)
            }
            MinuteAggregate minute = aggregates.computeIfAbsent(one.slo(), slo -> new TreeMap<>())
                    .computeIfAbsent(one.minute(), m -> new MinuteAggregate());
            if (minute.total() + one.total() > SliRules.MAX_EVENTS_PER_MINUTE) {
                // Only the event that would overfill its minute (or HTTP ingest's sum of that minute in one record,
                // whole): those before and after it that fit still count.
                refused.add(Refused.of(one, "the minute " + one.minute() + " would hold more than "
                        + SliRules.MAX_EVENTS_PER_MINUTE + " events"));
                continue;
            }
            minute.add(one);
        }
        Map<String, Map<Instant, MinuteCount>> stored = new HashMap<>();
        List<MinuteAdd> adds = new ArrayList<>();
        RuntimeException unknown = null;
        for (Map.Entry<String, Map<Instant, MinuteAggregate>> slo : aggregates.entrySet()) {
            for (Map.Entry<Instant, MinuteAggregate> minute : slo.getValue().entrySet()) {
                MinuteAggregate aggregate = minute.getValue();
                if (isolateBuckets) {
                    RuntimeException failed = isolatedBuckets.store(slo.getKey(), minute.getKey(), aggregate, refused, stored);
                    unknown = unknown == null ? failed : unknown;
                } else {
                    adds.add(new MinuteAdd(slo.getKey(), minute.getKey(), aggregate.good(), aggregate.total()));
                }
            }
        }
        if (unknown != null && stored.isEmpty()) {
            // No bucket stored: a fault of storing itself (a privilege, the schema), not of one bucket; or the poll held
            // only the one bucket that fails, which another poll with something that stores will dead-letter.
            throw new NothingStored(nextOffsets.keySet(), unknown);
        }
        if (!buckets.addAll(adds, SliRules.MAX_EVENTS_PER_MINUTE)) {
            throw new OverfullMinutes();
        }
        for (MinuteAdd add : adds) {
            aggregates.get(add.slo()).get(add.minute()).storedIn(stored, add.slo(), add.minute());
        }
        Set<String> uncounted = uncountedIds(refused);
        if (!uncounted.isEmpty()) {
            seen.forget(uncounted);
        }
        deadLetters.send(refused);
        deadLetters.forward(forwarded);
        return new Stored(stored, refused.stream().mapToInt(one -> one.source().observations()).sum());
    }

    /**
     * The ids of refused copies to forget again: a copy's dead letter carries its origin on, and so the id it counts
     * once by, and a replay of it refused once more and replayed after the fix was dropped as already counted. Only
     * such an id: a client's Idempotency-Key (or a batch copy's id) does not go with the dead letter, which counts by an
     * id of its own, and forgotten, a retry with the key would count beside the replay.
     */
    private static Set<String> uncountedIds(List<Refused> refused) {
        Set<String> ids = new HashSet<>();
        for (Refused one : refused) {
            if (one.idempotencyId() != null && one.source().batch() == null
                    && one.idempotencyId().equals(IngestIds.ofCopy(SliDeadLetters.origin(one.source().record())))) {
                ids.add(one.idempotencyId());
            }
        }
        return ids;
    }

    /** The idempotency ids of a poll's events (those sent with an Idempotency-Key), each once. */
    private static Set<String> idempotencyIds(List<Observed> observed) {
        Set<String> ids = new LinkedHashSet<>();
        for (Observed one : observed) {
            if (one.idempotencyId() != null) {
                ids.add(one.idempotencyId());
            }
        }
        return ids;
    }
}
