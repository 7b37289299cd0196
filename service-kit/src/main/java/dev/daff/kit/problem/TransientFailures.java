package dev.daff.kit.problem;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import io.quarkus.runtime.ApplicationLifecycleManager;

/**
 * Failures that pass by themselves: PostgreSQL restarting or refusing connections, a pool exhausted, a
 * serialization or lock conflict, the broker away. An API answers them 503 with {@code Retry-After} (the client
 * may simply retry); a consumer retries them while its partition waits.
 */
public final class TransientFailures {

    /** PostgreSQL SQLSTATE classes that say "try again": connection, transaction rollback, resources, operator. */
    private static final Set<String> TRANSIENT_SQL_CLASSES = Set.of("08", "40", "53", "57", "58");
    /**
     * And single states: a lock not available at once; a read-only transaction (after a failover the pool still holds
     * connections to the old primary, now a standby); a session ended for idling in a transaction (a stall). Unknown,
     * they were dead-lettered after five quick attempts: for an alert, a page missed until someone replays it.
     */
    private static final Set<String> TRANSIENT_SQL_STATES = Set.of("55P03", "25006", "25P03");

    private TransientFailures() {
    }

    /** Whether this failure, or one of its causes, is known to pass by itself. */
    public static boolean isTransient(Throwable failure) {
        // The database's own verdict wins: a rollback caused by a constraint violation is no passing trouble.
        Optional<SQLException> database = databaseError(failure);
        if (database.isPresent()) {
            return isTransientItself(database.get());
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (isTransientItself(cause)) {
                return true;
            }
        }
        return false;
    }

    /** The first SQL failure in the chain: the database's own verdict, which wins over whatever wraps it. */
    public static Optional<SQLException> databaseError(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLException sql) {
                return Optional.of(sql);
            }
        }
        return Optional.empty();
    }

    public static boolean isTransientItself(Throwable cause) {
        if (cause instanceof SQLException sql) {
            String state = sql.getSQLState();
            // the pool's own failures (acquisition timeout) carry no state
            return state == null || state.length() < 2 || TRANSIENT_SQL_CLASSES.contains(state.substring(0, 2))
                    || TRANSIENT_SQL_STATES.contains(state);
        }
        return cause instanceof jakarta.persistence.OptimisticLockException
                || cause instanceof jakarta.persistence.PessimisticLockException
                || cause instanceof jakarta.persistence.LockTimeoutException
                || cause instanceof jakarta.persistence.QueryTimeoutException
                || cause instanceof org.hibernate.exception.JDBCConnectionException
                || cause instanceof org.hibernate.StaleStateException
                || cause instanceof org.apache.kafka.common.errors.RetriableException
                || cause instanceof java.net.ConnectException
                || cause instanceof java.net.SocketTimeoutException
                || cause instanceof java.util.concurrent.TimeoutException
                // A rollback at commit is transient by itself, not when it carries why: a value no conversion to the
                // database takes failed one at every try, and was retried for good.
                || cause instanceof jakarta.transaction.RollbackException && cause.getCause() == null
                || cause instanceof jakarta.transaction.SystemException;
    }

    /** The first pause of {@link #retried}; each next one doubles, up to its {@code maxPause}. */
    private static final long FIRST_PAUSE_MILLIS = 250;

    /**
     * How many tries {@link #retried}'s pauses (up to {@code maxPause}) fit into {@code time}, and at least
     * {@code atLeast}: to keep trying for as long as something holds rather than a fixed number of times.
     */
    public static int triesWithin(Duration time, Duration maxPause, int atLeast) {
        long left = time.toMillis();
        long pause = FIRST_PAUSE_MILLIS;
        int tries = 1;
        while (left >= pause) {
            left -= pause;
            tries++;
            pause = Math.min(pause * 2, maxPause.toMillis());
        }
        return Math.max(tries, atLeast);
    }

    /**
     * Runs {@code work}, again after each transient failure, pausing 0.25 s and doubling up to {@code maxPause}
     * between tries, at most {@code tries} times. A failure that is not transient, the last try's, or one while the
     * JVM stops is thrown; {@code onRetry} hears of each failure tried again (to log it).
     */
    public static void retried(Runnable work, int tries, Duration maxPause, Consumer<RuntimeException> onRetry) {
        long pauseMillis = FIRST_PAUSE_MILLIS;
        for (int tried = 1;; tried++) {
            try {
                work.run();
                return;
            } catch (RuntimeException e) {
                if (tried >= tries || !isTransient(e) || ApplicationLifecycleManager.isVmShuttingDown()) {
                    throw e;
                }
                onRetry.accept(e);
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                pauseMillis = Math.min(pauseMillis * 2, maxPause.toMillis());
            }
        }
    }
}
