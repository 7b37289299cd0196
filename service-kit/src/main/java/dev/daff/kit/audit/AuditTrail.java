package dev.daff.kit.audit;

import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.Table;
import jakarta.transaction.SystemException;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;

import org.hibernate.Session;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.kit.problem.CommitRefusal;
import dev.daff.kit.security.CurrentActor;
import io.quarkus.arc.Arc;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * The audit log's writer. Every transaction that runs for an authenticated API call and writes something leaves
 * exactly one {@code audit_entry} row, written in that same transaction just before it commits: who (the token's
 * subject and display name), what (method and route), which object, when, and every row written with the names of
 * its changed fields. Entity writes are collected by {@link AuditInterceptor} without any caller's help; a write
 * Hibernate does not see (native SQL, a record sent to Kafka) reports itself through {@link #touched}.
 */
@ApplicationScoped
public class AuditTrail {

    private static final Logger LOG = Logger.getLogger(AuditTrail.class);
    private static final Object KEY = AuditTrail.class;
    private static final Object NOT_AUDITED = new Object();

    private final TransactionSynchronizationRegistry transactions;
    private final TransactionManager transactionManager;
    private final Session session;
    private final Clock clock;
    private final ObjectMapper json;
    private final AuditRequest request;
    private final CurrentActor actor;
    private final CommitRefusal commitRefusal;

    /**
     * {@code request}, {@code actor} and {@code commitRefusal} are request-scoped: asked only while a request context
     * is active.
     */
    public AuditTrail(TransactionSynchronizationRegistry transactions, TransactionManager transactionManager,
            Session session, Clock clock, ObjectMapper json, AuditRequest request, CurrentActor actor,
            CommitRefusal commitRefusal) {
        this.commitRefusal = commitRefusal;
        this.request = request;
        this.actor = actor;
        this.transactions = transactions;
        this.transactionManager = transactionManager;
        this.session = session;
        this.clock = clock;
        this.json = json;
    }

    /**
     * Records a write Hibernate cannot see (a native statement, a bulk update, a record sent elsewhere) in the
     * current transaction's audit entry; nothing happens when the transaction is not audited.
     *
     * @param type what was written, as a table name or a kind of thing ({@code dead_letter_topic})
     * @param id its id
     * @param op what happened ({@code insert}, {@code update}, {@code delete}, or a verb such as {@code replay})
     * @param fields the names of the fields written, never their values
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void touched(String type, Object id, String op, Collection<String> fields) {
        PendingAudit pending = pending();
        if (pending == null) {
            return;
        }
        pending.touch(null, type, id, op, fields);
        // the entry is written by the session's completion callback, so the session must take part
        session.joinTransaction();
    }

    /**
     * Records, in a transaction of its own, a write that no transaction of this service holds (records sent to
     * Kafka): for an authenticated API call it leaves one entry, as {@link #touched} would.
     */
    public void touchedApart(String type, Object id, String op, Collection<String> fields) {
        QuarkusTransaction.requiringNew().run(() -> {
            touched(type, id, op, fields);
            PendingAudit pending = pending();
            if (pending != null) {
                pending.apart();
            }
        });
    }

    /**
     * Runs an act made of several transactions (a batch re-encryption) as one audited act: what its transactions write
     * is gathered instead of written per transaction, and one entry naming the act and listing every row is written
     * at the end, in a transaction of its own. Only for writes that change no fact people read (the gathered rows
     * commit before their entry does); outside an audited API call the job just runs.
     */
    public <T> T asOne(String type, Object id, String op, java.util.function.Supplier<T> job) {
        PendingAudit gathering = QuarkusTransaction.requiringNew().call(() -> {
            PendingAudit act = pending();
            if (act != null) {
                act.touch(null, type, id, op, java.util.List.of());
                act.defer(true);
            }
            return act;
        });
        if (gathering == null) {
            return job.get();
        }
        request.gathering(gathering);
        try {
            return job.get();
        } finally {
            request.gathering(null);
            gathering.defer(false);
            gathering.apart();
            QuarkusTransaction.requiringNew().run(() -> {
                transactions.putResource(KEY, gathering);
                session.joinTransaction();
            });
        }
    }

    /** The current transaction's collected writes, or null when it does not run for an authenticated API call. */
    PendingAudit pending() {
        if (transactions.getTransactionKey() == null) {
            return null;
        }
        Object known = transactions.getResource(KEY);
        if (known == NOT_AUDITED) {
            return null;
        }
        if (known != null) {
            return (PendingAudit) known;
        }
        var container = Arc.container();
        boolean inRequest = container != null && container.requestContext().isActive();
        PendingAudit gathering = inRequest ? request.gathering() : null;
        PendingAudit started = gathering != null ? gathering : start();
        transactions.putResource(KEY, started == null ? NOT_AUDITED : started);
        return started;
    }

    private PendingAudit start() {
        var container = Arc.container();
        if (container == null || !container.requestContext().isActive()) {
            return null;
        }
        AuditRoute route = request.route();
        if (route == null) {
            return null;
        }
        String subject = actor.subject();
        if (CurrentActor.ANONYMOUS.equals(subject)) {
            return null;
        }
        return new PendingAudit(subject, actor.displayName(), route);
    }

    /**
     * Writes the transaction's entry through the session's own connection (so inside the transaction), after
     * Hibernate's last flush. Hibernate only logs what a completion callback throws, so a failure here marks the
     * transaction for rollback instead: no write commits without its entry.
     */
    void beforeCompletion() {
        if (transactions.getTransactionKey() == null || !(transactions.getResource(KEY) instanceof PendingAudit pending)
                || !pending.takeForWriting()) {
            return;
        }
        try {
            List<AuditedChange> changes = pending.changes(this::idOf);
            AuditRoute.AuditedObject object = pending.route.object(changes);
            String changesJson = json.writeValueAsString(changes);
            OffsetDateTime at = OffsetDateTime.now(clock);
            session.doWork(connection -> {
                try (PreparedStatement insert = connection.prepareStatement("""
                        insert into audit_entry (occurred_at, actor_subject, actor_name, action, object_type, object_id, changes)
                        values (?, ?, ?, ?, ?, ?, cast(? as jsonb))
                        """)) {
                    insert.setObject(1, at);
                    insert.setString(2, pending.subject);
                    insert.setString(3, pending.name);
                    insert.setString(4, fit(pending.route.action(), 300));
                    insert.setString(5, fit(object.type(), 100));
                    insert.setString(6, fit(object.id(), 300));
                    insert.setString(7, changesJson);
                    insert.executeUpdate();
                }
            });
        } catch (RuntimeException | JsonProcessingException e) {
            LOG.errorf(e, "could not write the audit entry for %s; rolling the transaction back", pending.route.action());
            var container = Arc.container();
            if (!pending.isApart() && container != null && container.requestContext().isActive()) {
                // nothing of the transaction commits, so a database cut off is a 503 to retry, not a 500
                commitRefusal.because(e);
            }
            try {
                transactionManager.setRollbackOnly();
            } catch (IllegalStateException | SystemException rollbackFailed) {
                LOG.error("could not mark the transaction for rollback", rollbackFailed);
            }
        }
    }

    private static String fit(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length - 1) + "…";
    }

    String typeOf(Object entity) {
        Table table = entity.getClass().getAnnotation(Table.class);
        if (table != null && !table.name().isBlank()) {
            return table.name();
        }
        return entity.getClass().getSimpleName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    JsonNode idOf(Object entity, Object knownId) {
        Object id = knownId;
        if (entity != null) {
            try {
                Object current = session.getEntityManagerFactory().getPersistenceUnitUtil().getIdentifier(entity);
                id = current == null ? knownId : current;
            } catch (RuntimeException e) {
                // not a mapped entity after all; keep what the callback said
            }
        }
        JsonNode node = json.valueToTree(id);
        // one id, one spelling: scalar ids are text (as object_id and the object filter write them), composite ones
        // an object of their parts
        return node.isValueNode() ? com.fasterxml.jackson.databind.node.TextNode.valueOf(node.asText()) : node;
    }
}
