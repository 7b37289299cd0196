package dev.daff.action.incidents;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import dev.daff.action.followup.IncidentFacts;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

/** The incidents action-service has heard of: the read model behind {@link IncidentFacts}. */
@ApplicationScoped
public class KnownIncidents implements PanacheRepositoryBase<KnownIncident, UUID>, IncidentFacts {

    @Override
    public Optional<String> severity(UUID incidentId) {
        return findByIdOptional(incidentId).map(known -> known.severity);
    }

    /** incident-service's last status: nothing follows it. */
    static final String FINALISED = "FINALISED";

    /**
     * Read under a share lock, which waits for an IncidentFinalised being applied right now: read as it was before,
     * a create racing it stored an action on the finalised incident, open and reminded for good.
     */
    @Override
    public boolean finalised(UUID incidentId) {
        return findByIdOptional(incidentId, LockModeType.PESSIMISTIC_READ).map(known -> FINALISED.equals(known.status))
                .orElse(false);
    }

    @Override
    public Set<UUID> notResolved(Collection<UUID> incidentIds) {
        if (incidentIds.isEmpty()) {
            return Set.of();
        }
        return getEntityManager()
                .createQuery("select k.id from KnownIncident k where k.id in ?1 and k.status <> 'RESOLVED'", UUID.class)
                .setParameter(1, Set.copyOf(incidentIds)).getResultStream().collect(Collectors.toSet());
    }

    @Override
    public long awaitingFinalisation(String team) {
        return count("team = ?1 and status = 'RESOLVED'", team);
    }
}
