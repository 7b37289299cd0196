package dev.daff.incident.finalisation;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import dev.daff.incident.finalisation.FinalisationApi.FinalisationView;
import dev.daff.incident.finalisation.FinalisationApi.Waiver;
import dev.daff.incident.lifecycle.Incident;
import dev.daff.incident.lifecycle.Incidents;
import dev.daff.incident.timeline.Actor;
import dev.daff.kit.problem.ProblemException;

/** The finalisation checklist and waivers, for the API. */
@ApplicationScoped
public class FinalisationService {

    private final Incidents incidents;
    private final FinalisationGate gate;

    public FinalisationService(Incidents incidents, FinalisationGate gate) {
        this.incidents = incidents;
        this.gate = gate;
    }

    @Transactional
    public FinalisationView checklist(UUID incidentId) {
        return gate.view(incident(incidentId));
    }

    /** Proposes a waiver; it takes effect at once when an admin proposes it, else once another person approves. */
    @Transactional
    public FinalisationView proposeWaiver(UUID incidentId, @Valid @NotNull Waiver waiver, Actor proposer, boolean admin) {
        if (waiver.approvedBy() != null) {
            throw ProblemException.invalidField("approvedBy", "is not accepted: an approver approves with their own"
                    + " token (POST /api/incidents/" + incidentId + "/finalisation-waiver/approval), or an admin"
                    + " proposes the waiver");
        }
        Incident incident = lockedIncident(incidentId);
        gate.proposeWaiver(incident, waiver.reason(), proposer, admin);
        return gate.view(incident);
    }

    @Transactional
    public FinalisationView approveWaiver(UUID incidentId, String reasonRead, Actor approver) {
        Incident incident = lockedIncident(incidentId);
        gate.approveWaiver(incident, reasonRead, approver);
        return gate.view(incident);
    }

    private Incident incident(UUID id) {
        return incidents.require(id);
    }

    /**
     * Locked first, as transitions lock it (then the gate's row): a reopen in flight is waited for and its FIXING
     * judged, where a waiver decided on the RESOLVED read before it made a reopened incident finalisable.
     */
    private Incident lockedIncident(UUID id) {
        return incidents.requireLocked(id);
    }
}
