package dev.daff.incident.actions;

import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class ActionSummaries implements PanacheRepositoryBase<ActionSummaryRecord, UUID> {

    /** action-service's latest count of the incident's actions, or empty before it reported on the incident. */
    public Optional<ActionCounts> countsOf(UUID incidentId) {
        return findByIdOptional(incidentId)
                .map(s -> new ActionCounts(s.total, s.open, s.systemicDone, s.systemicOpen, s.occurredAt));
    }
}
