package dev.daff.slo.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import dev.daff.kit.messaging.FailureKind;
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

    /** An event that will not be counted, with the reason the dead-letter topic carries. */
    record Refused(Source source, String reason) {
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

    /** What one batch's transaction committed, and how many observations it refused. */
    record Stored(Map<String, Map<Instant, MinuteCount>> buckets, int refused) {
    }

    /** One minute of one SLO as this batch adds it, with the events behind it (refused together if it cannot be stored). */
    private static final class MinuteAggregate {
        long good;
        long total;
        final List<Observed> events = new ArrayList<>();

        void add(Observed one) {
            good += one.good();
            total += one.total();
            events.add(one);
        }
    }

    /** The order in which a batch locks its partitions' offset rows: the same in every replica. */
    private static final Comparator<TopicPartition> BY_PARTITION = Comparator.comparing(TopicPartition::topic)
            .thenComparingInt(TopicPartition::partition);

    private static final String OVERFULL = "the minute %s already holds nearly %d events; this would pass the limit";

    private final EntityManager entityManager;
    private final PartitionOffsets offsets;
    private final SliBuckets buckets;
    private final SeenEvents seen;
    private final SliDeadLetters deadLetters;

    public SliBatch(EntityManager entityManager, PartitionOffsets offsets, SliBuckets buckets, SeenEvents seen,
            SliDeadLetters deadLetters) {
        this.entityManager = entityManager;
        this.offsets = offsets;
        this.buckets = buckets;
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
            if (minute.total + one.total() > SliRules.MAX_EVENTS_PER_MINUTE) {
                // Only the event that would overfill its minute (or HTTP ingest's sum of that minute in one record,
                // whole): those before and after it that fit still count.
                refused.add(new Refused(one.source(), "the minute " + one.minute() + " would hold more than "
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
                    RuntimeException failed = storeIsolated(slo.getKey(), minute.getKey(), aggregate, refused, stored);
                    unknown = unknown == null ? failed : unknown;
                } else {
                    adds.add(new MinuteAdd(slo.getKey(), minute.getKey(), aggregate.good, aggregate.total));
                }
            }
        }
        if (unknown != null && stored.isEmpty()) {
            throw unknown; // no bucket stored: a fault of storing itself (a privilege, the schema), not of one bucket
        }
        if (!buckets.addAll(adds, SliRules.MAX_EVENTS_PER_MINUTE)) {
            throw new OverfullMinutes();
        }
        for (MinuteAdd add : adds) {
            counted(stored, add.slo(), add.minute(), aggregates.get(add.slo()).get(add.minute()));
        }
        deadLetters.send(refused);
        deadLetters.forward(forwarded);
        return new Stored(stored, refused.stream().mapToInt(one -> one.source().observations()).sum());
    }

    /**
     * Adds one minute to its bucket under a savepoint, so that a bucket which cannot be stored is refused alone (and
     * one that would overfill is added event by event); answers the failure when it was of an unknown kind.
     */
    private RuntimeException storeIsolated(String slo, Instant minute, MinuteAggregate aggregate, List<Refused> refused,
            Map<String, Map<Instant, MinuteCount>> stored) {
        List<Refused> refusedHere = new ArrayList<>();
        Map<String, Map<Instant, MinuteCount>> storedHere = new HashMap<>();
        entityManager.createNativeQuery("savepoint sli_bucket").executeUpdate();
        try {
            if (buckets.addAll(List.of(new MinuteAdd(slo, minute, aggregate.good, aggregate.total)),
                    SliRules.MAX_EVENTS_PER_MINUTE)) {
                counted(storedHere, slo, minute, aggregate);
            } else {
                storeEventByEvent(slo, minute, aggregate, refusedHere, storedHere);
            }
            entityManager.createNativeQuery("release savepoint sli_bucket").executeUpdate();
            refused.addAll(refusedHere);
            storedHere.forEach((name, minutes) -> stored.computeIfAbsent(name, n -> new HashMap<>()).putAll(minutes));
            return null;
        } catch (RuntimeException e) {
            if (FailureKind.of(e) == FailureKind.TRANSIENT) {
                // Nothing of this poll is committed, and a fresh consumer stores it again; refused here, the events
                // were dead-lettered. Anything else is refused: retried, this one bucket would stop its partition.
                throw e;
            }
            entityManager.createNativeQuery("rollback to savepoint sli_bucket").executeUpdate();
            String reason = "could not be stored: " + e.getMessage();
            aggregate.events.forEach(one -> refused.add(new Refused(one.source(), reason)));
            return FailureKind.of(e) == FailureKind.UNKNOWN ? e : null;
        }
    }

    /**
     * What the bucket already holds leaves no room for all of this poll's events of its minute: adds them one by one,
     * in order, and refuses only those that would overfill it — not the ones before and after that fit.
     */
    private void storeEventByEvent(String slo, Instant minute, MinuteAggregate aggregate, List<Refused> refused,
            Map<String, Map<Instant, MinuteCount>> stored) {
        MinuteAggregate fitted = new MinuteAggregate();
        for (Observed one : aggregate.events) {
            if (buckets.addAll(List.of(new MinuteAdd(slo, minute, one.good(), one.total())), SliRules.MAX_EVENTS_PER_MINUTE)) {
                fitted.add(one);
            } else {
                refused.add(new Refused(one.source(), OVERFULL.formatted(minute, SliRules.MAX_EVENTS_PER_MINUTE)));
            }
        }
        if (!fitted.events.isEmpty()) {
            counted(stored, slo, minute, fitted);
        }
    }

    private static void counted(Map<String, Map<Instant, MinuteCount>> stored, String slo, Instant minute,
            MinuteAggregate aggregate) {
        stored.computeIfAbsent(slo, name -> new HashMap<>()).put(minute, new MinuteCount(aggregate.good, aggregate.total));
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
