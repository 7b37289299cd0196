package dev.daff.kit.audit;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.kit.listing.PageRequest;
import dev.daff.kit.listing.Slice;
import dev.daff.kit.time.SqlTimes;

/** Reads the audit log, newest first, a page at a time. */
@ApplicationScoped
public class AuditLog {

    /** One entry as the API answers it. */
    public record Entry(long id, Instant occurredAt, String actor, String actorName, String action, String object,
            String objectType, String objectId, JsonNode changes) {
    }

    /** What to list: each filter may be null. {@code object} is a type and id ({@code incident}, its id). */
    public record Filter(String actor, String objectType, String objectId, Instant from, Instant to) {
    }

    private final EntityManager entityManager;
    private final ObjectMapper json;

    public AuditLog(EntityManager entityManager, ObjectMapper json) {
        this.entityManager = entityManager;
        this.json = json;
    }

    @Transactional
    public Slice<Entry> list(Filter filter, PageRequest page) {
        page.expectParts(2);
        StringBuilder sql = new StringBuilder("""
                select id, occurred_at, actor_subject, actor_name, action, object_type, object_id, changes::text
                from audit_entry where true""");
        List<Object> parameters = new ArrayList<>();
        if (filter.actor() != null) {
            parameters.add(filter.actor());
            sql.append(" and actor_subject = ?").append(parameters.size());
        }
        if (filter.objectType() != null) {
            parameters.add(filter.objectType());
            parameters.add(filter.objectId());
            parameters.add(containing(filter.objectType(), filter.objectId()));
            sql.append(" and ((object_type = ?").append(parameters.size() - 2).append(" and object_id = ?")
                    .append(parameters.size() - 1).append(") or changes @> cast(?").append(parameters.size())
                    .append(" as jsonb))");
        }
        if (filter.from() != null) {
            parameters.add(OffsetDateTime.ofInstant(filter.from(), ZoneOffset.UTC));
            sql.append(" and occurred_at >= ?").append(parameters.size());
        }
        if (filter.to() != null) {
            parameters.add(OffsetDateTime.ofInstant(filter.to(), ZoneOffset.UTC));
            sql.append(" and occurred_at < ?").append(parameters.size());
        }
        if (!page.isFirst()) {
            parameters.add(OffsetDateTime.ofInstant(page.instant(0), ZoneOffset.UTC));
            parameters.add(page.number(1));
            sql.append(" and (occurred_at, id) < (?").append(parameters.size() - 1).append(", ?")
                    .append(parameters.size()).append(")");
        }
        parameters.add(page.limit() + 1);
        sql.append(" order by occurred_at desc, id desc limit ?").append(parameters.size());
        Query query = entityManager.createNativeQuery(sql.toString());
        for (int i = 0; i < parameters.size(); i++) {
            query.setParameter(i + 1, parameters.get(i));
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = query.getResultList();
        List<Entry> entries = rows.stream().map(this::entry).toList();
        return Slice.of(entries, page.limit(), e -> PageRequest.cursorAfter(e.occurredAt(), e.id()));
    }

    private Entry entry(Object[] row) {
        try {
            String type = (String) row[5];
            String id = (String) row[6];
            return new Entry(((Number) row[0]).longValue(), SqlTimes.toInstant(row[1]), (String) row[2], (String) row[3],
                    (String) row[4], type + ":" + id, type, id, json.readTree((String) row[7]));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit_entry " + row[0] + " holds changes that are not JSON", e);
        }
    }

    /** The {@code changes} a write that touched this row contains (jsonb containment). */
    private String containing(String type, String id) {
        return json.createArrayNode().add(json.createObjectNode().put("type", type).put("id", id)).toString();
    }
}
