package dev.daff.kit.db;

import jakarta.persistence.EntityManager;

/**
 * PostgreSQL's transaction-scoped advisory locks, the one way the services make replicas take turns on something
 * that has no row to lock yet (a name not yet created, a request key, a whole scheduled job). Each lock is held until
 * the caller's transaction ends; another transaction asking for the same key waits for it and then sees what it
 * committed.
 *
 * <p>Text keys are hashed in PostgreSQL ({@code hashtextextended}), not in Java: replicas of different versions
 * during a rollout must keep computing the same lock for the same text.
 */
public final class AdvisoryLocks {

    private AdvisoryLocks() {
    }

    /** Waits for, then holds until the transaction ends, the lock named {@code key}. */
    public static void take(EntityManager entityManager, String key) {
        entityManager.createNativeQuery("select pg_advisory_xact_lock(hashtextextended(?1, 0))")
                .setParameter(1, key).getSingleResult();
    }

    /** Takes the lock named {@code key} and holds it until the transaction ends, if no one else holds it. */
    public static boolean tryTake(EntityManager entityManager, String key) {
        return (Boolean) entityManager.createNativeQuery("select pg_try_advisory_xact_lock(hashtextextended(?1, 0))")
                .setParameter(1, key).getSingleResult();
    }

    /**
     * The lock named {@code prefix} followed by {@code name} in PostgreSQL's lower case, so that "Checkout" and
     * "checkout" take turns; {@code prefix} is taken as it is.
     */
    public static void takeIgnoringCase(EntityManager entityManager, String prefix, String name) {
        entityManager.createNativeQuery("select pg_advisory_xact_lock(hashtextextended(?1 || lower(?2), 0))")
                .setParameter(1, prefix).setParameter(2, name).getSingleResult();
    }

    /** The lock numbered {@code key}: for one job of the whole service, named by a constant. */
    public static void take(EntityManager entityManager, long key) {
        entityManager.createNativeQuery("select pg_advisory_xact_lock(?1)")
                .setParameter(1, key).getSingleResult();
    }
}
