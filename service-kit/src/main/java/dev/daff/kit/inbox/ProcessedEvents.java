package dev.daff.kit.inbox;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * The processed-event log behind idempotent consumers: a consumer asks {@link #firstDelivery} inside the
 * transaction that applies the event; a redelivery answers false and the consumer does nothing. Each row holds when
 * its event was last delivered, so {@link #forgetNotDeliveredSince} keeps every id that can still come again.
 */
@ApplicationScoped
public class ProcessedEvents {

    private final EntityManager entityManager;
    private final Clock clock;

    public ProcessedEvents(EntityManager entityManager, Clock clock) {
        this.entityManager = entityManager;
        this.clock = clock;
    }

    /** What a delivery of an event id is, next to what the log holds of it. */
    public enum Delivery {
        /** Never seen: apply it. */
        FIRST,
        /** Seen, with the same content or with no content to compare: a redelivery, changing nothing. */
        AGAIN,
        /** Seen with other content: the id was reused for another event, which is not a redelivery. */
        OTHER_CONTENT
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public boolean firstDelivery(String consumer, String eventId) {
        return deliver(consumer, eventId, null) == Delivery.FIRST;
    }

    /**
     * Records a delivery of {@code eventId} to {@code consumer}; {@code contentDigest}, when not null, is what the
     * id stands for ({@code v<n>:} and a digest), kept with its first delivery and compared with every later one taken
     * the same way.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Delivery deliver(String consumer, String eventId, String contentDigest) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        int inserted = entityManager.createNativeQuery("""
                insert into processed_event (consumer, event_id, processed_at, content_digest) values (?1, ?2, ?3, ?4)
                on conflict do nothing
                """)
                .setParameter(1, consumer)
                .setParameter(2, eventId)
                .setParameter(3, now)
                .setParameter(4, contentDigest)
                .executeUpdate();
        if (inserted == 1) {
            return Delivery.FIRST;
        }
        // A redelivery, or a notification Alertmanager repeats while its alert fires: the id is remembered for
        // as long as it keeps coming, however long ago it was first applied.
        entityManager.createNativeQuery(
                "update processed_event set processed_at = ?3 where consumer = ?1 and event_id = ?2 and processed_at < ?3")
                .setParameter(1, consumer)
                .setParameter(2, eventId)
                .setParameter(3, now)
                .executeUpdate();
        if (contentDigest == null) {
            return Delivery.AGAIN;
        }
        Object stored = entityManager.createNativeQuery(
                "select content_digest from processed_event where consumer = ?1 and event_id = ?2")
                .setParameter(1, consumer)
                .setParameter(2, eventId)
                .getSingleResult();
        return stored == null || stored.equals(contentDigest) || !sameWay(stored.toString(), contentDigest) ? Delivery.AGAIN
                : Delivery.OTHER_CONTENT;
    }

    /**
     * Whether two digests were taken of content named the same way ({@code v<n>:}): a consumer that names more of an
     * event than it did would otherwise take a redelivery of an event first seen before for another event.
     */
    private static boolean sameWay(String stored, String digest) {
        int storedVersion = stored.indexOf(':');
        return storedVersion > 0 && stored.regionMatches(0, digest, 0, storedVersion + 1);
    }

    /**
     * Forgets up to {@code max} event ids last delivered before {@code cutoff}, the oldest first; answers how many.
     * Batches keep one run from holding a year's rows in one transaction the first time it runs.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public int forgetNotDeliveredSince(Instant cutoff, int max) {
        return entityManager.createNativeQuery("""
                delete from processed_event where ctid = any(array(
                    select ctid from processed_event where processed_at < ?1 order by processed_at limit ?2))
                """)
                .setParameter(1, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC))
                .setParameter(2, max)
                .executeUpdate();
    }
}
