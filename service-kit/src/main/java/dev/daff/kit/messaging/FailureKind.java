package dev.daff.kit.messaging;

import java.sql.SQLException;
import java.time.DateTimeException;
import java.util.Set;

import dev.daff.kit.problem.ProblemException;

/**
 * Why applying an event failed, which decides what happens to it: a {@link #TRANSIENT} failure (the database
 * restarting, a pool exhausted, a lock or serialization conflict, the broker away) is retried until it succeeds
 * while the partition waits, and never reaches a dead-letter topic; a {@link #PERMANENT} one can never succeed and
 * is dead-lettered at once; an {@link #UNKNOWN} one (most likely a bug) is retried a few times, then dead-lettered
 * so that one bad event cannot stop a partition for good.
 */
public enum FailureKind {
    TRANSIENT, PERMANENT, UNKNOWN;

    /** PostgreSQL SQLSTATE classes that say "try again": connection, transaction rollback, resources, operator. */
    private static final Set<String> TRANSIENT_SQL_CLASSES = Set.of("08", "40", "53", "57", "58");
    /** PostgreSQL SQLSTATE classes that say "this data is wrong": data exception, integrity constraint. */
    private static final Set<String> PERMANENT_SQL_CLASSES = Set.of("22", "23");

    public static FailureKind of(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            FailureKind kind = classify(cause);
            if (kind != null) {
                return kind;
            }
        }
        return UNKNOWN;
    }

    private static FailureKind classify(Throwable cause) {
        if (cause instanceof UnprocessableEvent || cause instanceof com.fasterxml.jackson.core.JacksonException
                || cause instanceof jakarta.validation.ConstraintViolationException
                || cause instanceof DateTimeException || cause instanceof IllegalArgumentException) {
            return PERMANENT;
        }
        if (cause instanceof ProblemException problem) {
            return problem.status() < 500 && problem.status() != 409 ? PERMANENT : TRANSIENT;
        }
        if (cause instanceof SQLException sql) {
            String state = sql.getSQLState();
            if (state == null || state.length() < 2) {
                return TRANSIENT; // the pool's own failures (acquisition timeout) carry no state
            }
            String sqlClass = state.substring(0, 2);
            if (TRANSIENT_SQL_CLASSES.contains(sqlClass) || "55P03".equals(state)) {
                return TRANSIENT;
            }
            if (PERMANENT_SQL_CLASSES.contains(sqlClass)) {
                return PERMANENT;
            }
            return null;
        }
        if (cause instanceof jakarta.persistence.OptimisticLockException
                || cause instanceof jakarta.persistence.PessimisticLockException
                || cause instanceof jakarta.persistence.LockTimeoutException
                || cause instanceof jakarta.persistence.QueryTimeoutException
                || cause instanceof org.hibernate.exception.JDBCConnectionException
                || cause instanceof org.hibernate.StaleStateException
                || cause instanceof org.apache.kafka.common.errors.RetriableException
                || cause instanceof java.net.ConnectException
                || cause instanceof java.net.SocketTimeoutException
                || cause instanceof java.util.concurrent.TimeoutException
                || cause instanceof jakarta.transaction.RollbackException
                || cause instanceof jakarta.transaction.SystemException) {
            return TRANSIENT;
        }
        return null;
    }
}
