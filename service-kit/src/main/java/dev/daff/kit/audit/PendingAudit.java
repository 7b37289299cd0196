package dev.daff.kit.audit;

import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

import com.fasterxml.jackson.databind.JsonNode;

/** What one audited transaction wrote so far, in the order it first wrote each row, and who it wrote it for. */
final class PendingAudit {

    final String subject;
    final String name;
    final AuditRoute route;
    private final List<Touch> touches = new ArrayList<>();
    private final Map<Object, Touch> byEntity = new IdentityHashMap<>();
    private final Map<List<Object>, Touch> byKey = new LinkedHashMap<>();
    private boolean written;
    private boolean deferred;
    private boolean apart;

    PendingAudit(String subject, String name, AuditRoute route) {
        this.subject = subject;
        this.name = name;
        this.route = route;
    }

    /** Notes a row written: an entity Hibernate saw, or ({@code entity} null) a write reported by type and id. */
    synchronized void touch(Object entity, String type, Object id, String op, Collection<String> fields) {
        List<Object> key = List.of(type, String.valueOf(id));
        Touch touch = entity != null ? byEntity.get(entity) : byKey.get(key);
        if (touch == null) {
            touch = new Touch(entity, type, id, op);
            touches.add(touch);
            if (entity != null) {
                byEntity.put(entity, touch);
            } else {
                byKey.put(key, touch);
            }
        } else if (!AuditedChange.INSERT.equals(touch.op)) {
            // a row inserted and then changed stays an insert; a row changed and then deleted is a delete
            touch.op = op;
        }
        if (id != null) {
            touch.id = id;
        }
        touch.fields.addAll(fields);
    }

    /** Whether the entry is still to be written (something was written, and the entry not yet). */
    synchronized boolean takeForWriting() {
        if (written || deferred || touches.isEmpty()) {
            return false;
        }
        written = true;
        return true;
    }

    /** While deferred, the transactions that add to this entry commit without writing it ({@code AuditTrail.asOne}). */
    synchronized void defer(boolean deferring) {
        this.deferred = deferring;
    }

    /**
     * Marks the entry as written after its work, in a transaction of its own (the work was sent or committed
     * before): if writing it fails, the work stands, and the caller must not hear "nothing was changed".
     */
    synchronized void apart() {
        this.apart = true;
    }

    synchronized boolean isApart() {
        return apart;
    }

    /** The rows written, with each id as {@code idOf(entity, id known from the callback)} reads it now. */
    synchronized List<AuditedChange> changes(BiFunction<Object, Object, JsonNode> idOf) {
        return touches.stream().map(t -> new AuditedChange(t.type, idOf.apply(t.entity, t.id), t.op,
                t.fields.stream().sorted().toList())).toList();
    }

    private static final class Touch {
        final Object entity;
        final String type;
        final Set<String> fields = new LinkedHashSet<>();
        Object id;
        String op;

        Touch(Object entity, String type, Object id, String op) {
            this.entity = entity;
            this.type = type;
            this.id = id;
            this.op = op;
        }
    }
}
