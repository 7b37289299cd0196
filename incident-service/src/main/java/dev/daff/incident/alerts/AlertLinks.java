package dev.daff.incident.alerts;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

/** Which incident an alert (an SLO alert's dedup key, an Alertmanager group's key digest) belongs to. */
@ApplicationScoped
public class AlertLinks implements PanacheRepositoryBase<AlertLink, String> {

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
