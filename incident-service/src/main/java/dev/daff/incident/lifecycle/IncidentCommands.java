package dev.daff.incident.lifecycle;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.LockModeType;
import jakarta.persistence.OptimisticLockException;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import dev.daff.events.IncidentEvent;
import dev.daff.incident.lifecycle.IncidentApi.IncidentView;
import dev.daff.incident.lifecycle.IncidentApi.Note;
import dev.daff.incident.lifecycle.IncidentApi.OpenIncident;
import dev.daff.incident.lifecycle.IncidentApi.PatchIncident;
import dev.daff.incident.lifecycle.IncidentApi.TimelineView;
import dev.daff.incident.lifecycle.IncidentApi.Transition;
import dev.daff.incident.timeline.Actor;
import dev.daff.incident.timeline.Timeline;
import dev.daff.kit.http.IdempotentCreates;
import dev.daff.kit.http.IdempotentCreates.Created;
import dev.daff.kit.http.IdempotentCreates.Made;
import dev.daff.kit.problem.ProblemException;

/**
 * What changes an incident: opening, editing, moving it through the lifecycle, notes. Every change is stamped on
 * the timeline and announced through the outbox; a transition is also fired as {@link IncidentTransitioned} for
 * the rules that follow it.
 */
@ApplicationScoped
public class IncidentCommands {

    static final int MAX_SERVICES = 20; // as OpenIncident.services allows

    private final Incidents incidents;
    private final Timeline timeline;
    private final IncidentEvents events;
    private final Event<IncidentTransitioned> transitioned;
    private final FinalisationCheck finalisation;
    private final IncidentViews views;
    private final IdempotentCreates creates;
    private final Clock clock;

    public IncidentCommands(Incidents incidents, Timeline timeline, IncidentEvents events,
            Event<IncidentTransitioned> transitioned, FinalisationCheck finalisation, IncidentViews views,
            IdempotentCreates creates, Clock clock) {
        this.incidents = incidents;
        this.timeline = timeline;
        this.events = events;
        this.transitioned = transitioned;
        this.finalisation = finalisation;
        this.views = views;
        this.creates = creates;
        this.clock = clock;
    }

    /** Opens an incident, or answers the one an earlier request with the same Idempotency-Key opened. */
    @Transactional
    public Made<IncidentView> open(@Valid @NotNull OpenIncident request, Actor actor, String idempotencyKey) {
        IncidentTimes.requireNotFuture("detectedAt", request.detectedAt(), clock.instant());
        IncidentTimes.requireNotFuture("impactStartedAt", request.impactStartedAt(), clock.instant());
        Created created = creates.once("POST /api/incidents", actor.subject(), idempotencyKey, request,
                () -> openIncident(request, actor).id);
        return created.as(views.view(incidents.require(created.id())));
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
        // an alert's time from a clock a little ahead of this one: detected when it was opened, not later
        incident.detectedAt = request.detectedAt() == null ? incident.createdAt
                : IncidentTimes.noLaterThan(request.detectedAt(), incident.createdAt);
        incident.impactStartedAt = IncidentTimes.noLaterThan(request.impactStartedAt(), incident.createdAt);
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
    public IncidentView patch(UUID id, @Valid @NotNull PatchIncident patch, Actor actor) {
        Incident incident = incidents.requireChangeable(id);
        if (incident.version != patch.version()) {
            throw new OptimisticLockException("stale version " + patch.version());
        }
        Instant now = clock.instant();
        Instant impactStartedAt = IncidentTimes.reported("impactStartedAt", patch.impactStartedAt(), now);
        Instant detectedAt = IncidentTimes.reported("detectedAt", patch.detectedAt(), now);
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
            incidents.lockServices(incident.services, patch.services()); // as openFor: an alert of any waits for this
            change(incident, actor, "services", incident.services, patch.services(), Timeline.FIELD);
            incident.services = new ArrayList<>(patch.services());
            changed.add("services");
        }
        if (patch.team() != null && !patch.team().equals(incident.team)) {
            change(incident, actor, "team", incident.team, patch.team(), Timeline.FIELD);
            incident.team = patch.team();
            changed.add("team");
        }
        if (impactStartedAt != null && !impactStartedAt.equals(incident.impactStartedAt)) {
            change(incident, actor, "impactStartedAt", incident.impactStartedAt, impactStartedAt, Timeline.FIELD);
            incident.impactStartedAt = impactStartedAt;
            changed.add("impactStartedAt");
        }
        if (detectedAt != null && !detectedAt.equals(incident.detectedAt)) {
            change(incident, actor, "detectedAt", incident.detectedAt, detectedAt, Timeline.FIELD);
            incident.detectedAt = detectedAt;
            changed.add("detectedAt");
        }
        if (incident.impactStartedAt != null && incident.impactStartedAt.isAfter(incident.detectedAt)) {
            throw ProblemException.invalidField("impactStartedAt", "cannot be after detectedAt");
        }
        IncidentTimes.requireDetectedBeforeMeasured(incident);
        long read = incident.version;
        incidents.flush(); // bumps the version when a field changed
        if (!changed.isEmpty()) {
            if (incident.version == read) {
                // Only the services collection changed, which the flush does not count: bumped now, not at commit, so
                // the answer carries the version stored and the client's next PATCH with it is not refused as stale.
                incidents.getEntityManager().lock(incident, LockModeType.PESSIMISTIC_FORCE_INCREMENT);
            }
            events.publish(IncidentEvent.UPDATED, incident);
        }
        return views.view(incident);
    }

    /**
     * Adds a service (an alert of it joined the incident) to an incident the caller holds locked, announced, unless
     * listed or {@value #MAX_SERVICES} are: the deploy gate, the list by service and "what changed?" then see it.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void addService(Incident incident, String service, Actor actor) {
        if (incident.services.stream().noneMatch(service::equalsIgnoreCase) && incident.services.size() < MAX_SERVICES) {
            List<String> services = new ArrayList<>(incident.services);
            services.add(service);
            change(incident, actor, "services", incident.services, services, Timeline.FIELD);
            incident.services = services;
            incidents.getEntityManager().lock(incident, LockModeType.PESSIMISTIC_FORCE_INCREMENT);
            events.publish(IncidentEvent.UPDATED, incident);
        }
    }

    @Transactional
    public IncidentView transition(UUID id, @Valid @NotNull Transition transition, Actor actor) {
        Incident incident = incidents.requireLockedToMove(id, transition.to());
        IncidentStatus from = incident.status;
        IncidentStatus to = transition.to();
        if (!from.canMoveTo(to)) {
            throw ProblemException.conflict("illegal-transition", "Transition not allowed",
                    "An incident in " + from + " cannot move to " + to + "; allowed next: "
                            + (from.allowedNext().isEmpty() ? "none" : from.allowedNext()) + ".")
                    .with("allowedNext", from.allowedNext());
        }
        if (to == IncidentStatus.FINALISED) {
            finalisation.requireFinalisable(incident);
        }
        Instant now = clock.instant();
        switch (to) {
            case ANALYSING -> incident.acknowledgedAt = now;
            case FIXING -> {
                incident.identifiedAt = Objects.requireNonNullElse(incident.identifiedAt, now);
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
        timeline.record(incident.id, now, Timeline.STATUS, IncidentViews.phaseOf(to), actor, text, data);
        transitioned.fire(new IncidentTransitioned(incident.id, from, to));
        events.publish(switch (to) {
            case RESOLVED -> IncidentEvent.RESOLVED;
            case FINALISED -> IncidentEvent.FINALISED;
            default -> IncidentEvent.STATUS_CHANGED;
        }, incident);
        incidents.flush();
        return views.view(incident);
    }

    @Transactional
    public TimelineView addNote(UUID id, @Valid @NotNull Note note, Actor actor) {
        Incident incident = incidents.require(id);
        Instant at = note.at() == null ? clock.instant() : note.at();
        if (at.isAfter(clock.instant().plusSeconds(60))) {
            throw ProblemException.invalidField("at", "cannot be in the future");
        }
        return views.view(timeline.record(incident.id, at, Timeline.NOTE, note.phase().name(), actor, note.text(), null));
    }

    private void change(Incident incident, Actor actor, String field, Object before, Object after, String kind) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("field", field);
        data.put("from", before);
        data.put("to", after);
        timeline.record(incident.id, null, kind, IncidentViews.phaseOf(incident.status), actor,
                field + " changed from " + Objects.toString(before, "(none)") + " to " + after, data);
    }
}
