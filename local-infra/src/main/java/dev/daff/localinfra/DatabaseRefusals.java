package dev.daff.localinfra;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

/**
 * The database refusing some writes for a moment, as in a failover or a restart: a trigger fails the first
 * {@code times} rows of an operation that meet a condition with a transient SQLSTATE, in the service's own database,
 * so the service's real code meets the failure. Closing it removes the trigger, and fails if the fault never came.
 */
public final class DatabaseRefusals implements AutoCloseable {

    private final DataSource database;
    private final String name;
    private final String table;
    private final int times;

    private DatabaseRefusals(DataSource database, String name, String table, int times) {
        this.database = database;
        this.name = name;
        this.table = table;
        this.times = times;
    }

    /**
     * @param name      unique among refusals in place at once (names the trigger, its function and counter)
     * @param operation e.g. {@code "insert on timeline_entry"} or {@code "delete on slo_budget"}
     * @param when      the rows refused, a condition on {@code new} or {@code old} (a subquery may be in it)
     * @param sqlState  e.g. 57P03 (the database is starting up) or 40001 (serialization failure)
     */
    public static DatabaseRefusals refuse(DataSource database, String name, String operation, String when,
            String sqlState, int times) throws SQLException {
        try (Connection connection = database.getConnection(); Statement sql = connection.createStatement()) {
            sql.execute("create sequence " + name + "_refusals");
            // the condition in the function, not the trigger's WHEN: that one takes no subquery
            sql.execute("create function " + name + "_refused() returns trigger language plpgsql as $$ begin"
                    + " if " + when + " then if nextval('" + name + "_refusals') <= " + times + " then"
                    + " raise exception 'the database refuses for a moment' using errcode = '" + sqlState + "';"
                    + " end if; end if;"
                    + " return case when tg_op = 'DELETE' then old else new end; end $$");
            sql.execute("create trigger " + name + "_refused before " + operation + " for each row execute function "
                    + name + "_refused()");
        }
        return new DatabaseRefusals(database, name, operation.substring(operation.indexOf(" on ") + 4), times);
    }

    /** Removes the trigger; fails if fewer rows than asked were refused, so a test cannot pass without its fault. */
    @Override
    public void close() throws SQLException {
        try (Connection connection = database.getConnection(); Statement sql = connection.createStatement()) {
            long refused;
            try (ResultSet counted = sql.executeQuery("select case when is_called then last_value else 0 end from "
                    + name + "_refusals")) {
                counted.next();
                refused = Math.min(counted.getLong(1), times);
            }
            sql.execute("drop trigger " + name + "_refused on " + table);
            sql.execute("drop function " + name + "_refused()");
            sql.execute("drop sequence " + name + "_refusals");
            if (refused < times) {
                throw new IllegalStateException("the database refused " + refused + " of the " + times + " rows asked ("
                        + name + "): the fault under test never happened");
            }
        }
    }
}
