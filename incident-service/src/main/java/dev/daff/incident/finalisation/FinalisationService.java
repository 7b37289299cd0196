package dev.daff.incident.finalisation;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import dev.daff.incident.finalisation.FinalisationApi.FinalisationView;
import dev.daff.incident.finalisation.FinalisationApi.Waiver;
import dev.daff.incident.lifecycle.Incident;
import dev.daff.incident.lifecycle.IncidentRepository;
import dev.daff.kit.problem.ProblemException;

/** The finalisation checklist and waivers, for the API. */
@ApplicationScoped
public class FinalisationService {

    private final IncidentRepository incidents;
    private final FinalisationGate gate;

    public FinalisationService(IncidentRepository incidents, FinalisationGate gate) {
        this.incidents = incidents;
        this.gate = gate;
    }

    @Transactional
    public FinalisationView checklist(UUID incidentId) {
        return gate.view(incident(incidentId));
    }

    @Transactional
    public FinalisationView waive(UUID incidentId, @Valid @NotNull Waiver waiver, String actor) {
        Incident incident = incident(incidentId);
        gate.waive(incident, waiver, actor);
        return gate.view(incident);
    }

    private Incident incident(UUID id) {
        return incidents.findByIdOptional(id).orElseThrow(() -> ProblemException.notFound("incident", id.toString()));
    }
}
