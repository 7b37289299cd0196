package dev.daff.incident.finalisation;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import dev.daff.incident.finalisation.FinalisationRule.Condition;
import dev.daff.incident.lifecycle.IncidentStatus;

/** What the finalisation API reads and writes. */
public final class FinalisationApi {

    private FinalisationApi() {
    }

    /** A decision to finalise without meeting the conditions: why, and who approved it. */
    public record Waiver(@NotBlank @Size(max = 4000) String reason, @NotBlank @Size(max = 200) String approvedBy) {
    }

    public record WaiverView(String reason, String approvedBy, String recordedBy, Instant recordedAt) {
    }

    public record ActionSummaryView(int total, int open, int systemicDone, int systemicOpen, boolean washupDone,
            Instant occurredAt) {
    }

    /** The checklist: every condition with whether it is met, the waiver if any, and the action counts it read. */
    public record FinalisationView(UUID incidentId, IncidentStatus status, boolean finalisable, List<Condition> conditions,
            WaiverView waiver, ActionSummaryView actionSummary) {
    }

    /** One unmet condition in a refusal. */
    public record Unmet(String code, String text) {
    }
}
