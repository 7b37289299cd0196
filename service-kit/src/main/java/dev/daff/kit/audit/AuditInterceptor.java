package dev.daff.kit.audit;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.hibernate.Interceptor;
import org.hibernate.Transaction;
import org.hibernate.type.Type;

import io.quarkus.hibernate.orm.PersistenceUnitExtension;

/**
 * Sees every entity the persistence unit inserts, updates or deletes, and hands it to the current transaction's
 * audit entry ({@link AuditTrail}); after Hibernate's last flush before commit it has the entry written. Nothing a
 * write path does or forgets can keep its entity writes out of the log.
 */
@PersistenceUnitExtension
@ApplicationScoped
public class AuditInterceptor implements Interceptor {

    // looked up on first use: the interceptor is made while the session factory is built, before sessions exist
    private final Instance<AuditTrail> trail;

    public AuditInterceptor(Instance<AuditTrail> trail) {
        this.trail = trail;
    }

    @Override
    public boolean onPersist(Object entity, Object id, Object[] state, String[] propertyNames, Type[] types) {
        PendingAudit pending = trail.get().pending();
        if (pending != null) {
            List<String> set = new ArrayList<>();
            for (int i = 0; i < propertyNames.length; i++) {
                if (state[i] != null) {
                    set.add(propertyNames[i]);
                }
            }
            pending.touch(entity, trail.get().typeOf(entity), id, AuditedChange.INSERT, set);
        }
        return false;
    }

    @Override
    public boolean onFlushDirty(Object entity, Object id, Object[] currentState, Object[] previousState,
            String[] propertyNames, Type[] types) {
        PendingAudit pending = trail.get().pending();
        if (pending != null) {
            List<String> changed = new ArrayList<>();
            for (int i = 0; i < propertyNames.length; i++) {
                if (previousState == null || !types[i].isEqual(currentState[i], previousState[i])) {
                    changed.add(propertyNames[i]);
                }
            }
            pending.touch(entity, trail.get().typeOf(entity), id, AuditedChange.UPDATE, changed);
        }
        return false;
    }

    @Override
    public void onRemove(Object entity, Object id, Object[] state, String[] propertyNames, Type[] types) {
        PendingAudit pending = trail.get().pending();
        if (pending != null) {
            pending.touch(entity, trail.get().typeOf(entity), id, AuditedChange.DELETE, List.of());
        }
    }

    @Override
    public void beforeTransactionCompletion(Transaction tx) {
        trail.get().beforeCompletion();
    }
}
