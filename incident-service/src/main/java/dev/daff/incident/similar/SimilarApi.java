package dev.daff.incident.similar;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.daff.incident.similar.SimilarityRule.Part;

/** What {@code GET /api/incidents/{id}/similar} answers. */
public final class SimilarApi {

    private SimilarApi() {
    }

    /** An earlier incident's SYSTEMIC action as action-service last announced it; doneAt once DONE. */
    public record SystemicAction(UUID actionId, String title, String status, Instant doneAt) {
    }

    /** An earlier incident like this one: the score out of 100, the sentence made of its parts, and the parts. */
    public record Similar(UUID incidentId, String title, Instant detectedAt, int score, String why, List<Part> parts,
            List<SystemicAction> systemicActions) {
    }

    /** This incident recurs {@code earlierIncidentId}, whose SYSTEMIC action was done before it was detected. */
    public record RecurrenceView(UUID incidentId, UUID earlierIncidentId, String earlierTitle, UUID actionId,
            String actionTitle, Instant actionDoneAt, int score, String why, Instant markedAt) {
    }

    /** Earlier incidents scoring at least {@code minScore}, most alike first; {@code recurrenceOf} when marked. */
    public record SimilarList(UUID incidentId, RecurrenceView recurrenceOf, int minScore, List<Similar> similar) {
    }
}
