package dev.daff.incident.lifecycle;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.daff.kit.problem.ProblemException;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class IncidentRepository implements PanacheRepositoryBase<Incident, UUID> {

    /** The incident, or the 404 every API answers for an unknown one. */
    public Incident require(UUID id) {
        return findByIdOptional(id).orElseThrow(() -> ProblemException.notFound("incident", id.toString()));
    }

    /** The oldest unresolved incident that covers {@code service}: the one a new alert for it joins. */
    public Optional<Incident> openFor(String service) {
        return find("status in ?1 and ?2 member of services order by detectedAt",
                List.of(IncidentStatus.DISCOVERED, IncidentStatus.ANALYSING, IncidentStatus.FIXING), service)
                .firstResultOptional();
    }
}
