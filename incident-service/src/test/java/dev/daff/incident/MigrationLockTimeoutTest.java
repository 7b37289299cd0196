package dev.daff.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A migration that needs a lock a long transaction holds gives up after the configured wait, rather than wait for
 * good with every later query on the table queued behind it (db/kit/beforeEachMigrate.sql, in every service). Run
 * here through Flyway on a schema of its own, with the kit's migrations and callback and one that alters a table a
 * reader holds.
 */
@QuarkusTest
class MigrationLockTimeoutTest {

    @Inject
    Flyway flyway;

    @Inject
    AgroalDataSource database;

    @Test
    void aMigrationWaitingForALockGivesUpAndGoesThroughOnceTheLockIsFree() throws Exception {
        try (Connection connection = database.getConnection(); Statement sql = connection.createStatement()) {
            sql.execute("drop schema if exists lock_drill cascade");
            sql.execute("drop schema if exists lock_drill_data cascade");
            sql.execute("create schema lock_drill_data");
            sql.execute("create table lock_drill_data.busy (id int)");
        }
        assertEquals("10s", flyway.getConfiguration().getPlaceholders().get("migration_lock_timeout"),
                "the services' own setting");
        Map<String, String> placeholders = new HashMap<>(flyway.getConfiguration().getPlaceholders());
        placeholders.put("migration_lock_timeout", "1s");
        Flyway drill = Flyway.configure(getClass().getClassLoader()).dataSource(database).schemas("lock_drill")
                .locations("classpath:db/kit", "classpath:db/lock-drill").placeholders(placeholders).load();
        ExecutorService migrating = Executors.newSingleThreadExecutor();
        try (Connection reader = database.getConnection(); Statement read = reader.createStatement()) {
            reader.setAutoCommit(false);
            read.executeQuery("select * from lock_drill_data.busy").close(); // holds the table until the rollback
            Future<?> migration = migrating.submit(drill::migrate);
            ExecutionException failed = assertThrows(ExecutionException.class, () -> migration.get(60, TimeUnit.SECONDS),
                    "the migration gave up waiting");
            assertTrue(failed.getCause().getMessage().contains("lock timeout"), failed.getCause().getMessage());
            reader.rollback();
        } finally {
            migrating.shutdownNow();
        }
        assertEquals(0, columns("added_by_migration"), "the migration given up left nothing behind");

        drill.migrate();
        assertEquals(1, columns("added_by_migration"));
        try (Connection connection = database.getConnection(); Statement sql = connection.createStatement()) {
            sql.execute("drop schema lock_drill cascade");
            sql.execute("drop schema lock_drill_data cascade");
        }
    }

    private int columns(String name) throws Exception {
        try (Connection connection = database.getConnection(); Statement sql = connection.createStatement();
                ResultSet found = sql.executeQuery("select count(*) from information_schema.columns"
                        + " where table_schema = 'lock_drill_data' and table_name = 'busy' and column_name = '" + name + "'")) {
            found.next();
            return found.getInt(1);
        }
    }
}
