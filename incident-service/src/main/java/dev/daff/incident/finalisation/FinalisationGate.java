package dev.daff.incident.finalisation;

import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.daff.incident.finalisation.FinalisationApi.ActionSummaryView;
import dev.daff.incident.finalisation.FinalisationApi.FinalisationView;
import dev.daff.incident.finalisation.FinalisationApi.Unmet;
import dev.daff.incident.finalisation.FinalisationApi.WaiverView;
import dev.daff.incident.finalisation.FinalisationRule.Actions;
import dev.daff.incident.finalisation.FinalisationRule.Condition;
import dev.daff.incident.finalisation.FinalisationRule.Verdict;
import dev.daff.incident.lifecycle.Incident;
import dev.daff.incident.lifecycle.IncidentStatus;
import dev.daff.incident.timeline.Timeline;
import dev.daff.incident.washup.WashupStatus;
import dev.daff.incident.washup.Washups;
import dev.daff.kit.problem.ProblemException;

/**
 * Applies {@link FinalisationRule} to an incident's stored facts (washup, action summary, waiver), refuses
 * finalising while it says no, and notes on the timeline — once per change to "yes" — that an incident became
 * ready. Finalising itself stays a person's decision.
 */
@ApplicationScoped
public class FinalisationGate {

    /** The actor of the "ready to finalise" entries daff writes by itself. */
    static final String ACTOR = "daff-finalisation-gate";

    private final Washups washups;
    private final ActionSummaries summaries;
    private final Finalisations finalisations;
    private final Timeline timeline;
    private final Clock clock;

    public FinalisationGate(Washups washups, ActionSummaries summaries, Finalisations finalisations, Timeline timeline,
            Clock clock) {
        this.washups = washups;
        this.summaries = summaries;
        this.finalisations = finalisations;
        this.timeline = timeline;
        this.clock = clock;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public Verdict assess(Incident incident) {
        return assess(incident, finalisations.findByIdOptional(incident.id).orElse(null));
    }

    private Verdict assess(Incident incident, Finalisation finalisation) {
        boolean reviewed = washups.findByIdOptional(incident.id).map(w -> w.status == WashupStatus.REVIEWED).orElse(false);
        Actions actions = summaries.findByIdOptional(incident.id)
                .map(s -> new Actions(s.total, s.open, s.systemicDone, s.systemicOpen)).orElse(null);
        return FinalisationRule.assess(incident.status == IncidentStatus.RESOLVED, reviewed, actions,
                finalisation != null && finalisation.waived());
    }

    /** Throws the 409 that lists every unmet condition unless the incident may be finalised now. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void requireFinalisable(Incident incident) {
        Verdict verdict = assess(incident);
        if (verdict.finalisable()) {
            return;
        }
        List<Unmet> unmet = verdict.unmet().stream().map(c -> new Unmet(c.code(), c.text())).toList();
        throw ProblemException.conflict("finalisation-gated", "Finalisation not yet possible",
                "Finalising needs: " + String.join(" ", unmet.stream().map(Unmet::text).toList())
                        + " Or record a waiver (POST /api/incidents/" + incident.id + "/finalisation-waiver).")
                .with("unmet", unmet)
                .with("allowedNext", incident.status.allowedNext());
    }

    /**
     * Re-evaluates the incident after anything the rule reads changed (an action summary, the washup review, a
     * waiver, a transition) and stores the answer; when it turns to finalisable the timeline says so.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void reassess(Incident incident) {
        Finalisation finalisation = finalisations.lockedFor(incident.id);
        Verdict verdict = assess(incident, finalisation);
        boolean now = verdict.finalisable();
        if (now && !finalisation.finalisable) {
            finalisation.readySince = clock.instant();
            timeline.record(incident.id, finalisation.readySince, Timeline.READY_TO_FINALISE, "FINALISE", ACTOR,
                    readyText(verdict, finalisation), Map.of("conditions", verdict.conditions(), "waived", verdict.waived()));
        } else if (!now) {
            finalisation.readySince = null;
        }
        finalisation.finalisable = now;
    }

    /** Records a waiver for a RESOLVED incident; the gate then lets it be finalised whatever the checklist says. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void waive(Incident incident, FinalisationApi.Waiver waiver, String actor) {
        if (incident.status != IncidentStatus.RESOLVED) {
            throw ProblemException.conflict("incident-not-resolved", "Incident not resolved",
                    "A finalisation waiver is for a RESOLVED incident; this one is " + incident.status + ".");
        }
        Finalisation finalisation = finalisations.lockedFor(incident.id);
        finalisation.waiverReason = waiver.reason();
        finalisation.waiverApprovedBy = waiver.approvedBy();
        finalisation.waiverRecordedBy = actor;
        finalisation.waiverRecordedAt = clock.instant();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("reason", waiver.reason());
        data.put("approvedBy", waiver.approvedBy());
        timeline.record(incident.id, finalisation.waiverRecordedAt, Timeline.FINALISATION_WAIVED, "FINALISE", actor,
                "Finalisation conditions waived, approved by " + waiver.approvedBy() + ": " + waiver.reason(), data);
        reassess(incident);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public FinalisationView view(Incident incident) {
        Finalisation finalisation = finalisations.findByIdOptional(incident.id).orElse(null);
        Verdict verdict = assess(incident, finalisation);
        WaiverView waiver = finalisation == null || !finalisation.waived() ? null
                : new WaiverView(finalisation.waiverReason, finalisation.waiverApprovedBy, finalisation.waiverRecordedBy,
                        finalisation.waiverRecordedAt);
        ActionSummaryView actions = summaries.findByIdOptional(incident.id)
                .map(s -> new ActionSummaryView(s.total, s.open, s.systemicDone, s.systemicOpen, s.washupDone, s.occurredAt))
                .orElse(null);
        return new FinalisationView(incident.id, incident.status, verdict.finalisable(), verdict.conditions(), waiver,
                actions);
    }

    /** Whether the incident is finalisable, as last assessed (what the incident view shows). */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean finalisable(UUID incidentId) {
        return finalisations.findByIdOptional(incidentId).map(f -> f.finalisable).orElse(false);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public Set<UUID> finalisable(Collection<UUID> incidentIds) {
        return finalisations.finalisable(incidentIds);
    }

    private static String readyText(Verdict verdict, Finalisation finalisation) {
        if (verdict.conditionsMet()) {
            return "Ready to finalise: " + String.join(" ", verdict.conditions().stream().map(Condition::text).toList());
        }
        return "Ready to finalise: conditions waived, approved by " + finalisation.waiverApprovedBy + ".";
    }
}
