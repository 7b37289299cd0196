package dev.daff.incident.similar;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;

import dev.daff.incident.lifecycle.Incident;
import dev.daff.incident.lifecycle.IncidentStatus;
import dev.daff.incident.lifecycle.IncidentTransitioned;
import dev.daff.incident.lifecycle.Incidents;
import dev.daff.incident.similar.SimilarApi.Similar;
import dev.daff.incident.similar.SimilarApi.SystemicAction;
import dev.daff.incident.timeline.Actor;
import dev.daff.incident.timeline.Timeline;
import dev.daff.incident.washup.CauseSet;
import dev.daff.incident.washup.Causes;
import dev.daff.incident.washup.Washups;

/**
 * Marks an incident a recurrence when, as its cause is set (class and seams are what a recurrence is about), as it is
 * resolved and as its washup is reviewed, it scores at least {@code daff.similar.recurrence-min-score} against an
 * earlier incident whose SYSTEMIC action was DONE before this one was detected: the most similar such incident, and
 * its earliest done SYSTEMIC action. Once marked, the mark stands while the incident stays a recurrence of the same
 * (judging again adds no entry), and the washup asks why the earlier fix did not hold; a cause corrected so that none
 * qualifies, or another earlier incident does, withdraws it on the timeline (and marks the other).
 */
@ApplicationScoped
public class RecurrenceCheck {

    static final Actor ACTOR = Actor.daff("daff-similar");

    private final Incidents incidents;
    private final SimilarIncidents similar;
    private final Recurrences recurrences;
    private final Timeline timeline;
    private final SimilarConfig config;
    private final Causes causes;
    private final Washups washups;
    private final Clock clock;

    public RecurrenceCheck(Incidents incidents, SimilarIncidents similar, Recurrences recurrences, Timeline timeline,
            SimilarConfig config, Causes causes, Washups washups, Clock clock) {
        this.incidents = incidents;
        this.similar = similar;
        this.recurrences = recurrences;
        this.timeline = timeline;
        this.config = config;
        this.causes = causes;
        this.washups = washups;
        this.clock = clock;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    void onCauseSet(@Observes CauseSet event) {
        judge(event.incidentId());
    }

    /**
     * Resolved, the incident's services and changes are what they will be: judged only as its cause was set (early,
     * in ANALYSING, before the CAUSED change was linked or the other services added), it was never asked why the
     * earlier fix did not hold. The review judges once more ({@link SimilarIncidents#judgeRecurrence}), the washup
     * written.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    void onResolved(@Observes IncidentTransitioned event) {
        if (event.to() == IncidentStatus.RESOLVED) {
            judge(event.incidentId());
        }
    }

    /**
     * Marks, keeps or withdraws the incident's recurrence, as its cause (if set) and all else make it now; under the
     * incident's lock, so that two judgements (a resolve and a washup PUT) take turns. Once the washup is reviewed (a
     * review refused as already done judges first) or the incident finalised, the verdict stands.
     */
    void judge(UUID incidentId) {
        if (causes.findByIdOptional(incidentId).isEmpty()) {
            return; // class and seams are what a recurrence is about
        }
        Incident incident = incidents.requireLocked(incidentId);
        if (incident.status == IncidentStatus.FINALISED || washups.isReviewed(incidentId)) {
            return;
        }
        Optional<IncidentRecurrence> marked = recurrences.findByIdOptional(incident.id);
        Optional<Recurrence> found = recurrenceOf(incident);
        if (marked.isPresent()) {
            if (found.isPresent() && found.get().earlier().incidentId().equals(marked.get().earlierIncidentId)
                    && found.get().fix().actionId().equals(marked.get().actionId)) {
                return; // still a recurrence of the same: setting the cause again adds nothing
            }
            // No longer a recurrence, or of another earlier incident now (whose fix the washup must then ask about).
            withdraw(incident, marked.get());
            recurrences.flush();
        }
        found.ifPresent(recurrence -> mark(incident, recurrence.earlier(), recurrence.fix()));
    }

    private record Recurrence(Similar earlier, SystemicAction fix) {
    }

    /** The most similar earlier incident scoring at least the minimum whose SYSTEMIC action was done before this one. */
    private Optional<Recurrence> recurrenceOf(Incident incident) {
        for (Similar earlier : similar.ranked(incident)) {
            if (earlier.score() < config.recurrenceMinScore()) {
                return Optional.empty();
            }
            Optional<SystemicAction> fix = earlier.systemicActions().stream()
                    .filter(a -> a.doneAt() != null && a.doneAt().isBefore(incident.detectedAt))
                    .min(java.util.Comparator.comparing(SystemicAction::doneAt));
            if (fix.isPresent()) {
                return Optional.of(new Recurrence(earlier, fix.get()));
            }
        }
        return Optional.empty();
    }

    /**
     * A cause (or services, changes, washup) corrected so that the marked earlier fix no longer applies: kept, the mark
     * went on asking the washup why a fix that is not this incident's "did not hold", and the meta-review counted it
     * among recurrences despite a done fix.
     */
    private void withdraw(Incident incident, IncidentRecurrence marked) {
        recurrences.delete(marked);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("earlierIncidentId", marked.earlierIncidentId);
        data.put("actionId", marked.actionId);
        timeline.record(incident.id, null, Timeline.RECURRENCE, null, ACTOR, "No longer a recurrence of incident "
                + marked.earlierIncidentId + ": as it is now known (its cause, services, changes and washup), it is not"
                + " the most similar earlier incident scoring " + config.recurrenceMinScore() + " or more whose systemic"
                + " fix was done before this one was detected", data);
    }

    private void mark(Incident incident, Similar earlier, SystemicAction fix) {
        IncidentRecurrence recurrence = new IncidentRecurrence();
        recurrence.incidentId = incident.id;
        recurrence.earlierIncidentId = earlier.incidentId();
        recurrence.actionId = fix.actionId();
        recurrence.actionTitle = fix.title();
        recurrence.actionDoneAt = fix.doneAt();
        recurrence.score = earlier.score();
        recurrence.why = earlier.why().length() > 2000 ? earlier.why().substring(0, 2000) : earlier.why();
        recurrence.markedAt = clock.instant();
        recurrences.persist(recurrence);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("earlierIncidentId", earlier.incidentId());
        data.put("actionId", fix.actionId());
        data.put("actionDoneAt", fix.doneAt());
        data.put("score", earlier.score());
        String text = "Similar to incident " + earlier.incidentId() + " (" + earlier.title() + ") whose systemic fix \""
                + fix.title() + "\" was done on " + SimilarIncidents.date(fix.doneAt()) + ": a recurrence (score "
                + earlier.score() + ": " + earlier.why() + ")";
        timeline.record(incident.id, null, Timeline.RECURRENCE, null, ACTOR,
                text.length() > Timeline.TEXT_MAX ? text.substring(0, Timeline.TEXT_MAX) : text, data);
    }
}
