package dev.daff.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Incidents reopened before a reopen sent the washup back to draft and voided the waiver (V51 and before): the
 * migration after does it for them, as the services would have, and leaves alone a washup reviewed again since, and
 * a finalised incident. Run through Flyway on a schema of its own, migrated to V51, given such incidents, then on.
 */
@QuarkusTest
class ReopenedBeforeUpgradeTest {

    @Inject
    Flyway flyway;

    @Inject
    AgroalDataSource database;

    @Test
    void aWashupReviewedAndAWaiverGivenBeforeAReopenAreUndoneAsTheServiceWouldHave() throws Exception {
        try (Connection connection = database.getConnection(); Statement sql = connection.createStatement()) {
            sql.execute("drop schema if exists reopen_drill cascade");
        }
        migrate("51");
        UUID reopened = UUID.randomUUID();
        UUID reviewedAgain = UUID.randomUUID();
        UUID finalised = UUID.randomUUID();
        try (Connection connection = database.getConnection(); Statement sql = connection.createStatement()) {
            sql.execute("set search_path to reopen_drill");
            incident(sql, reopened, "RESOLVED", "2026-11-01T10:00:00Z", "2026-11-02T10:00:00Z");
            sql.execute("insert into washup_reviewer (incident_id, position, name) values ('" + reopened + "', 0, 'bob')");
            sql.execute("insert into finalisation (incident_id, finalisable, ready_since, waiver_reason, waiver_recorded_by,"
                    + " waiver_recorded_at, waiver_approved_by, waiver_approved_at) values ('" + reopened + "', true,"
                    + " '2026-11-01T11:00:00Z', 'duplicate of another incident', 'alice', '2026-11-01T11:00:00Z', 'carol',"
                    + " '2026-11-01T11:00:00Z')");
            incident(sql, reviewedAgain, "RESOLVED", "2026-11-03T10:00:00Z", "2026-11-02T10:00:00Z");
            incident(sql, finalised, "FINALISED", "2026-11-01T10:00:00Z", "2026-11-02T10:00:00Z");
        }
        migrate(null);
        try (Connection connection = database.getConnection(); Statement sql = connection.createStatement()) {
            sql.execute("set search_path to reopen_drill");
            assertEquals(List.of("DRAFT", "null", "2026-11-02 10:00:00+00", "1"), row(sql, "select status, reviewed_by,"
                    + " reopened_at at time zone 'UTC' || '+00', version from washup where incident_id = '" + reopened + "'"));
            assertEquals(List.of("0"), row(sql, "select count(*) from washup_reviewer where incident_id = '" + reopened + "'"));
            assertEquals(List.of("null", "f"), row(sql, "select waiver_reason, finalisable from finalisation"
                    + " where incident_id = '" + reopened + "'"));
            assertEquals(List.of("FINALISATION_WAIVER_VOIDED", "WASHUP_REOPENED"), column(sql, "select kind from"
                    + " timeline_entry where incident_id = '" + reopened + "' and kind <> 'STATUS_CHANGED' order by kind"));
            assertEquals(List.of("[\"bob\"]"), row(sql, "select (data::json -> 'reviewers')::text from timeline_entry"
                    + " where incident_id = '" + reopened + "' and kind = 'WASHUP_REOPENED'"));

            assertEquals(List.of("REVIEWED"), row(sql, "select status from washup where incident_id = '" + reviewedAgain + "'"),
                    "reviewed again after its reopen");
            assertEquals(List.of("REVIEWED"), row(sql, "select status from washup where incident_id = '" + finalised + "'"),
                    "a finalised incident stays as it was finalised");
            sql.execute("set search_path to public");
            sql.execute("drop schema reopen_drill cascade");
        }
    }

    private void migrate(String target) {
        Map<String, String> placeholders = new HashMap<>(flyway.getConfiguration().getPlaceholders());
        var configured = Flyway.configure(getClass().getClassLoader()).dataSource(database).schemas("reopen_drill")
                .locations("classpath:db/kit", "classpath:db/migration").outOfOrder(true).placeholders(placeholders);
        (target == null ? configured : configured.target(target)).load().migrate();
    }

    /** An incident with a washup reviewed at {@code reviewedAt} and a reopen at {@code reopenedAt}. */
    private static void incident(Statement sql, UUID id, String status, String reviewedAt, String reopenedAt)
            throws Exception {
        sql.execute("insert into incident (id, title, severity, status, team, detection_source, detected_at, created_at,"
                + " version) values ('" + id + "', 'Checkout errors', 'SEV2', '" + status + "', 'payments', 'HUMAN',"
                + " '2026-11-01T09:00:00Z', '2026-11-01T09:00:00Z', 3)");
        sql.execute("insert into washup (incident_id, status, root_cause, whys, went_well, went_wrong, got_lucky,"
                + " updated_at, updated_by, reviewed_at, reviewed_by, why_fix_did_not_hold) values ('" + id + "',"
                + " 'REVIEWED', 'pool too small', '[]', '[]', '[]', '[]', '" + reviewedAt + "', 'alice', '" + reviewedAt
                + "', 'alice', 'an earlier answer')");
        sql.execute("insert into timeline_entry (incident_id, at, kind, phase, actor, text, data, recorded_at) values ('"
                + id + "', '" + reopenedAt + "', 'STATUS_CHANGED', 'FIX', 'alice', 'Reopened: the problem came back',"
                + " '{\"from\":\"RESOLVED\",\"to\":\"FIXING\"}', '" + reopenedAt + "')");
    }

    private static List<String> row(Statement sql, String query) throws Exception {
        try (ResultSet found = sql.executeQuery(query)) {
            List<String> values = new ArrayList<>();
            if (found.next()) {
                for (int i = 1; i <= found.getMetaData().getColumnCount(); i++) {
                    values.add(String.valueOf(found.getString(i)));
                }
            }
            return values;
        }
    }

    private static List<String> column(Statement sql, String query) throws Exception {
        try (ResultSet found = sql.executeQuery(query)) {
            List<String> values = new ArrayList<>();
            while (found.next()) {
                values.add(found.getString(1));
            }
            return values;
        }
    }
}
