package dev.daff.incident.finalisation;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.daff.incident.actions.ActionSummaries;
import dev.daff.incident.finalisation.FinalisationApi.ActionSummaryView;
import dev.daff.incident.finalisation.FinalisationApi.FinalisationView;
import dev.daff.incident.finalisation.FinalisationApi.Unmet;
import dev.daff.incident.finalisation.FinalisationApi.WaiverStatus;
import dev.daff.incident.finalisation.FinalisationApi.WaiverView;
import dev.daff.incident.finalisation.FinalisationRule.Actions;
import dev.daff.incident.finalisation.FinalisationRule.Condition;
import dev.daff.incident.finalisation.FinalisationRule.Verdict;
import dev.daff.incident.lifecycle.FinalisationCheck;
import dev.daff.incident.lifecycle.Incident;
import dev.daff.incident.lifecycle.IncidentStatus;
import dev.daff.incident.timeline.Actor;
import dev.daff.incident.timeline.Timeline;
import dev.daff.incident.washup.Washups;
import dev.daff.kit.problem.ProblemException;

/**
 * Applies {@link FinalisationRule} to an incident's stored facts (washup, action summary, approved waiver), refuses
 * finalising while it says no, and notes on the timeline — once per change to "yes" — that an incident became
 * ready. Finalising itself stays a person's decision. It answers the lifecycle's {@link FinalisationCheck}; what
 * makes it reassess is in {@link GateTriggers}.
 */
@ApplicationScoped
public class FinalisationGate implements FinalisationCheck {

    /** The actor of the "ready to finalise" entries daff writes by itself. */
    static final Actor ACTOR = Actor.daff("daff-finalisation-gate");

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

    private Verdict assess(Incident incident, Finalisation finalisation) {
        Actions actions = summaries.countsOf(incident.id)
                .map(c -> new Actions(c.total(), c.open(), c.systemicDone(), c.systemicOpen())).orElse(null);
        return FinalisationRule.assess(incident.status == IncidentStatus.RESOLVED, washups.isReviewed(incident.id), actions,
                finalisation != null && finalisation.waived());
    }

    /** Throws the 409 that lists every unmet condition unless the incident may be finalised now. */
    @Override
    @Transactional(Transactional.TxType.MANDATORY)
    public void requireFinalisable(Incident incident) {
        summaries.lockFor(incident.id); // a summary being stored now is read once it commits
        // And a waiver being proposed or approved now: read once it commits, and never written back over it later.
        Verdict verdict = assess(incident, finalisations.lockedFor(incident.id));
        if (verdict.finalisable()) {
            return;
        }
        List<Unmet> unmet = verdict.unmet().stream().map(c -> new Unmet(c.code(), c.text())).toList();
        throw ProblemException.conflict("finalisation-gated", "Finalisation not yet possible",
                "Finalising needs: " + String.join(" ", unmet.stream().map(Unmet::text).toList())
                        + " Or have a waiver approved (POST /api/incidents/" + incident.id + "/finalisation-waiver).")
                .with("unmet", unmet)
                .with("allowedNext", incident.status.allowedNext());
    }

    /**
     * Re-evaluates the incident after anything the rule reads changed (an action summary, the washup review, a
     * waiver, a transition: see {@link GateTriggers}) and stores the answer; when it turns to finalisable the
     * timeline says so.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void reassess(Incident incident) {
        reassess(incident, finalisations.lockedFor(incident.id));
    }

    /** {@link #reassess(Incident)} with the incident's gate row, which the caller has locked already. */
    void reassess(Incident incident, Finalisation finalisation) {
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

    /**
     * An open action first heard of for an incident already FINALISED — opened in the moment before action-service
     * heard of the finalise, or opened before it and reported late: it cannot hold the incident back any more, so it
     * is said on the timeline rather than absorbed in silence.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void noteActionAfterFinalise(Incident incident, UUID actionId, String title, Instant openedAt) {
        if (incident.status != IncidentStatus.FINALISED) {
            return;
        }
        String when = incident.finalisedAt != null && openedAt.isBefore(incident.finalisedAt)
                ? "was reported after this incident was finalised" : "was opened after this incident was finalised";
        timeline.record(incident.id, null, Timeline.ACTION_AFTER_FINALISE, "FINALISE", ACTOR, "Action \"" + title
                + "\" " + when + "; it is tracked in action-service but no longer holds the incident back",
                Map.of("actionId", actionId.toString(), "title", title, "openedAt", openedAt.toString()));
    }

    /**
     * Records a waiver proposal for a RESOLVED incident, replacing any waiver before it. An admin's proposal is
     * approved by the admin at once; anyone else's waits, and the gate stays shut, until a different person
     * approves it ({@link #approveWaiver}).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void proposeWaiver(Incident incident, String reason, Actor proposer, boolean admin) {
        requireResolved(incident);
        Finalisation finalisation = finalisations.lockedFor(incident.id);
        finalisation.waiverReason = reason;
        finalisation.waiverRecordedBy = proposer.name();
        finalisation.waiverRecordedBySubject = proposer.subject();
        finalisation.waiverRecordedAt = clock.instant();
        finalisation.waiverApprovedBy = null;
        finalisation.waiverApprovedBySubject = null;
        finalisation.waiverApprovedAt = null;
        if (admin) {
            approve(incident, finalisation, proposer);
            return;
        }
        timeline.record(incident.id, finalisation.waiverRecordedAt, Timeline.FINALISATION_WAIVER_PROPOSED, "FINALISE",
                proposer, "Finalisation waiver proposed by " + proposer.name()
                        + ", waiting for a second responder's approval: " + reason, waiverData(finalisation));
        reassess(incident, finalisation);
    }

    /**
     * Approves the pending waiver: four eyes, so the approver must be someone other than the proposer (compared by
     * subject, never by name).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void approveWaiver(Incident incident, String reasonRead, Actor approver) {
        Finalisation finalisation = finalisations.lockedFor(incident.id);
        if (!finalisation.hasWaiver() || finalisation.waived()) {
            throw ProblemException.conflict("no-pending-waiver", "No waiver waiting for approval",
                    finalisation.waived() ? "The waiver was approved by " + finalisation.waiverApprovedBy + " already."
                            : "Nobody has proposed a waiver for this incident (POST /api/incidents/" + incident.id
                                    + "/finalisation-waiver).");
        }
        requireResolved(incident);
        if (approver.is(finalisation.waiverRecordedBySubject)) {
            throw new ProblemException(403, "four-eyes", "Approval by the proposer",
                    "A waiver needs a second person: someone other than " + finalisation.waiverRecordedBy
                            + ", who proposed it, must approve it with their own token.");
        }
        if (!finalisation.waiverReason.equals(reasonRead)) {
            throw ProblemException.conflict("waiver-changed", "The waiver is not the one read",
                    "The pending waiver's reason is not the reason given with this approval: it was replaced since it"
                            + " was read. Read it again (GET /api/incidents/" + incident.id + "/finalisation) and"
                            + " approve what it says now.");
        }
        approve(incident, finalisation, approver);
    }

    private void approve(Incident incident, Finalisation finalisation, Actor approver) {
        finalisation.waiverApprovedBy = approver.name();
        finalisation.waiverApprovedBySubject = approver.subject();
        finalisation.waiverApprovedAt = clock.instant();
        boolean ownProposal = approver.is(finalisation.waiverRecordedBySubject);
        timeline.record(incident.id, finalisation.waiverApprovedAt, Timeline.FINALISATION_WAIVED, "FINALISE",
                approver, "Finalisation conditions waived"
                        + (ownProposal ? " by " + approver.name() + " (admin)"
                                : ", proposed by " + finalisation.waiverRecordedBy + ", approved by " + approver.name())
                        + ": " + finalisation.waiverReason, waiverData(finalisation));
        reassess(incident, finalisation);
    }

    private static void requireResolved(Incident incident) {
        if (incident.status != IncidentStatus.RESOLVED) {
            throw ProblemException.conflict("incident-not-resolved", "Incident not resolved",
                    "A finalisation waiver is for a RESOLVED incident; this one is " + incident.status + ".");
        }
    }

    static Map<String, Object> waiverData(Finalisation finalisation) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("reason", finalisation.waiverReason);
        data.put("proposedBy", finalisation.waiverRecordedBy);
        data.put("proposedBySubject", finalisation.waiverRecordedBySubject);
        if (finalisation.waiverApprovedAt != null) {
            data.put("approvedBy", finalisation.waiverApprovedBy);
            data.put("approvedBySubject", finalisation.waiverApprovedBySubject);
        }
        return data;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public FinalisationView view(Incident incident) {
        Finalisation finalisation = finalisations.findByIdOptional(incident.id).orElse(null);
        Verdict verdict = assess(incident, finalisation);
        WaiverView waiver = finalisation == null || !finalisation.hasWaiver() ? null
                : new WaiverView(finalisation.waiverReason, finalisation.waived() ? WaiverStatus.APPROVED : WaiverStatus.PENDING,
                        finalisation.waiverRecordedBy, finalisation.waiverRecordedBySubject, finalisation.waiverRecordedAt,
                        finalisation.waiverApprovedBy, finalisation.waiverApprovedBySubject, finalisation.waiverApprovedAt);
        ActionSummaryView actions = summaries.countsOf(incident.id)
                .map(c -> new ActionSummaryView(c.total(), c.open(), c.systemicDone(), c.systemicOpen(), c.occurredAt()))
                .orElse(null);
        return new FinalisationView(incident.id, incident.status, verdict.finalisable(), verdict.conditions(), waiver,
                actions);
    }

    /** The ids among {@code incidentIds} that are finalisable, as last assessed (what incident views show). */
    @Override
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
