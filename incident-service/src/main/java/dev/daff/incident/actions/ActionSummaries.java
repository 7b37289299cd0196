package dev.daff.incident.actions;

import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

import dev.daff.kit.db.AdvisoryLocks;

@ApplicationScoped
public class ActionSummaries implements PanacheRepositoryBase<ActionSummaryRecord, UUID> {

    /**
     * Waits for, then holds until the caller's transaction ends, the right to change or act on the incident's action
     * summary: a new summary and a finalisation that reads the old one otherwise both commit (an incident FINALISED
     * while an action it should have waited for had just opened).
     */
    public void lockFor(UUID incidentId) {
        AdvisoryLocks.take(getEntityManager(), "action-summary\n" + incidentId);
    }

    /** action-service's latest count of the incident's actions, or empty before it reported on the incident. */
    public Optional<ActionCounts> countsOf(UUID incidentId) {
        return findByIdOptional(incidentId)
                .map(s -> new ActionCounts(s.total, s.open, s.systemicDone, s.systemicOpen, s.occurredAt));
    }
}
