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

    @Transactional(Transactional.TxType.MANDATORY)
    public boolean firstDelivery(String consumer, String eventId) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        int inserted = entityManager.createNativeQuery(
                "insert into processed_event (consumer, event_id, processed_at) values (?1, ?2, ?3) on conflict do nothing")
                .setParameter(1, consumer)
                .setParameter(2, eventId)
                .setParameter(3, now)
                .executeUpdate();
        if (inserted == 1) {
            return true;
        }
        // A redelivery, or a notification Alertmanager repeats while its alert fires: the id is remembered for
        // as long as it keeps coming, however long ago it was first applied.
        entityManager.createNativeQuery(
                "update processed_event set processed_at = ?3 where consumer = ?1 and event_id = ?2 and processed_at < ?3")
                .setParameter(1, consumer)
                .setParameter(2, eventId)
                .setParameter(3, now)
                .executeUpdate();
        return false;
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
