package dev.daff.incident.finalisation;

import java.util.Collection;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class Finalisations implements PanacheRepositoryBase<Finalisation, UUID> {

    /**
     * The incident's row, made if missing and locked until the transaction ends, so an action event, a washup
     * review and a transition for one incident never decide "ready" concurrently.
     */
    Finalisation lockedFor(UUID incidentId) {
        getEntityManager().createNativeQuery("insert into finalisation (incident_id) values (?1) on conflict do nothing")
                .setParameter(1, incidentId)
                .executeUpdate();
        return findById(incidentId, LockModeType.PESSIMISTIC_WRITE);
    }

    /** The ids among {@code incidentIds} that are finalisable now. */
    java.util.Set<UUID> finalisable(Collection<UUID> incidentIds) {
        if (incidentIds.isEmpty()) {
            return java.util.Set.of();
        }
        return list("incidentId in ?1 and finalisable = true", incidentIds).stream().map(f -> f.incidentId)
                .collect(Collectors.toSet());
    }
}
