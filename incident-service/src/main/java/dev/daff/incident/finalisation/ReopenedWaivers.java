package dev.daff.incident.finalisation;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.daff.incident.lifecycle.IncidentStatus;
import dev.daff.incident.lifecycle.IncidentTransitioned;
import dev.daff.incident.timeline.Actor;
import dev.daff.incident.timeline.Timeline;

/**
 * A reopen voids a finalisation waiver, approved or pending. Its two people judged the incident as it stood when it
 * was resolved; the problem came back, so that judgement no longer holds: kept, resolving again made the incident
 * finalisable at once with nobody looking at it again. A new waiver can be proposed once it is resolved again.
 */
@ApplicationScoped
public class ReopenedWaivers {

    private final Finalisations finalisations;
    private final Timeline timeline;
    private final Clock clock;

    public ReopenedWaivers(Finalisations finalisations, Timeline timeline, Clock clock) {
        this.finalisations = finalisations;
        this.timeline = timeline;
        this.clock = clock;
    }

    /** Inside the reopen's transaction, which holds the incident's row, then the gate's (the lock order of waivers). */
    void transitioned(@Observes IncidentTransitioned event) {
        if (event.from() != IncidentStatus.RESOLVED || event.to() != IncidentStatus.FIXING) {
            return;
        }
        Finalisation finalisation = finalisations.lockedFor(event.incidentId());
        if (finalisation.hasWaiver()) {
            voidWaiver(finalisation);
        }
    }

    private void voidWaiver(Finalisation finalisation) {
        Instant now = clock.instant();
        String which = finalisation.waived() ? "approved by " + finalisation.waiverApprovedBy : "pending";
        timeline.record(finalisation.incidentId, now, Timeline.FINALISATION_WAIVER_VOIDED, "FINALISE",
                FinalisationGate.ACTOR, "Finalisation waiver voided: the incident was reopened. The waiver proposed by "
                        + finalisation.waiverRecordedBy + " (" + which + ") judged it as it was resolved; propose a new"
                        + " one once it is resolved again if the conditions should still be waived. It said: "
                        + finalisation.waiverReason, FinalisationGate.waiverData(finalisation));
        finalisation.clearWaiver();
    }
}
