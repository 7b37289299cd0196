package dev.daff.incident.washup;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import dev.daff.incident.lifecycle.Incident;
import dev.daff.incident.lifecycle.Incidents;
import dev.daff.incident.timeline.Actor;
import dev.daff.incident.timeline.Timeline;
import dev.daff.incident.washup.WashupApi.CauseView;
import dev.daff.incident.washup.WashupApi.SetCause;
import dev.daff.kit.problem.ProblemException;

/**
 * What caused an incident ({@code incident_cause}): set and replaced as understanding improves, each time fired as
 * {@link CauseSet}, until the washup is reviewed: from then on it is part of the reviewed record, as the washup is.
 */
@ApplicationScoped
public class CauseService {

    private final Incidents incidents;
    private final Causes causes;
    private final Washups washups;
    private final Timeline timeline;
    private final Event<CauseSet> causeSet;
    private final Clock clock;

    public CauseService(Incidents incidents, Causes causes, Washups washups, Timeline timeline, Event<CauseSet> causeSet,
            Clock clock) {
        this.incidents = incidents;
        this.causes = causes;
        this.washups = washups;
        this.timeline = timeline;
        this.causeSet = causeSet;
        this.clock = clock;
    }

    @Transactional
    public CauseView setCause(UUID incidentId, @Valid @NotNull SetCause request, Actor actor) {
        // Locked first, as a review locks it: a cause set while the review commits waits for it and is refused.
        Incident incident = incidents.requireLocked(incidentId);
        if (washups.isReviewed(incidentId)) {
            // Changed after the review, it rewrote what the reviewed washup, the meta-reviews and a recurrence check
            // (whose question the review had already closed) say of a finished incident.
            throw ProblemException.conflict("washup-reviewed", "Washup already reviewed",
                    "The cause is part of the reviewed washup; add what you learned later as a timeline note.");
        }
        IncidentCause cause = causes.findByIdOptional(incidentId).orElse(null);
        boolean created = cause == null;
        if (created) {
            cause = new IncidentCause();
            cause.incidentId = incidentId;
        }
        List<Seam> seams = request.seams() == null ? List.of() : request.seams().stream().distinct().toList();
        cause.causeClass = request.causeClass();
        cause.seams = new ArrayList<>(seams.stream().map(Seam::name).toList());
        cause.summary = request.summary();
        cause.setAt = clock.instant();
        cause.setBy = actor.name();
        cause.setBySubject = actor.subject();
        if (created) {
            causes.persist(cause);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("class", cause.causeClass);
        data.put("seams", seams);
        timeline.record(incident.id, null, Timeline.CAUSE_SET, null, actor, describe(cause), data);
        causes.flush();
        causeSet.fire(new CauseSet(incident.id));
        return view(cause);
    }

    @Transactional
    public CauseView cause(UUID incidentId) {
        incidents.require(incidentId);
        return causes.findByIdOptional(incidentId).map(CauseService::view)
                .orElseThrow(() -> ProblemException.notFound("cause of incident", incidentId.toString()));
    }

    static String describe(IncidentCause cause) {
        String text = "Cause: " + cause.causeClass;
        if (!cause.seams.isEmpty()) {
            text += " at the " + String.join(", ", cause.seams) + " seam" + (cause.seams.size() > 1 ? "s" : "");
        }
        return cause.summary == null || cause.summary.isBlank() ? text : text + ": " + cause.summary;
    }

    static CauseView view(IncidentCause cause) {
        return new CauseView(cause.incidentId, cause.causeClass, cause.seams.stream().map(Seam::valueOf).toList(),
                cause.summary, cause.setAt, cause.setBy, cause.setBySubject);
    }
}
