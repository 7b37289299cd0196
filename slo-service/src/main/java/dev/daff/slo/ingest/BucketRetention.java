package dev.daff.slo.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.quarkus.scheduler.Scheduled;

/**
 * Deletes minute buckets that have left their SLO's window (with an hour's grace, the resolution of the
 * long windows), so the table holds at most one window of minutes per SLO.
 */
@ApplicationScoped
public class BucketRetention {

    static final Duration GRACE = Duration.ofHours(1);

    private final EntityManager entityManager;
    private final Clock clock;

    public BucketRetention(EntityManager entityManager, Clock clock) {
        this.entityManager = entityManager;
        this.clock = clock;
    }

    @Scheduled(every = "${daff.sli.retention-every:1h}", identity = "sli-bucket-retention",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        deleteExpired(clock.instant());
    }

    /** How long a counted Idempotency-Key event id is remembered: a client's retry within it counts once. */
    public static final Duration IDEMPOTENCY_HORIZON = Duration.ofDays(1);

    /** Answers how many buckets were deleted. */
    @Transactional
    public int deleteExpired(Instant now) {
        entityManager.createNativeQuery("delete from sli_seen_event where seen_at < ?1")
                .setParameter(1, OffsetDateTime.ofInstant(now.minus(IDEMPOTENCY_HORIZON), ZoneOffset.UTC))
                .executeUpdate();
        return entityManager.createNativeQuery("""
                delete from sli_bucket b using slo s
                where b.slo_name = s.name and b.minute < cast(?1 as timestamptz) - make_interval(days => s.window_days)
                """)
                .setParameter(1, OffsetDateTime.ofInstant(now.minus(GRACE), ZoneOffset.UTC))
                .executeUpdate();
    }
}
