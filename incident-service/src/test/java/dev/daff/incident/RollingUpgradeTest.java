package dev.daff.incident;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;

import jakarta.inject.Inject;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.ValidateResult;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A replica of the version before a rolling update (or after a rollback) meets a schema the newer version migrated.
 * Kit migrations (service-kit's V0_x) are numbered below each service's own, so to the older replica one it does not
 * know is an applied migration missing locally, not a future one: Flyway's validation refused to start it, and a
 * rollback could not start at all. Here this version meets the history a newer one would leave.
 */
@QuarkusTest
class RollingUpgradeTest {

    @Inject
    Flyway flyway;

    @Inject
    AgroalDataSource database;

    @Test
    void aKitMigrationThisVersionDoesNotKnowDoesNotStopItsStart() throws Exception {
        try (Connection connection = database.getConnection(); Statement sql = connection.createStatement()) {
            sql.execute("""
                    insert into flyway_schema_history (installed_rank, version, description, type, script, checksum,
                        installed_by, execution_time, success)
                    select max(installed_rank) + 1, '0.99', 'a kit migration of a newer version', 'SQL',
                        'V0_99__newer.sql', 1, current_user, 1, true from flyway_schema_history""");
            try {
                ValidateResult validated = flyway.validateWithResult();
                assertTrue(validated.validationSuccessful, validated.getAllErrorMessages());
            } finally {
                sql.execute("delete from flyway_schema_history where version = '0.99'");
            }
        }
    }
}
