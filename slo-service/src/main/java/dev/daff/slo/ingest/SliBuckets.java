package dev.daff.slo.ingest;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;

import dev.daff.kit.time.SqlTimes;
import dev.daff.slo.burn.SliWindows;
import dev.daff.slo.definition.SloService.SloDeleted;

/**
 * The per-minute counts of every SLO ({@code sli_bucket}), the one class that writes, reads and deletes them: the
 * consumer adds to them, the evaluator loads them, retention trims them, and a deleted SLO takes its buckets along.
 */
@ApplicationScoped
public class SliBuckets {

    /** A stored count: a minute, or an hour for history older than the paging windows. */
    public record Bucket(Instant at, long good, long total) {
    }

    /** How far back minute resolution is kept when loading: the longest paging window (6 h) and a minute. */
    static final Duration MINUTE_RESOLUTION = Duration.ofMinutes(361);

    private final EntityManager entityManager;

    public SliBuckets(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /**
     * Adds one minute's counts to its bucket unless the bucket would then hold more than {@code limit} events;
     * answers whether it did. Runs in the caller's transaction.
     */
    boolean add(String slo, Instant minute, long good, long total, long limit) {
        return entityManager.createNativeQuery("""
                insert into sli_bucket (slo_name, minute, good, total) values (?1, ?2, ?3, ?4)
                on conflict (slo_name, minute)
                do update set good = sli_bucket.good + excluded.good, total = sli_bucket.total + excluded.total
                where sli_bucket.total + excluded.total <= ?5
                """)
                .setParameter(1, slo)
                .setParameter(2, OffsetDateTime.ofInstant(minute, ZoneOffset.UTC))
                .setParameter(3, good)
                .setParameter(4, total)
                .setParameter(5, limit)
                .executeUpdate() == 1;
    }

    /**
     * An SLO's counts over its window ending {@code now}, oldest first: the last six hours minute by minute (the
     * paging windows need minutes), everything older summed per hour, so a 30-day SLO costs about 1,100 rows, not
     * 43,200.
     */
    public List<Bucket> history(String slo, Duration window, Instant now) {
        Instant minuteCutoff = SliRules.minuteOf(now).minus(MINUTE_RESOLUTION).truncatedTo(ChronoUnit.HOURS);
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                select date_trunc('hour', minute) as at, sum(good), sum(total) from sli_bucket
                where slo_name = ?1 and minute > ?2 and minute < ?3 group by 1
                union all
                select minute, good, total from sli_bucket where slo_name = ?1 and minute >= ?3
                order by 1
                """)
                .setParameter(1, slo)
                .setParameter(2, OffsetDateTime.ofInstant(now.minus(window), ZoneOffset.UTC))
                .setParameter(3, OffsetDateTime.ofInstant(minuteCutoff, ZoneOffset.UTC))
                .getResultList();
        return rows.stream().map(row -> new Bucket(SqlTimes.toInstant(row[0]), ((Number) row[1]).longValue(),
                ((Number) row[2]).longValue())).toList();
    }

    /** An SLO's running window sums as stored, ending {@code now}: what an evaluator starts from. */
    public SliWindows windows(String slo, Duration window, Instant now) {
        SliWindows windows = new SliWindows(window);
        windows.advance(now);
        for (Bucket bucket : history(slo, window, now)) {
            windows.add(bucket.at(), bucket.good(), bucket.total());
        }
        return windows;
    }

    /** Deletes buckets older than their SLO's window and {@code grace}; answers how many. */
    int deleteOlderThanWindow(Instant now, Duration grace) {
        return entityManager.createNativeQuery("""
                delete from sli_bucket b using slo s
                where b.slo_name = s.name and b.minute < cast(?1 as timestamptz) - make_interval(days => s.window_days)
                """)
                .setParameter(1, OffsetDateTime.ofInstant(now.minus(grace), ZoneOffset.UTC))
                .executeUpdate();
    }

    /** A deleted SLO's counts go with it, in the transaction that deletes it. */
    void deleteWithSlo(@Observes SloDeleted deleted) {
        entityManager.createNativeQuery("delete from sli_bucket where slo_name = ?1").setParameter(1, deleted.name())
                .executeUpdate();
    }
}
