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
    public static final String FINALISATION_WAIVED = "FINALISATION_WAIVED";
    public static final String READY_TO_FINALISE = "READY_TO_FINALISE";

    private final Clock clock;
    private final ObjectMapper json;

    public Timeline(Clock clock, ObjectMapper json) {
        this.clock = clock;
        this.json = json;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public TimelineEntry record(UUID incidentId, Instant at, String kind, String phase, String actor, String text,
            Map<String, ?> data) {
        TimelineEntry entry = new TimelineEntry();
        entry.incidentId = incidentId;
        entry.recordedAt = clock.instant();
        entry.at = at == null ? entry.recordedAt : at;
        entry.kind = kind;
        entry.phase = phase;
        entry.actor = actor;
        entry.text = text;
        try {
            entry.data = data == null || data.isEmpty() ? null : json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        persist(entry);
        return entry;
    }

    public List<TimelineEntry> of(UUID incidentId) {
        return list("incidentId", Sort.by("at").and("id"), incidentId);
    }
}
