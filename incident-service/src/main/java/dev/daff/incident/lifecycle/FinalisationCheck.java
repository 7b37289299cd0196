package dev.daff.incident.lifecycle;

import java.util.Collection;
import java.util.Set;
import java.util.UUID;

/**
 * Whether an incident may be FINALISED. The lifecycle asks before that transition and for the {@code finalisable}
 * flag of its views; the finalisation package answers (it reads the washup and the follow-up actions, which sit
 * above the lifecycle). The interface lives here so the lifecycle never depends on the features that decide.
 */
public interface FinalisationCheck {

    /**
     * Throws the 409 that lists every unmet condition unless the incident may be finalised now; runs in the
     * caller's transaction.
     */
    void requireFinalisable(Incident incident);

    /** The ids among {@code incidentIds} that are finalisable now (as last assessed); runs in the caller's transaction. */
    Set<UUID> finalisable(Collection<UUID> incidentIds);
}
