package dev.daff.incident.washup;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.LockModeType;

import dev.daff.incident.lifecycle.IncidentStatus;
import dev.daff.incident.lifecycle.IncidentTransitioned;
import dev.daff.incident.timeline.Actor;
import dev.daff.incident.timeline.Timeline;

/**
 * A reopen makes a reviewed washup a draft again. The problem came back, so what the washup says of its cause and of
 * how to stop it was not the whole story: left reviewed, resolving again made the incident finalisable at once, its
 * cause could not be corrected, and nobody was asked why the fix did not hold.
 */
@ApplicationScoped
public class ReopenedWashups {

    static final Actor ACTOR = Actor.daff("daff-washup");

    private final Washups washups;
    private final WashupReviewers reviewers;
    private final Timeline timeline;
    private final Clock clock;

    public ReopenedWashups(Washups washups, WashupReviewers reviewers, Timeline timeline, Clock clock) {
        this.washups = washups;
        this.reviewers = reviewers;
        this.timeline = timeline;
        this.clock = clock;
    }

    /** Inside the reopen's transaction, which holds the incident's row: a review at the same moment waits for it. */
    void transitioned(@Observes IncidentTransitioned event) {
        if (event.from() != IncidentStatus.RESOLVED || event.to() != IncidentStatus.FIXING) {
            return;
        }
        washups.findByIdOptional(event.incidentId(), LockModeType.PESSIMISTIC_WRITE)
                .filter(washup -> washup.status == WashupStatus.REVIEWED)
                .ifPresent(this::backToDraft);
    }

    private void backToDraft(Washup washup) {
        Instant now = clock.instant();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("reviewedAt", washup.reviewedAt);
        data.put("reviewedBy", washup.reviewedBy);
        data.put("reviewers", reviewers.of(washup.incidentId).stream().map(reviewer -> reviewer.name).toList());
        data.put("whyFixDidNotHold", washup.whyFixDidNotHold);
        timeline.record(washup.incidentId, now, Timeline.WASHUP_REOPENED, "FINALISE", ACTOR, "Washup back to draft:"
                + " the incident was reopened after " + washup.reviewedBy + " reviewed it at " + washup.reviewedAt
                + "; review it again, saying why the fix did not hold (whyFixDidNotHold)", data);
        reviewers.delete("incidentId", washup.incidentId); // the timeline keeps who they were
        washup.status = WashupStatus.DRAFT;
        washup.reviewedAt = null;
        washup.reviewedBy = null;
        washup.reviewedBySubject = null;
        washup.reopenedAt = now;
        // Asked anew: an answer given before (for a recurrence, or an earlier reopen) is of another round, and kept it
        // let the next review pass with nobody saying why this fix did not hold. The timeline keeps it.
        washup.whyFixDidNotHold = null;
    }
}
