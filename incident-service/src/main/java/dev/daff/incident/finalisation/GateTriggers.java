package dev.daff.incident.finalisation;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.daff.incident.actions.ActionFirstHeard;
import dev.daff.incident.actions.ActionSummaryUpdated;
import dev.daff.incident.lifecycle.Incidents;
import dev.daff.incident.lifecycle.IncidentTransitioned;
import dev.daff.incident.washup.WashupReviewed;

/**
 * What makes the finalisation gate look again: every change to a fact {@link FinalisationRule} reads is fired as a
 * domain event by the class that owns the fact, inside the transaction that changed it, and observed here. No
 * caller has to remember the gate; a new fact the rule reads needs one more observer here. (Waivers are the gate's
 * own state and reassess it directly.)
 */
@ApplicationScoped
public class GateTriggers {

    private final Incidents incidents;
    private final Finalisations finalisations;
    private final FinalisationGate gate;

    public GateTriggers(Incidents incidents, Finalisations finalisations, FinalisationGate gate) {
        this.incidents = incidents;
        this.finalisations = finalisations;
        this.gate = gate;
    }

    /** Entering RESOLVED may make an incident finalisable at once; leaving it (reopened, or finalised) never is. */
    void transitioned(@Observes IncidentTransitioned event) {
        gate.reassess(incidents.require(event.incidentId()));
    }

    void washupReviewed(@Observes WashupReviewed event) {
        gate.reassess(incidents.require(event.incidentId()));
    }

    /**
     * action-service may report on an incident this service has not heard of yet; that one is assessed later. The
     * incident is read again once the gate's row is this transaction's: a resolve that took the row first judged the
     * summary as it was before this one committed, and judged by the status read before, neither saw it ready.
     */
    void actionSummaryUpdated(@Observes ActionSummaryUpdated event) {
        incidents.findByIdOptional(event.incidentId()).ifPresent(incident -> {
            Finalisation finalisation = finalisations.lockedFor(incident.id);
            incidents.getEntityManager().refresh(incident); // not locked: transitions lock the incident before the row
            gate.reassess(incident, finalisation);
        });
    }

    /** An open action first heard of once the incident is FINALISED is said on its timeline. */
    void actionFirstHeard(@Observes ActionFirstHeard event) {
        incidents.findByIdOptional(event.incidentId()).ifPresent(incident -> gate.noteActionAfterFinalise(incident,
                event.actionId(), event.title(), event.occurredAt()));
    }
}
