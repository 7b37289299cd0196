package dev.daff.slo.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.IntUnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Deletes minute buckets older than two of their SLO's windows (with an hour's grace, the resolution of the long
 * windows): the window itself, and the one behind the oldest point of the SLO's history. The table holds at most two
 * windows of minutes per SLO. Forgets old idempotency keys too.
 *
 * <p>Each of the three cleanups deletes {@code daff.sli.retention-batch} rows per transaction, repeated until nothing
 * is left or it has spent {@code daff.sli.retention-budget}, and one that fails leaves the others to run. Deleted in
 * one transaction, a large backlog (every SLO moved from 30-day to 28-day windows: two days of minutes each) outlasted
 * the transaction timeout, rolled back at every run and only grew, and the idempotency keys stayed with it. Every
 * replica runs it; a batch skips the rows another replica's batch holds, so they share the work.
 */
@ApplicationScoped
public class BucketRetention {

    private static final Logger LOG = Logger.getLogger(BucketRetention.class);

    static final Duration GRACE = Duration.ofHours(1);

    /** How long a counted Idempotency-Key event id is remembered: a client's retry within it counts once. */
    public static final Duration IDEMPOTENCY_HORIZON = Duration.ofDays(1);

    private final SliBuckets buckets;
    private final SeenEvents seen;
    private final IngestKeys ingestKeys;
    private final Clock clock;
    private final MeterRegistry registry;
    private final int batch;
    private final Duration budget;

    public BucketRetention(SliBuckets buckets, SeenEvents seen, IngestKeys ingestKeys, Clock clock, MeterRegistry registry,
            @ConfigProperty(name = "daff.sli.retention-batch") int batch,
            @ConfigProperty(name = "daff.sli.retention-budget") Duration budget) {
        if (batch < 1) {
            throw new IllegalArgumentException("daff.sli.retention-batch must be at least 1, not " + batch);
        }
        this.buckets = buckets;
        this.seen = seen;
        this.ingestKeys = ingestKeys;
        this.clock = clock;
        this.registry = registry;
        this.batch = batch;
        this.budget = budget;
    }

    @Scheduled(every = "${daff.sli.retention-every}", identity = "sli-bucket-retention",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        deleteExpired(clock.instant());
    }

    /**
     * Runs the three cleanups as of {@code now}, the small ones first, each in transactions of its own (never in the
     * caller's); answers how many buckets were deleted.
     */
    public int deleteExpired(Instant now) {
        Instant idempotencyCutoff = now.minus(IDEMPOTENCY_HORIZON);
        repeat("sli_seen_event", max -> seen.forgetBefore(idempotencyCutoff, max));
        repeat("sli_ingest_key", max -> ingestKeys.forgetBefore(idempotencyCutoff, max));
        return (int) Math.min(Integer.MAX_VALUE, repeat("sli_bucket", max -> buckets.deleteOlderThanHistory(now, GRACE, max)));
    }

    /** Deletes batch after batch from {@code table} until one comes back short or the budget is spent; answers how many. */
    private long repeat(String table, IntUnaryOperator deleteBatch) {
        long deadline = System.nanoTime() + budget.toNanos();
        long deleted = 0;
        int batches = 0;
        try {
            while (true) {
                int done = QuarkusTransaction.requiringNew().call(() -> deleteBatch.applyAsInt(batch));
                deleted += done;
                batches++;
                registry.counter("daff.sli.retention.batches", "table", table).increment();
                registry.counter("daff.sli.retention.deleted", "table", table).increment(done);
                if (done < batch) {
                    break;
                }
                if (System.nanoTime() - deadline >= 0) {
                    LOG.warnf("retention of %s spent its %s after %d rows in %d batches; the rest goes at the next run",
                            table, budget, deleted, batches);
                    break;
                }
            }
        } catch (RuntimeException e) {
            // What earlier batches deleted stays deleted; the next run goes on from there.
            LOG.warnf("retention of %s stopped after %d rows in %d batches, tried again at the next run: %s", table,
                    deleted, batches, e.getMessage());
        }
        if (deleted > 0) {
            LOG.infof("retention deleted %d rows of %s in %d batches", deleted, table, batches);
        }
        return deleted;
    }
}
