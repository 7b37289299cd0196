package dev.daff.incident.lifecycle;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.OptimisticLockException;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.events.IncidentEvent;
import dev.daff.incident.finalisation.FinalisationGate;
import dev.daff.incident.lifecycle.IncidentApi.IncidentView;
import dev.daff.incident.lifecycle.IncidentApi.Note;
import dev.daff.incident.lifecycle.IncidentApi.OpenIncident;
import dev.daff.incident.lifecycle.IncidentApi.Page;
import dev.daff.incident.lifecycle.IncidentApi.PatchIncident;
import dev.daff.incident.lifecycle.IncidentApi.Role;
import dev.daff.incident.lifecycle.IncidentApi.TimelineView;
import dev.daff.incident.lifecycle.IncidentApi.Transition;
import dev.daff.incident.timeline.Actor;
import dev.daff.kit.listing.PageRequest;
import dev.daff.kit.listing.Slice;
import dev.daff.incident.timeline.Timeline;
import dev.daff.incident.timeline.TimelineEntry;
import dev.daff.kit.problem.ProblemException;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;

/** The incident lifecycle: every change is stamped on the timeline and announced through the outbox. */
@ApplicationScoped
public class IncidentService {

    /** How deep the page-number paging of the incident list reaches; the cursor has no such bound. */
    static final int MAX_OFFSET = 10_000;

    private final IncidentRepository incidents;
    private final Timeline timeline;
    private final IncidentEvents events;
    private final Clock clock;
    private final ObjectMapper json;
    private final FinalisationGate gate;

    public IncidentService(IncidentRepository incidents, Timeline timeline, IncidentEvents events, Clock clock,
            ObjectMapper json, FinalisationGate gate) {
        this.gate = gate;
        this.incidents = incidents;
        this.timeline = timeline;
        this.events = events;
        this.clock = clock;
        this.json = json;
    }

    @Transactional
    public IncidentView open(@Valid @NotNull OpenIncident request, Actor actor) {
        return view(openIncident(request, actor), false);
    }

    /** Opens an incident inside the caller's transaction (the alert consumers use this too). */
    @Transactional(Transactional.TxType.MANDATORY)
    public Incident openIncident(OpenIncident request, Actor actor) {
        Incident incident = new Incident();
        incident.id = UUID.randomUUID();
        incident.title = request.title();
        incident.summary = request.summary();
        incident.severity = request.severity();
        incident.status = IncidentStatus.DISCOVERED;
        incident.team = request.team();
        incident.services = new ArrayList<>(request.services());
        incident.detectionSource = request.detectionSource();
        incident.createdAt = clock.instant();
        incident.detectedAt = request.detectedAt() == null ? incident.createdAt : request.detectedAt();
        incident.impactStartedAt = request.impactStartedAt();
        if (incident.impactStartedAt != null && incident.impactStartedAt.isAfter(incident.detectedAt)) {
            throw ProblemException.invalidField("impactStartedAt", "cannot be after detectedAt");
        }
        incidents.persist(incident);
        timeline.record(incident.id, incident.detectedAt, Timeline.OPENED, "DISCOVER", actor,
                incident.severity + " opened: " + incident.title + " (detected by " + incident.detectionSource + ")",
                Map.of("severity", incident.severity, "services", incident.services, "team", incident.team));
        events.publish(IncidentEvent.OPENED, incident);
        return incident;
    }

    @Transactional
    public Optional<IncidentView> find(UUID id) {
        return incidents.findByIdOptional(id).map(this::view);
    }

    /**
     * Incidents newest first (by detection). {@code offsetPage} is the older page-number paging, kept for clients
     * that use it and bounded to the first {@value #MAX_OFFSET} incidents; the cursor reaches all of them.
     */
    @Transactional
    public Page<IncidentView> list(IncidentStatus status, String service, String team, Severity severity, Instant from,
            Instant to, PageRequest request, Integer offsetPage) {
        StringBuilder filters = new StringBuilder("1 = 1");
        Parameters parameters = new Parameters();
        if (status != null) {
            filters.append(" and status = :status");
            parameters.and("status", status);
        }
        if (service != null) {
            filters.append(" and :service member of services");
            parameters.and("service", service);
        }
        if (team != null) {
            filters.append(" and team = :team");
            parameters.and("team", team);
        }
        if (severity != null) {
            filters.append(" and severity = :severity");
            parameters.and("severity", severity);
        }
        if (from != null) {
            filters.append(" and detectedAt >= :from");
            parameters.and("from", from);
        }
        if (to != null) {
            filters.append(" and detectedAt < :to");
            parameters.and("to", to);
        }
        long total = incidents.count(filters.toString(), parameters);
        int offset = 0;
        if (offsetPage != null) {
            if (!request.isFirst()) {
                throw ProblemException.invalidField("page", "cannot be combined with cursor; follow the cursor alone");
            }
            if ((long) (offsetPage + 1) * request.limit() > MAX_OFFSET) {
                throw ProblemException.invalidField("page", "reaches past the first " + MAX_OFFSET
                        + " incidents; page on with the cursor (X-Next-Cursor) instead");
            }
            offset = offsetPage * request.limit();
        }
        StringBuilder query = new StringBuilder(filters);
        if (!request.expectParts(2).isFirst()) {
            // Newest first, ties in id order: continue strictly after the last incident handed out.
            query.append(" and (detectedAt < :afterAt or (detectedAt = :afterAt and id > :afterId))");
            parameters.and("afterAt", request.instant(0)).and("afterId", request.uuid(1));
        }
        List<Incident> fetched = incidents.find(query.toString(), Sort.descending("detectedAt").and("id"), parameters)
                .range(offset, offset + request.limit()).list();
        Slice<Incident> page = Slice.of(fetched, request.limit(), i -> PageRequest.cursorAfter(i.detectedAt, i.id));
        java.util.Set<UUID> finalisable = gate.finalisable(page.items().stream().map(i -> i.id).toList());
        return new Page<>(page.items().stream().map(i -> view(i, finalisable.contains(i.id))).toList(),
                offsetPage == null ? 0 : offsetPage, request.limit(), total, page.nextCursor());
    }

    @Transactional
    public IncidentView patch(UUID id, @Valid @NotNull PatchIncident patch, Actor actor) {
        Incident incident = load(id);
        if (incident.version != patch.version()) {
            throw new OptimisticLockException("stale version " + patch.version());
        }
        List<String> changed = new ArrayList<>();
        if (patch.title() != null && !patch.title().equals(incident.title)) {
            change(incident, actor, "title", incident.title, patch.title(), Timeline.FIELD);
            incident.title = patch.title();
            changed.add("title");
        }
        if (patch.summary() != null && !patch.summary().equals(incident.summary)) {
            change(incident, actor, "summary", incident.summary, patch.summary(), Timeline.FIELD);
            incident.summary = patch.summary();
            changed.add("summary");
        }
        if (patch.severity() != null && patch.severity() != incident.severity) {
            change(incident, actor, "severity", incident.severity, patch.severity(), Timeline.SEVERITY);
            incident.severity = patch.severity();
            changed.add("severity");
        }
        if (patch.services() != null && !patch.services().equals(incident.services)) {
            change(incident, actor, "services", incident.services, patch.services(), Timeline.FIELD);
            incident.services = new ArrayList<>(patch.services());
            changed.add("services");
        }
        if (patch.impactStartedAt() != null && !patch.impactStartedAt().equals(incident.impactStartedAt)) {
            change(incident, actor, "impactStartedAt", incident.impactStartedAt, patch.impactStartedAt(), Timeline.FIELD);
            incident.impactStartedAt = patch.impactStartedAt();
            changed.add("impactStartedAt");
        }
        if (patch.detectedAt() != null && !patch.detectedAt().equals(incident.detectedAt)) {
            change(incident, actor, "detectedAt", incident.detectedAt, patch.detectedAt(), Timeline.FIELD);
            incident.detectedAt = patch.detectedAt();
            changed.add("detectedAt");
        }
        if (incident.impactStartedAt != null && incident.impactStartedAt.isAfter(incident.detectedAt)) {
            throw ProblemException.invalidField("impactStartedAt", "cannot be after detectedAt");
        }
        if (!changed.isEmpty()) {
            // Bump the version even when only the services collection changed, so concurrent editors see it.
            incidents.getEntityManager().lock(incident, jakarta.persistence.LockModeType.OPTIMISTIC_FORCE_INCREMENT);
            events.publish(IncidentEvent.UPDATED, incident);
        }
        incidents.flush();
        return view(incident);
    }

    @Transactional
    public IncidentView transition(UUID id, @Valid @NotNull Transition transition, Actor actor) {
        Incident incident = load(id);
        IncidentStatus from = incident.status;
        IncidentStatus to = transition.to();
        if (!from.canMoveTo(to)) {
            throw ProblemException.conflict("illegal-transition", "Transition not allowed",
                    "An incident in " + from + " cannot move to " + to + "; allowed next: "
                            + (from.allowedNext().isEmpty() ? "none" : from.allowedNext()) + ".")
                    .with("allowedNext", from.allowedNext());
        }
        if (to == IncidentStatus.FINALISED) {
            gate.requireFinalisable(incident);
        }
        Instant now = clock.instant();
        switch (to) {
            case ANALYSING -> incident.acknowledgedAt = now;
            case FIXING -> {
                if (incident.identifiedAt == null) {
                    incident.identifiedAt = now;
                }
                incident.resolvedAt = null;
            }
            case RESOLVED -> incident.resolvedAt = now;
            case FINALISED -> incident.finalisedAt = now;
            default -> {
            }
        }
        incident.status = to;
        String text = from == IncidentStatus.RESOLVED && to == IncidentStatus.FIXING
                ? "Reopened: the problem came back (" + from + " → " + to + ")"
                : "Status " + from + " → " + to;
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("from", from);
        data.put("to", to);
        if (transition.note() != null) {
            data.put("note", transition.note());
            text = text + ": " + transition.note();
        }
        timeline.record(incident.id, now, Timeline.STATUS, phaseOf(to), actor, text, data);
        // Entering RESOLVED may make it finalisable at once; leaving it (reopened, or finalised) never is.
        gate.reassess(incident);
        events.publish(switch (to) {
            case RESOLVED -> IncidentEvent.RESOLVED;
            case FINALISED -> IncidentEvent.FINALISED;
            default -> IncidentEvent.STATUS_CHANGED;
        }, incident);
        incidents.flush();
        return view(incident);
    }

    @Transactional
    public TimelineView assignRole(UUID id, Role role, String handle, Actor actor) {
        Incident incident = load(id);
        Optional<String> previous = timeline.list("incidentId = ?1 and kind = ?2", Sort.by("id"), id, Timeline.ROLE)
                .stream()
                .map(this::readData)
                .filter(data -> role.name().equals(data.path("role").asText()))
                .reduce((first, second) -> second)
                .map(data -> data.path("handle").asText());
        String text = previous.isPresent() && !previous.get().equals(handle)
                ? role + " handed over from " + previous.get() + " to " + handle
                : handle + " is " + role;
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("role", role);
        data.put("handle", handle);
        previous.ifPresent(p -> data.put("previous", p));
        return view(timeline.record(incident.id, null, Timeline.ROLE, phaseOf(incident.status), actor, text, data));
    }

    @Transactional
    public TimelineView addNote(UUID id, @Valid @NotNull Note note, Actor actor) {
        Incident incident = load(id);
        Instant at = note.at() == null ? clock.instant() : note.at();
        if (at.isAfter(clock.instant().plusSeconds(60))) {
            throw ProblemException.invalidField("at", "cannot be in the future");
        }
        return view(timeline.record(incident.id, at, Timeline.NOTE, note.phase().name(), actor, note.text(), null));
    }

    /** The timeline in {@code at} order, a page at a time. */
    @Transactional
    public Slice<TimelineView> timeline(UUID id, PageRequest request) {
        load(id);
        return timeline.page(id, request).map(this::view);
    }

    Incident load(UUID id) {
        return incidents.findByIdOptional(id).orElseThrow(() -> ProblemException.notFound("incident", id.toString()));
    }

    private void change(Incident incident, Actor actor, String field, Object before, Object after, String kind) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("field", field);
        data.put("from", before);
        data.put("to", after);
        timeline.record(incident.id, null, kind, phaseOf(incident.status), actor,
                field + " changed from " + Objects.toString(before, "(none)") + " to " + after, data);
    }

    static String phaseOf(IncidentStatus status) {
        return switch (status) {
            case DISCOVERED -> "DISCOVER";
            case ANALYSING -> "ANALYSE";
            case FIXING, RESOLVED -> "FIX";
            case FINALISED -> "FINALISE";
        };
    }

    private com.fasterxml.jackson.databind.JsonNode readData(TimelineEntry entry) {
        try {
            return entry.data == null ? json.nullNode() : json.readTree(entry.data);
        } catch (Exception e) {
            return json.nullNode();
        }
    }

    TimelineView view(TimelineEntry entry) {
        return new TimelineView(entry.id, entry.at, entry.kind, entry.phase, entry.actor, entry.actorSubject, entry.text,
                readData(entry));
    }

    IncidentView view(Incident incident) {
        return view(incident, gate.finalisable(incident.id));
    }

    static IncidentView view(Incident incident, boolean finalisable) {
        return new IncidentView(incident.id, incident.title, incident.summary, incident.severity, incident.status,
                incident.status.allowedNext(), List.copyOf(incident.services), incident.team, incident.detectionSource,
                incident.impactStartedAt, incident.detectedAt, incident.acknowledgedAt, incident.identifiedAt,
                incident.resolvedAt, incident.finalisedAt, incident.version, finalisable);
    }
}
