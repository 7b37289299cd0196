package dev.daff.incident.washup;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class Washups implements PanacheRepositoryBase<Washup, UUID> {

    /** Whether the incident's washup is REVIEWED: incident-service's own word, which the finalisation gate reads. */
    public boolean isReviewed(UUID incidentId) {
        return findByIdOptional(incidentId).map(w -> w.status == WashupStatus.REVIEWED).orElse(false);
    }
}
