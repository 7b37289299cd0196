package dev.daff.incident.lifecycle;

import java.util.List;

/**
 * The DAFF lifecycle: Discover → Analyse → Fix → Resolved → Finalise, with RESOLVED → FIXING when the
 * problem comes back. Plain rules, no framework.
 */
public enum IncidentStatus {
    DISCOVERED, ANALYSING, FIXING, RESOLVED, FINALISED;

    public List<IncidentStatus> allowedNext() {
        return switch (this) {
            case DISCOVERED -> List.of(ANALYSING);
            case ANALYSING -> List.of(FIXING);
            case FIXING -> List.of(RESOLVED);
            case RESOLVED -> List.of(FIXING, FINALISED);
            case FINALISED -> List.of();
        };
    }

    public boolean canMoveTo(IncidentStatus next) {
        return allowedNext().contains(next);
    }

    /** Unresolved incidents are the ones a new alert for the same service attaches to. */
    public boolean isOpen() {
        return this == DISCOVERED || this == ANALYSING || this == FIXING;
    }
}
