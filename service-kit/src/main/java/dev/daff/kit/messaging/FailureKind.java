package dev.daff.kit.messaging;

import java.sql.SQLException;
import java.time.DateTimeException;
import java.util.Optional;
import java.util.Set;

import dev.daff.kit.problem.ProblemException;
import dev.daff.kit.problem.TransientFailures;

/**
 * Why applying an event failed, which decides what happens to it: a {@link #TRANSIENT} failure (the database
 * restarting, a pool exhausted, a lock or serialization conflict, the broker away) is retried until it succeeds
 * while the partition waits, and never reaches a dead-letter topic; a {@link #PERMANENT} one can never succeed and
 * is dead-lettered at once; an {@link #UNKNOWN} one (most likely a bug) is retried a few times, then dead-lettered
 * so that one bad event cannot stop a partition for good.
 */
public enum FailureKind {
    TRANSIENT, PERMANENT, UNKNOWN;

    /** PostgreSQL SQLSTATE classes that say "this data is wrong": data exception, integrity constraint. */
    private static final Set<String> PERMANENT_SQL_CLASSES = Set.of("22", "23");

    public static FailureKind of(Throwable failure) {
        // The database's own verdict wins over whatever wraps it (a rollback caused by a constraint violation).
        Optional<SQLException> database = TransientFailures.databaseError(failure);
        if (database.isPresent()) {
            FailureKind kind = classify(database.get());
            return kind == null ? UNKNOWN : kind;
        }
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
        if (cause instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().length() >= 2
                && PERMANENT_SQL_CLASSES.contains(sql.getSQLState().substring(0, 2))) {
            return PERMANENT;
        }
        if (TransientFailures.isTransientItself(cause)) {
            return TRANSIENT;
        }
        return null;
    }
}
