package dev.daff.slo.definition;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.TypedQuery;

import javax.sql.DataSource;

import org.hibernate.jpa.HibernateHints;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class SloDefinitions implements PanacheRepositoryBase<Slo, String> {

    /** Names per query: far below the JDBC parameter limit. */
    private static final int CHUNK = 1_000;
    private static final String EVERY_COLUMN = """
            select name, service, team, description, objective, window_days, min_events, no_data_after_seconds,
                   volume_drop_enabled, volume_drop_ratio, page_fast_budget, page_slow_budget, ticket_fast_budget,
                   ticket_slow_budget, exhaustion_alerts_enabled, exhaustion_rate_window_seconds,
                   exhaustion_ticket_within_seconds, exhaustion_page_within_seconds, budget_drop_enabled,
                   budget_drop_fraction, budget_drop_window_seconds, budget_drop_severity, prometheus_error_query,
                   prometheus_total_query, created_at, updated_at, version, generation
            from slo""";

    private final DataSource dataSource;

    public SloDefinitions(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Every SLO's name and definition version, cheaply: what a replica compares its copies with each tick. Plain JDBC
     * like {@link #all()}: on a replica's start this is the first query, and Hibernate's first one took 0.9 s.
     */
    public Map<String, Slo.Revision> versions() {
        Map<String, Slo.Revision> versions = new HashMap<>();
        read("select name, generation, version from slo",
                row -> versions.put(row.getString(1), new Slo.Revision(row.getLong(2), row.getLong(3))));
        return versions;
    }

    /**
     * Whether the SLO is still stored as {@code revision} (its generation and its version), holding its row until the
     * caller's transaction ends: a delete (which locks the row first) then waits for what the caller stores about it,
     * and resolves it; a change through another replica meanwhile makes what the old definition judged not stored.
     */
    public boolean stillStored(String name, Slo.Revision revision) {
        List<?> found = getEntityManager()
                .createNativeQuery("select generation, version from slo where name = ?1 for share")
                .setParameter(1, name).getResultList();
        if (found.isEmpty()) {
            return false;
        }
        Object[] stored = (Object[]) found.get(0);
        return ((Number) stored[0]).longValue() == revision.generation()
                && ((Number) stored[1]).longValue() == revision.version();
    }

    /**
     * The version a new SLO starts at: past every version an SLO deleted before it had (each create starts 2^20 edits
     * further on), so a {@code PUT} made from a read of that one is stale here too, not applied to another SLO.
     */
    public long firstVersion() {
        return ((Number) getEntityManager().createNativeQuery("select nextval('slo_version_start')").getSingleResult())
                .longValue() << 20;
    }

    /** The window of each named SLO that exists, in days; one query per {@value #CHUNK} names. */
    public Map<String, Integer> windowDays(List<String> names) {
        Map<String, Integer> days = new HashMap<>();
        for (int from = 0; from < names.size(); from += CHUNK) {
            getEntityManager().createQuery("select s.name, s.windowDays from Slo s where s.name in ?1", Object[].class)
                    .setParameter(1, names.subList(from, Math.min(names.size(), from + CHUNK))).getResultList()
                    .forEach(row -> days.put((String) row[0], ((Number) row[1]).intValue()));
        }
        return days;
    }

    /**
     * The named definitions, detached: copies a replica may keep after the transaction. All read at once when they
     * are most of them (a replica's start, 10,000 SLOs before it says ready), else read-only in lists of
     * {@value #CHUNK} names (no snapshot for dirty checking).
     */
    public List<Slo> detached(List<String> names, int known) {
        if (names.size() > known / 2) {
            Set<String> wanted = new HashSet<>(names);
            return all().stream().filter(slo -> wanted.contains(slo.name)).toList();
        }
        List<Slo> found = new ArrayList<>();
        for (int from = 0; from < names.size(); from += CHUNK) {
            found.addAll(readOnly(getEntityManager().createQuery("from Slo s where s.name in ?1", Slo.class))
                    .setParameter(1, names.subList(from, Math.min(names.size(), from + CHUNK))).getResultList());
        }
        return found;
    }

    /**
     * Every definition, in one plain JDBC statement: never managed, so never written back. Measured with 10,020 SLOs
     * on a cold replica, Hibernate took 1.5 s to build the entities (its first use of the entity's loaders and
     * the read-only bookkeeping per row); the rows themselves take PostgreSQL and the driver a tenth of that.
     */
    public List<Slo> all() {
        List<Slo> all = new ArrayList<>();
        read(EVERY_COLUMN, row -> all.add(copyOf(row)));
        return all;
    }

    private interface RowReader {
        void read(ResultSet row) throws SQLException;
    }

    private void read(String sql, RowReader reader) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                reader.read(rows);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the SLO definitions failed: " + e.getMessage(), e);
        }
    }

    private static Slo copyOf(ResultSet row) throws SQLException {
        Slo slo = new Slo();
        slo.name = row.getString("name");
        slo.service = row.getString("service");
        slo.team = row.getString("team");
        slo.description = row.getString("description");
        slo.objective = row.getDouble("objective");
        slo.windowDays = row.getInt("window_days");
        slo.minEvents = row.getLong("min_events");
        slo.noDataAfterSeconds = row.getLong("no_data_after_seconds");
        slo.volumeDropEnabled = row.getBoolean("volume_drop_enabled");
        slo.volumeDropRatio = row.getDouble("volume_drop_ratio");
        slo.pageFastBudget = row.getDouble("page_fast_budget");
        slo.pageSlowBudget = row.getDouble("page_slow_budget");
        slo.ticketFastBudget = row.getDouble("ticket_fast_budget");
        slo.ticketSlowBudget = row.getDouble("ticket_slow_budget");
        slo.exhaustionAlertsEnabled = row.getBoolean("exhaustion_alerts_enabled");
        slo.exhaustionRateWindowSeconds = row.getLong("exhaustion_rate_window_seconds");
        slo.exhaustionTicketWithinSeconds = row.getLong("exhaustion_ticket_within_seconds");
        slo.exhaustionPageWithinSeconds = row.getLong("exhaustion_page_within_seconds");
        slo.budgetDropEnabled = row.getBoolean("budget_drop_enabled");
        slo.budgetDropFraction = row.getDouble("budget_drop_fraction");
        slo.budgetDropWindowSeconds = row.getLong("budget_drop_window_seconds");
        slo.budgetDropSeverity = row.getString("budget_drop_severity");
        slo.prometheusErrorQuery = row.getString("prometheus_error_query");
        slo.prometheusTotalQuery = row.getString("prometheus_total_query");
        slo.createdAt = row.getObject("created_at", OffsetDateTime.class).toInstant();
        slo.updatedAt = row.getObject("updated_at", OffsetDateTime.class).toInstant();
        slo.version = row.getLong("version");
        slo.generation = row.getLong("generation");
        return slo;
    }

    private static <T> TypedQuery<T> readOnly(TypedQuery<T> query) {
        return query.setHint(HibernateHints.HINT_READ_ONLY, true);
    }
}
