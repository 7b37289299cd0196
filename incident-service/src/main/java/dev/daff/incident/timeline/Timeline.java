package dev.daff.incident.timeline;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.kit.listing.PageRequest;
import dev.daff.kit.listing.Slice;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;

/** Writes and reads incident timelines. Entries are appended, never changed. */
@ApplicationScoped
public class Timeline implements PanacheRepositoryBase<TimelineEntry, Long> {

    /** The kinds of entry daff writes by itself; people's notes are {@link #NOTE}. */
    public static final String OPENED = "OPENED";
    public static final String STATUS = "STATUS_CHANGED";
    public static final String FIELD = "FIELD_CHANGED";
    public static final String SEVERITY = "SEVERITY_CHANGED";
    public static final String ROLE = "ROLE_ASSIGNED";
    public static final String ALERT_FIRED = "ALERT_FIRED";
    public static final String ALERT_RESOLVED = "ALERT_RESOLVED";
    public static final String NOTE = "NOTE";
    public static final String CHANGE_LINKED = "CHANGE_LINKED";
    public static final String CAUSE_SET = "CAUSE_SET";
    public static final String WASHUP_UPDATED = "WASHUP_UPDATED";
    public static final String WASHUP_REVIEWED = "WASHUP_REVIEWED";
    public static final String WASHUP_REVIEW_CONFIRMED = "WASHUP_REVIEW_CONFIRMED";
    public static final String WASHUP_REOPENED = "WASHUP_REOPENED";
    public static final String FINALISATION_WAIVER_PROPOSED = "FINALISATION_WAIVER_PROPOSED";
    public static final String FINALISATION_WAIVED = "FINALISATION_WAIVED";
    public static final String FINALISATION_WAIVER_VOIDED = "FINALISATION_WAIVER_VOIDED";
    public static final String READY_TO_FINALISE = "READY_TO_FINALISE";
    public static final String RECURRENCE = "RECURRENCE";
    public static final String ROLLBACK_REQUESTED = "ROLLBACK_REQUESTED";
    public static final String ACTION_AFTER_FINALISE = "ACTION_AFTER_FINALISE";

    /** The {@code timeline_entry.text} column's size. */
    public static final int TEXT_MAX = 4000;

    private final Clock clock;
    private final ObjectMapper json;

    public Timeline(Clock clock, ObjectMapper json) {
        this.clock = clock;
        this.json = json;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public TimelineEntry record(UUID incidentId, Instant at, String kind, String phase, Actor actor, String text,
            Map<String, ?> data) {
        TimelineEntry entry = new TimelineEntry();
        entry.incidentId = incidentId;
        entry.recordedAt = clock.instant();
        entry.at = at == null ? entry.recordedAt : at;
        entry.kind = kind;
        entry.phase = phase;
        entry.actor = actor.name();
        entry.actorSubject = actor.subject();
        entry.text = fitted(text);
        try {
            entry.data = data == null || data.isEmpty() ? null : json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        persist(entry);
        return entry;
    }

    /**
     * Entries daff writes quote what people typed (a 4,000-character note on a transition, a cause summary, the
     * old and new value of a field) and would not fit the column; the full values are in {@code data} and in the
     * records themselves, so the sentence is shortened rather than the write refused.
     */
    static String fitted(String text) {
        if (text.length() <= TEXT_MAX) {
            return text;
        }
        int cut = Character.isHighSurrogate(text.charAt(TEXT_MAX - 2)) ? TEXT_MAX - 2 : TEXT_MAX - 1;
        return text.substring(0, cut) + "…";
    }

    public List<TimelineEntry> of(UUID incidentId) {
        return list("incidentId", Sort.by("at").and("id"), incidentId);
    }

    /** Up to {@code request.limit()} entries in {@code at} order, after the request's cursor. */
    public Slice<TimelineEntry> page(UUID incidentId, PageRequest request) {
        List<TimelineEntry> fetched;
        if (request.expectParts(2).isFirst()) {
            fetched = find("incidentId = ?1", Sort.by("at").and("id"), incidentId).range(0, request.limit()).list();
        } else {
            fetched = find("incidentId = ?1 and (at > ?2 or (at = ?2 and id > ?3))", Sort.by("at").and("id"), incidentId,
                    request.instant(0), request.number(1)).range(0, request.limit()).list();
        }
        return Slice.of(fetched, request.limit(), entry -> PageRequest.cursorAfter(entry.at, entry.id));
    }
}
