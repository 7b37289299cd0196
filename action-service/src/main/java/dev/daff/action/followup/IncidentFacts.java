package dev.daff.action.followup;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What follow-up actions need to know of an incident that incident-service owns. The {@code incidents} feature keeps
 * this read model from {@code daff.incident-events}; follow-up asks through this interface so that it never depends
 * on how the incidents are stored.
 */
public interface IncidentFacts {

    /** The incident's severity (SEV1..SEV4), or empty when action-service has not heard of the incident yet. */
    Optional<String> severity(UUID incidentId);

    /** Whether action-service has heard that the incident was FINALISED: its follow-up is closed. */
    boolean finalised(UUID incidentId);

    /**
     * Which of these incidents are heard of as anything but RESOLVED (reopened, or finalised): a WASHUP action of one is
     * not overdue, as the overdue check and the reminders judge it; a reopened one's waits for the next resolve, which
     * gives it a new due date. One query for all of them.
     */
    Set<UUID> notResolved(Collection<UUID> incidentIds);

    /** How many of the team's incidents are RESOLVED and not yet FINALISED, as far as action-service has heard. */
    long awaitingFinalisation(String team);
}
