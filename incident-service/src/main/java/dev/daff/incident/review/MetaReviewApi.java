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
            List<Overdue> unfinalisedOverdue) {
    }
}
