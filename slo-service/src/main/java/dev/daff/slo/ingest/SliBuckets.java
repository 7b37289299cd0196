package dev.daff.slo.ingest;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;

import org.hibernate.Session;
import org.postgresql.PGConnection;

import dev.daff.kit.time.SqlTimes;
import dev.daff.slo.burn.SliWindows;
import dev.daff.slo.definition.SloService.SloChanged;
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

    /** One minute's counts for one SLO, to be added to its bucket. */
    record MinuteAdd(String slo, Instant minute, long good, long total) {
    }

    /**
     * Adds each minute's counts to its bucket in one statement, in the order given (the order in which rows are
     * locked), skipping a bucket that would then hold more than {@code limit} events; answers whether every minute
     * was added. Runs in the caller's transaction. One round trip per batch instead of one per bucket: a batch spread
     * over 10,000 SLOs and an hour of minutes touches thousands of buckets. Only a count comes back, not the rows:
     * a bucket is skipped only near 10^12 events, and the caller then stores that batch bucket by bucket.
     */
    boolean addAll(List<MinuteAdd> adds, long limit) {
        if (adds.isEmpty()) {
            return true;
        }
        String[] slos = new String[adds.size()];
        long[] minutes = new long[adds.size()];
        long[] good = new long[adds.size()];
        long[] total = new long[adds.size()];
        for (int i = 0; i < adds.size(); i++) {
            MinuteAdd add = adds.get(i);
            slos[i] = add.slo();
            minutes[i] = add.minute().getEpochSecond();
            good[i] = add.good();
            total[i] = add.total();
        }
        long added = entityManager.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    with added as (
                        insert into sli_bucket (slo_name, minute, good, total)
                        select slo, to_timestamp(epoch), good, total
                        from unnest(?, ?, ?, ?) with ordinality as a(slo, epoch, good, total, n)
                        order by n
                        on conflict (slo_name, minute)
                        do update set good = sli_bucket.good + excluded.good, total = sli_bucket.total + excluded.total
                        where sli_bucket.total + excluded.total <= ?
                        returning 1)
                    select count(*) from added
                    """)) {
                PGConnection postgres = connection.unwrap(PGConnection.class); // arrays of long, not of boxed Long
                insert.setArray(1, connection.createArrayOf("text", slos));
                insert.setArray(2, postgres.createArrayOf("int8", minutes));
                insert.setArray(3, postgres.createArrayOf("int8", good));
                insert.setArray(4, postgres.createArrayOf("int8", total));
                insert.setLong(5, limit);
                try (ResultSet rows = insert.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            }
        });
        return added == adds.size();
    }

    /**
     * An SLO's counts over its window ending {@code now}, oldest first: the last six hours minute by minute (the
     * paging windows need minutes), everything older summed per UTC hour from the hour that holds the window's
     * beginning, as the live window counts it ({@link SliWindows}): truncated in UTC whatever the session's time
     * zone, which would start an hour at :30 in India. A 30-day SLO costs about 1,100 rows, not 43,200.
     */
    public List<Bucket> history(String slo, Duration window, Instant now) {
        Instant minuteCutoff = SliRules.minuteOf(now).minus(MINUTE_RESOLUTION).truncatedTo(ChronoUnit.HOURS);
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                select date_trunc('hour', minute, 'UTC') as at, sum(good), sum(total) from sli_bucket
                where slo_name = ?1 and minute >= date_trunc('hour', ?2, 'UTC') and minute < ?3 group by 1
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
        return windows(Map.of(slo, window), now).get(slo);
    }

    /**
     * The running window sums of several SLOs (name → window length) as stored, ending {@code now}, in one
     * statement: minutes for the last six hours, hours before that, as {@link #history}. A replica that takes over
     * thousands of SLOs loads them in a few statements rather than one transaction each.
     */
    public Map<String, SliWindows> windows(Map<String, Duration> slos, Instant now) {
        Map<String, SliWindows> loaded = new HashMap<>();
        String[] names = new String[slos.size()];
        Long[] since = new Long[slos.size()];
        int i = 0;
        for (Map.Entry<String, Duration> slo : slos.entrySet()) {
            SliWindows windows = new SliWindows(slo.getValue());
            windows.advance(now);
            loaded.put(slo.getKey(), windows);
            names[i] = slo.getKey();
            since[i++] = now.minus(slo.getValue()).getEpochSecond();
        }
        long minuteCutoff = SliRules.minuteOf(now).minus(MINUTE_RESOLUTION).truncatedTo(ChronoUnit.HOURS).getEpochSecond();
        entityManager.unwrap(Session.class).doWork(connection -> {
            // Each row also says the last minute with events it covers (an hour's is one of its minutes), and a last
            // row per SLO the last minute with events before its window (retention keeps it): the silence a NO_DATA
            // alert measures is rebuilt to the minute, however long it has lasted.
            try (PreparedStatement query = connection.prepareStatement("""
                    select w.slo, extract(epoch from date_trunc('hour', b.minute, 'UTC'))::bigint, sum(b.good), sum(b.total),
                           extract(epoch from max(b.minute) filter (where b.total > 0))::bigint
                    from unnest(?, ?) as w(slo, since) join sli_bucket b on b.slo_name = w.slo
                    where b.minute >= date_trunc('hour', to_timestamp(w.since), 'UTC') and b.minute < to_timestamp(?)
                    group by 1, 2
                    union all
                    select slo_name, extract(epoch from minute)::bigint, good, total,
                           case when total > 0 then extract(epoch from minute)::bigint end
                    from sli_bucket where slo_name = any(?) and minute >= to_timestamp(?)
                    union all
                    select w.slo, null, null, null, extract(epoch from (select max(b.minute) from sli_bucket b
                           where b.slo_name = w.slo and b.minute < date_trunc('hour', to_timestamp(w.since), 'UTC')
                             and b.total > 0))::bigint
                    from unnest(?, ?) as w(slo, since)
                    order by 1, 2
                    """)) {
                Array nameArray = connection.createArrayOf("text", names);
                Array sinceArray = connection.createArrayOf("bigint", since);
                query.setArray(1, nameArray);
                query.setArray(2, sinceArray);
                query.setLong(3, minuteCutoff);
                query.setArray(4, nameArray);
                query.setLong(5, minuteCutoff);
                query.setArray(6, nameArray);
                query.setArray(7, sinceArray);
                query.setFetchSize(10_000); // a 30-day SLO has about 1,100 rows: do not hold thousands of SLOs' at once
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        SliWindows windows = loaded.get(rows.getString(1));
                        long at = rows.getLong(2);
                        if (!rows.wasNull()) {
                            windows.addStored(Instant.ofEpochSecond(at), rows.getLong(3), rows.getLong(4));
                        }
                        long lastHeard = rows.getLong(5);
                        if (!rows.wasNull()) {
                            windows.heardAt(Instant.ofEpochSecond(lastHeard));
                        }
                    }
                }
            }
        });
        return loaded;
    }

    /**
     * Deletes up to {@code max} buckets older than two of their SLO's windows and {@code grace}, but for each SLO's last
     * one with events: when it was last heard from is what a NO_DATA alert's silence is measured from, after a restart
     * too; answers how many. Two windows, not one: the history's points go back one window, and each reads a whole
     * window behind it; kept for one, a point a week back in a 30-day SLO's history read three weeks of its thirty and
     * showed the budget an older outage had spent as unspent. Rows another transaction holds are skipped, so replicas
     * running retention at once share the work instead of waiting on each other.
     */
    int deleteOlderThanHistory(Instant now, Duration grace, int max) {
        return entityManager.createNativeQuery("""
                delete from sli_bucket where ctid = any(array(
                    select b.ctid from sli_bucket b join slo s on b.slo_name = s.name
                    where b.minute < cast(?1 as timestamptz) - make_interval(days => 2 * s.window_days)
                    and (b.total = 0 or exists (select 1 from sli_bucket newer where newer.slo_name = b.slo_name
                                                and newer.minute > b.minute and newer.total > 0))
                    limit ?2 for update of b skip locked))
                """)
                .setParameter(1, OffsetDateTime.ofInstant(now.minus(grace), ZoneOffset.UTC))
                .setParameter(2, max)
                .executeUpdate();
    }

    /**
     * An SLO created under a name another one had starts from nothing, in the transaction that creates it: what a
     * replica that had not yet heard of the old one's delete went on counting under the name goes.
     */
    void clearForNewSlo(@Observes SloChanged changed) {
        if (changed.created()) {
            entityManager.createNativeQuery("delete from sli_bucket where slo_name = ?1").setParameter(1, changed.name())
                    .executeUpdate();
        }
    }

    /** A deleted SLO's counts go with it, in the transaction that deletes it. */
    void deleteWithSlo(@Observes SloDeleted deleted) {
        entityManager.createNativeQuery("delete from sli_bucket where slo_name = ?1").setParameter(1, deleted.name())
                .executeUpdate();
    }
}
