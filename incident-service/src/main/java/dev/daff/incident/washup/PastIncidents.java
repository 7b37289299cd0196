package dev.daff.incident.washup;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What the washup asks of earlier incidents: the ones most like this one, and whether this one is a recurrence (it
 * matched an earlier incident whose SYSTEMIC action was done before it). The {@code similar} package, which uses
 * this one, answers; the washup never depends on it.
 */
public interface PastIncidents {

    /** An earlier incident like this one: why in a sentence, the score out of 100, its SYSTEMIC actions in words. */
    record SimilarIncident(UUID incidentId, String title, Instant detectedAt, int score, String why,
            List<String> systemicActions) {
    }

    /** The earlier incident this one recurs, and its SYSTEMIC action that was done before this one was detected. */
    record Recurrence(UUID earlierIncidentId, String earlierTitle, String actionTitle, Instant actionDoneAt) {
    }

    /** The few earlier incidents most like this one, most alike first. */
    List<SimilarIncident> topSimilar(UUID incidentId);

    Optional<Recurrence> recurrenceOf(UUID incidentId);

    /**
     * Judges again, with what is known of the incident now, whether it is a recurrence, and marks or withdraws it:
     * its services, changes and washup may have changed since its cause was set. Nothing before the cause is set, nor
     * once the incident is finalised. In the caller's transaction, or in one of its own.
     */
    void judgeRecurrence(UUID incidentId);
}
