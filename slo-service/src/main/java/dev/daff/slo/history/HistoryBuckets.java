package dev.daff.slo.history;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import dev.daff.kit.time.SqlTimes;

/**
 * Reads {@code sli_bucket} for history, never writes it ({@code SliBuckets} owns the table): the minute rows of one
 * SLO in a closed range, oldest first, through the table's primary key (slo_name, minute).
 */
@ApplicationScoped
public class HistoryBuckets {

    private final EntityManager entityManager;

    public HistoryBuckets(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** Each row: epoch minute, good, total. In the caller's transaction. */
    List<long[]> minutes(String slo, Instant from, Instant to) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                select minute, good, total from sli_bucket
                where slo_name = ?1 and minute >= ?2 and minute <= ?3 order by minute
                """)
                .setParameter(1, slo)
                .setParameter(2, OffsetDateTime.ofInstant(from, ZoneOffset.UTC))
                .setParameter(3, OffsetDateTime.ofInstant(to, ZoneOffset.UTC))
                .getResultList();
        return rows.stream().map(row -> new long[] { Math.floorDiv(SqlTimes.toInstant(row[0]).getEpochSecond(), 60),
                ((Number) row[1]).longValue(), ((Number) row[2]).longValue() }).toList();
    }
}
