package dev.daff.slo.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.quarkus.scheduler.Scheduled;

/**
 * Deletes minute buckets older than two of their SLO's windows (with an hour's grace, the resolution of the long
 * windows): the window itself, and the one behind the oldest point of the SLO's history. The table holds at most two
 * windows of minutes per SLO. Forgets old idempotency keys too.
 */
@ApplicationScoped
public class BucketRetention {

    static final Duration GRACE = Duration.ofHours(1);

    /** How long a counted Idempotency-Key event id is remembered: a client's retry within it counts once. */
    public static final Duration IDEMPOTENCY_HORIZON = Duration.ofDays(1);

    private final SliBuckets buckets;
    private final SeenEvents seen;
    private final IngestKeys ingestKeys;
    private final Clock clock;

    public BucketRetention(SliBuckets buckets, SeenEvents seen, IngestKeys ingestKeys, Clock clock) {
        this.buckets = buckets;
        this.seen = seen;
        this.ingestKeys = ingestKeys;
        this.clock = clock;
    }

    @Scheduled(every = "${daff.sli.retention-every}", identity = "sli-bucket-retention",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        deleteExpired(clock.instant());
    }

    /** Answers how many buckets were deleted. */
    @Transactional
    public int deleteExpired(Instant now) {
        seen.forgetBefore(now.minus(IDEMPOTENCY_HORIZON));
        ingestKeys.forgetBefore(now.minus(IDEMPOTENCY_HORIZON));
        return buckets.deleteOlderThanHistory(now, GRACE);
    }
}
