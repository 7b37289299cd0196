package dev.daff.incident.review;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.daff.incident.lifecycle.IncidentStatus;
import dev.daff.incident.lifecycle.Severity;

/** What the meta-review answers. */
public final class MetaReviewApi {

    private MetaReviewApi() {
    }

    public record ServiceCount(String service, int incidents) {
    }

    public record Share(int incidents, Double share) {
    }

    public record Overdue(UUID id, String title, Severity severity, IncidentStatus status, Instant detectedAt, long ageDays) {
    }

    /**
     * A SYSTEMIC action of a recurring class's incident; once done, the class's incidents of the period before
     * ([from, doneAt)) and after ([doneAt, to)) it was done, and each as incidents per 30 days (null when the
     * action was done outside the period on that side).
     */
    public record ClassAction(UUID incidentId, String title, String status, Instant doneAt, Integer incidentsBefore,
            Integer incidentsAfter, Double ratePer30DaysBefore, Double ratePer30DaysAfter) {
    }

    /**
     * Service + cause class + seam shared by at least two incidents of the period (earliest first), their SYSTEMIC
     * actions, and the incidents detected after the first of them was done.
     */
    public record RecurringClass(String service, String causeClass, String seam, int incidents, List<UUID> incidentIds,
            List<ClassAction> systemicActions, List<UUID> incidentsAfterDoneFix) {
    }

    /** An incident of the period marked a recurrence of an earlier one whose SYSTEMIC fix was done before it. */
    public record Recurrence(UUID incidentId, String title, Instant detectedAt, UUID earlierIncidentId,
            String actionTitle, Instant actionDoneAt) {
    }

    /**
     * Incidents detected in [from, to). Counts by cause class include {@code UNSET} for incidents without a cause;
     * MTTD = impact start → detected (incidents with an impact start), MTTA = detected → acknowledged, MTTR = impact
     * start (else detected) → resolved, time to finalise = resolved → finalised.
     */
    public record MetaReview(
            Instant from,
            Instant to,
            int incidents,
            Map<String, Integer> byCauseClass,
            Map<String, Integer> byService,
            Map<String, Integer> bySeam,
            Map<String, Integer> byDetectionSource,
            Map<String, Integer> bySeverity,
            DurationStats mttd,
            DurationStats mtta,
            DurationStats mttr,
            Map<String, DurationStats> mttrBySeverity,
            DurationStats timeToFinalise,
            List<ServiceCount> servicesWithRepeatIncidents,
            List<String> patterns,
            Share withLinkedChange,
            List<Overdue> unfinalisedOverdue,
            List<RecurringClass> recurringClasses,
            List<Recurrence> recurrencesDespiteDoneFix) {
    }
}
