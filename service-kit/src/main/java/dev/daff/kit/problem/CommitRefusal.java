package dev.daff.kit.problem;

import jakarta.enterprise.context.RequestScoped;
import jakarta.transaction.RollbackException;

/**
 * Why this request's transaction was rolled back as it committed, when a step run just before the commit failed
 * (the audit entry's write, when the transaction also holds the work it records). The transaction manager's
 * {@link RollbackException} names only who marked the transaction, so without this an audit write cut off by a
 * PostgreSQL restart answered 500, not 503.
 */
@RequestScoped
public class CommitRefusal {

    private Throwable reason;

    /** Notes why the step before the commit failed; the first reason is kept. */
    public void because(Throwable failure) {
        if (reason == null) {
            reason = failure;
        }
    }

    /**
     * The failure to answer for: the step's own when {@code failure} is the commit it refused, else {@code failure}.
     * The reason is used once, so a later failure of the same request is not answered for it.
     */
    Throwable answerFor(Throwable failure) {
        Throwable step = reason;
        reason = null;
        return step != null && refusedCommit(failure) ? step : failure;
    }

    private static boolean refusedCommit(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof RollbackException) {
                return true;
            }
        }
        return false;
    }
}
