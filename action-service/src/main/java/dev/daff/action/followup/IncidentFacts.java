package dev.daff.action.followup;

import java.util.Optional;
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
     * Whether the incident was reopened (heard of, and neither RESOLVED nor FINALISED): its WASHUP action waits for the
     * next resolve, which gives it a new due date, and is not overdue meanwhile.
     */
    boolean reopened(UUID incidentId);

    /** How many of the team's incidents are RESOLVED and not yet FINALISED, as far as action-service has heard. */
    long awaitingFinalisation(String team);
}
