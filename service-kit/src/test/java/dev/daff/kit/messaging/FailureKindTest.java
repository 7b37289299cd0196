package dev.daff.kit.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.SQLException;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonParseException;

import dev.daff.kit.problem.ProblemException;

class FailureKindTest {

    @Test
    void aDatabaseThatRestartsOrIsBusyIsTransientWhereverTheCauseSits() {
        assertEquals(FailureKind.TRANSIENT, FailureKind.of(wrapped(new SQLException("terminating connection", "57P01"))));
        assertEquals(FailureKind.TRANSIENT, FailureKind.of(wrapped(new SQLException("connection refused", "08001"))));
        assertEquals(FailureKind.TRANSIENT, FailureKind.of(wrapped(new SQLException("could not serialize", "40001"))));
        assertEquals(FailureKind.TRANSIENT, FailureKind.of(wrapped(new SQLException("deadlock detected", "40P01"))));
        assertEquals(FailureKind.TRANSIENT, FailureKind.of(wrapped(new SQLException("lock timeout", "55P03"))));
        assertEquals(FailureKind.TRANSIENT, FailureKind.of(wrapped(new SQLException("too many connections", "53300"))));
        // A failover: the pool still holds a connection to the old primary, now a read-only standby.
        assertEquals(FailureKind.TRANSIENT, FailureKind.of(wrapped(new SQLException(
                "cannot execute INSERT in a read-only transaction", "25006"))));
        assertEquals(FailureKind.TRANSIENT, FailureKind.of(wrapped(new SQLException(
                "terminating connection due to idle-in-transaction timeout", "25P03"))));
        assertEquals(FailureKind.TRANSIENT,
                FailureKind.of(wrapped(new SQLException("Acquisition timeout while waiting for new connection"))));
        assertEquals(FailureKind.TRANSIENT,
                FailureKind.of(wrapped(new org.apache.kafka.common.errors.TimeoutException("broker away"))));
        assertEquals(FailureKind.TRANSIENT, FailureKind.of(new ProblemException(409, "stale", "Stale", "retry")));
    }

    @Test
    void whatCanNeverSucceedIsPermanent() {
        assertEquals(FailureKind.PERMANENT, FailureKind.of(wrapped(new SQLException("value too long", "22001"))));
        assertEquals(FailureKind.PERMANENT, FailureKind.of(wrapped(new SQLException("violates check", "23514"))));
        assertEquals(FailureKind.PERMANENT, FailureKind.of(new JsonParseException(null, "unexpected end")));
        assertEquals(FailureKind.PERMANENT, FailureKind.of(new UnprocessableEvent("unknown type")));
        assertEquals(FailureKind.PERMANENT, FailureKind.of(ProblemException.invalidField("kind", "unknown")));
        assertEquals(FailureKind.PERMANENT, FailureKind.of(new IllegalArgumentException("Invalid UUID string: x")));
        jakarta.transaction.RollbackException duplicate = new jakarta.transaction.RollbackException("commit failed");
        duplicate.initCause(new SQLException("duplicate key", "23505"));
        assertEquals(FailureKind.PERMANENT, FailureKind.of(duplicate));
        // A value no conversion to the database takes fails at commit, wrapped in the rollback: it is its cause
        // that says whether trying again can help, not the rollback.
        jakarta.transaction.RollbackException unconvertible = new jakarta.transaction.RollbackException("commit failed");
        unconvertible.initCause(new IllegalArgumentException("Timestamp out of range"));
        assertEquals(FailureKind.PERMANENT, FailureKind.of(unconvertible));
    }

    @Test
    void anythingElseIsUnknownAndRetriedOnlyAFewTimes() {
        assertEquals(FailureKind.UNKNOWN, FailureKind.of(new NullPointerException()));
        assertEquals(FailureKind.UNKNOWN, FailureKind.of(wrapped(new SQLException("permission denied", "42501"))));
    }

    @Test
    void anApiAnswers503OnlyForWhatPassesByItself() {
        assertEquals(true, dev.daff.kit.problem.TransientFailures.isTransient(
                new jakarta.transaction.RollbackException("commit failed")));
        assertEquals(true, dev.daff.kit.problem.TransientFailures.isTransient(
                wrapped(new SQLException("terminating connection", "57P01"))));
        jakarta.transaction.RollbackException duplicate = new jakarta.transaction.RollbackException("commit failed");
        duplicate.initCause(new SQLException("duplicate key", "23505"));
        assertEquals(false, dev.daff.kit.problem.TransientFailures.isTransient(duplicate));
        assertEquals(false, dev.daff.kit.problem.TransientFailures.isTransient(new NullPointerException()));
    }

    private static RuntimeException wrapped(Throwable cause) {
        return new RuntimeException("transaction failed", new IllegalStateException("statement failed", cause));
    }
}
