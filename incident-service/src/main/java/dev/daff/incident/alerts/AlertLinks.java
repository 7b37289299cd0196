package dev.daff.incident.alerts;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

import dev.daff.kit.db.AdvisoryLocks;

/** Which incident an alert (an SLO alert's dedup key, an Alertmanager group's key digest) belongs to. */
@ApplicationScoped
public class AlertLinks implements PanacheRepositoryBase<AlertLink, String> {

    /**
     * The key's link, read once any other transaction that asked for the same key has ended: Alertmanager's pair of
     * instances each notify, and two notifications of one new group on two replicas would otherwise each open an
     * incident; the second now finds the first's.
     */
    Optional<AlertLink> findInTurn(String key) {
        AdvisoryLocks.take(getEntityManager(), "alert-link\n" + key);
        return findByIdOptional(key);
    }

    /** Links a key seen for the first time. */
    void add(String key, UUID incidentId, Instant at) {
        AlertLink link = new AlertLink();
        link.dedupKey = key;
        link.incidentId = incidentId;
        link.linkedAt = at;
        persist(link);
    }

    /** Links the key to {@code incidentId}, replacing the incident it named before (a group's resolved incident). */
    void relink(String key, UUID incidentId, Instant at) {
        AlertLink link = findByIdOptional(key).orElseGet(AlertLink::new);
        link.dedupKey = key;
        link.incidentId = incidentId;
        link.linkedAt = at;
        persist(link);
    }
}
