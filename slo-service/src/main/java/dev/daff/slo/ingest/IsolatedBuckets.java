package dev.daff.slo.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import dev.daff.kit.messaging.FailureKind;
import dev.daff.slo.ingest.CountedBuckets.MinuteCount;
import dev.daff.slo.ingest.SliBatch.Observed;
import dev.daff.slo.ingest.SliBatch.Refused;
import dev.daff.slo.ingest.SliBuckets.MinuteAdd;

/**
 * Stores a batch's minutes one bucket at a time, each under a savepoint in the batch's transaction, when storing them
 * together failed: a bucket that cannot be stored is refused alone, and the rest of the batch counts.
 */
@ApplicationScoped
public class IsolatedBuckets {

    private static final String OVERFULL = "the minute %s already holds nearly %d events; this would pass the limit";

    private final EntityManager entityManager;
    private final SliBuckets buckets;

    public IsolatedBuckets(EntityManager entityManager, SliBuckets buckets) {
        this.entityManager = entityManager;
        this.buckets = buckets;
    }

    /**
     * Adds one minute to its bucket under a savepoint, so that a bucket which cannot be stored is refused alone (and
     * one that would overfill is added event by event); answers the failure when it was of an unknown kind.
     */
    RuntimeException store(String slo, Instant minute, MinuteAggregate aggregate, List<Refused> refused,
            Map<String, Map<Instant, MinuteCount>> stored) {
        List<Refused> refusedHere = new ArrayList<>();
        Map<String, Map<Instant, MinuteCount>> storedHere = new HashMap<>();
        entityManager.createNativeQuery("savepoint sli_bucket").executeUpdate();
        try {
            if (buckets.addAll(List.of(new MinuteAdd(slo, minute, aggregate.good(), aggregate.total())),
                    SliRules.MAX_EVENTS_PER_MINUTE)) {
                aggregate.storedIn(storedHere, slo, minute);
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
            aggregate.events().forEach(one -> refused.add(Refused.of(one, reason)));
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
        for (Observed one : aggregate.events()) {
            if (buckets.addAll(List.of(new MinuteAdd(slo, minute, one.good(), one.total())), SliRules.MAX_EVENTS_PER_MINUTE)) {
                fitted.add(one);
            } else {
                refused.add(Refused.of(one, OVERFULL.formatted(minute, SliRules.MAX_EVENTS_PER_MINUTE)));
            }
        }
        if (!fitted.events().isEmpty()) {
            fitted.storedIn(stored, slo, minute);
        }
    }
}
