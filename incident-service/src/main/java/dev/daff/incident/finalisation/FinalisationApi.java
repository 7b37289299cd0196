package dev.daff.incident.finalisation;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.Size;

import dev.daff.incident.finalisation.FinalisationRule.Condition;
import dev.daff.incident.lifecycle.IncidentStatus;
import dev.daff.kit.json.Written;

/** What the finalisation API reads and writes. */
public final class FinalisationApi {

    private FinalisationApi() {
    }

    /**
     * A proposal to finalise without meeting the conditions, and why. Who approves it is never written here: an
     * admin's proposal is approved by the admin, anyone else's by a second responder's own call.
     * {@code approvedBy} is read only to refuse it (a free-text approver is what four eyes replaces).
     */
    public record Waiver(@Written @Size(max = 4000) String reason, String approvedBy) {
    }

    /**
     * An approval names the reason it approves, as the approver read it: a proposal replaced in between (by its
     * proposer, say, once a colleague had read the first) is not approved unread.
     */
    public record WaiverApproval(@Written @Size(max = 4000) String reason) {
    }

    /** PENDING until approved by someone other than the proposer; only an APPROVED waiver opens the gate. */
    public enum WaiverStatus {
        PENDING, APPROVED
    }

    /**
     * The waiver: who proposed it ({@code recordedBy}/{@code recordedAt} are the proposal, as before) and who
     * approved it. Names are display names; the {@code *Subject} fields are who the people are.
     */
    public record WaiverView(String reason, WaiverStatus status, String recordedBy, String recordedBySubject,
            Instant recordedAt, String approvedBy, String approvedBySubject, Instant approvedAt) {
    }

    /**
     * The follow-up actions as action-service last counted them. WASHUP actions are not counted: whether the washup
     * is reviewed is incident-service's own fact, the WASHUP_NOT_REVIEWED condition.
     */
    public record ActionSummaryView(int total, int open, int systemicDone, int systemicOpen, Instant occurredAt) {
    }

    /** The checklist: every condition with whether it is met, the waiver if any, and the action counts it read. */
    public record FinalisationView(UUID incidentId, IncidentStatus status, boolean finalisable, List<Condition> conditions,
            WaiverView waiver, ActionSummaryView actionSummary) {
    }

    /** One unmet condition in a refusal. */
    public record Unmet(String code, String text) {
    }
}
