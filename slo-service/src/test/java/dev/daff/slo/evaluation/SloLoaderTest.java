package dev.daff.slo.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.daff.localinfra.SimulatedClock;
import dev.daff.slo.burn.AlertEvaluator;
import dev.daff.slo.burn.AlertKind;
import dev.daff.slo.burn.AlertTransition;
import dev.daff.slo.definition.Slo;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * One SLO whose stored episode this version cannot read — a kind a newer version wrote, then rolled back — keeps only
 * itself from being loaded: the rest of its chunk is loaded one by one, sums and open episodes, and evaluated.
 */
@QuarkusTest
class SloLoaderTest {

    private static final List<String> NAMES = List.of("loader-burning", "loader-unreadable", "loader-quiet");

    @Inject
    SloLoader loader;

    @Inject
    AgroalDataSource database;

    @Inject
    SimulatedClock clock;

    @Test
    void anEpisodeThisVersionCannotReadLeavesOnlyItsOwnSloUnloaded() throws Exception {
        Instant minute = clock.instant().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(3));
        try (Connection connection = database.getConnection()) {
            try (PreparedStatement bucket = connection.prepareStatement(
                    "insert into sli_bucket (slo_name, minute, good, total) values (?, ?, 90, 100)")) {
                for (String slo : List.of("loader-burning", "loader-unreadable")) {
                    bucket.setString(1, slo);
                    bucket.setTimestamp(2, Timestamp.from(minute));
                    bucket.addBatch();
                }
                bucket.executeBatch();
            }
            insertOpenEpisode(connection, "loader-burning", AlertKind.BURN_RATE.name(), minute);
            insertOpenEpisode(connection, "loader-unreadable", "FROM_A_NEWER_VERSION", minute);
        }
        try {
            List<TrackedSlo> slos = NAMES.stream().map(SloLoaderTest::tracked).toList();
            AlertEvaluator alerts = new AlertEvaluator();

            loader.load(slos, alerts);

            TrackedSlo burning = slos.get(0);
            assertNotNull(burning.windows, "the readable SLO of the failed chunk is loaded on its own");
            assertEquals(100, burning.windows.total(Duration.ofDays(30)));
            assertEquals(List.of(AlertKind.BURN_RATE),
                    alerts.activeAlerts("loader-burning").stream().map(AlertTransition::kind).toList());
            assertNull(slos.get(1).windows, "the SLO whose episode cannot be read stays unloaded, for the next load");
            assertNotNull(slos.get(2).windows, "an SLO without data is loaded with empty sums");
            assertEquals(0, slos.get(2).windows.total(Duration.ofDays(30)));
        } finally {
            try (Connection connection = database.getConnection(); Statement sql = connection.createStatement()) {
                sql.executeUpdate("delete from slo_alert where slo_name like 'loader-%'");
                sql.executeUpdate("delete from sli_bucket where slo_name like 'loader-%'");
            }
        }
    }

    private static TrackedSlo tracked(String name) {
        Slo slo = new Slo();
        slo.name = name;
        slo.objective = 99.9;
        slo.windowDays = 30;
        slo.pageFastBudget = 0.02;
        slo.pageSlowBudget = 0.05;
        slo.ticketFastBudget = 0.10;
        slo.ticketSlowBudget = 0.10;
        slo.noDataAfterSeconds = 600;
        slo.volumeDropRatio = 0.5;
        return TrackedSlo.of(slo);
    }

    private static void insertOpenEpisode(Connection connection, String slo, String kind, Instant firedAt)
            throws Exception {
        try (PreparedStatement insert = connection.prepareStatement("insert into slo_alert (alert_id, dedup_key,"
                + " slo_name, severity, kind, burn_rate_long, burn_rate_short, threshold, budget_remaining, fired_at)"
                + " values (?, ?, ?, 'PAGE', ?, 20, 30, 14.4, 0.9, ?)")) {
            String id = UUID.randomUUID().toString();
            insert.setString(1, id);
            insert.setString(2, slo + ":" + id);
            insert.setString(3, slo);
            insert.setString(4, kind);
            insert.setTimestamp(5, Timestamp.from(firedAt));
            insert.executeUpdate();
        }
    }
}
