package dev.daff.localinfra;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

/**
 * How many sessions wait for a lock a test holds open, so a race can be staged step by step: hold a lock as one
 * transaction would, start the other, and go on once it waits.
 */
public final class LockWaits {

    private LockWaits() {
    }

    /**
     * Sessions waiting for a row another transaction locked (or wrote): the first waits on that transaction's id, the
     * ones after it on the row's tuple lock, which the first holds.
     */
    public static long onRows(DataSource database) throws SQLException {
        return count(database, "'transactionid', 'tuple'");
    }

    /** Sessions waiting for an advisory lock ({@code pg_advisory_xact_lock}). */
    public static long onAdvisoryLocks(DataSource database) throws SQLException {
        return count(database, "'advisory'");
    }

    private static long count(DataSource database, String lockTypes) throws SQLException {
        try (Connection connection = database.getConnection(); Statement sql = connection.createStatement();
                ResultSet result = sql.executeQuery(
                        "select count(*) from pg_locks where locktype in (" + lockTypes + ") and not granted")) {
            result.next();
            return result.getLong(1);
        }
    }
}
