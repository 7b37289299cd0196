package dev.daff.slo.ingest;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

/**
 * The event ids of SLI events sent with an Idempotency-Key that were counted ({@code sli_seen_event}), so a
 * client's retry of a batch that was in fact accepted counts once.
 */
@ApplicationScoped
public class SeenEvents {

    /** Separates ids in the one array parameter; refused in event ids by {@link SliRules}. */
    static final char SEPARATOR = '\u001f';

    private final EntityManager entityManager;

    public SeenEvents(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** Records the ids and answers those never seen before. Runs in the caller's transaction. */
    Set<String> recordFirstSeen(Collection<String> ids, Instant now) {
        if (ids.isEmpty()) {
            return new HashSet<>();
        }
        @SuppressWarnings("unchecked")
        List<String> inserted = entityManager.createNativeQuery("""
                insert into sli_seen_event (event_id, seen_at)
                select id, ?2 from unnest(string_to_array(?1, chr(31))) as id
                on conflict do nothing returning event_id
                """)
                .setParameter(1, String.join(String.valueOf(SEPARATOR), ids))
                .setParameter(2, OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .getResultList();
        return new HashSet<>(inserted);
    }

    /** Forgets these ids, whenever they were seen. Runs in the caller's transaction. */
    void forget(Collection<String> ids) {
        entityManager.createNativeQuery("delete from sli_seen_event where event_id = any(string_to_array(?1, chr(31)))")
                .setParameter(1, String.join(String.valueOf(SEPARATOR), ids))
                .executeUpdate();
    }

    /** Forgets up to {@code max} ids first seen before {@code cutoff}, the oldest first; answers how many. */
    int forgetBefore(Instant cutoff, int max) {
        return entityManager.createNativeQuery("""
                delete from sli_seen_event where ctid = any(array(
                    select ctid from sli_seen_event where seen_at < ?1 order by seen_at limit ?2 for update skip locked))
                """)
                .setParameter(1, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC))
                .setParameter(2, max)
                .executeUpdate();
    }
}
