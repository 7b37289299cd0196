package dev.daff.action.followup;

import java.util.Collection;
import java.util.UUID;

import dev.daff.action.followup.ActionTypes.Kind;
import dev.daff.action.followup.ActionTypes.Scope;
import dev.daff.action.followup.ActionTypes.Status;
import dev.daff.events.ActionSummary;

/**
 * Where an incident's follow-up actions stand, as incident-service's finalisation gate reads it. WASHUP actions are
 * left out of {@code total} and {@code open}: whether the washup is reviewed is incident-service's own fact, which
 * its gate reads directly, so the incident can be finalised right after the review without waiting for this service
 * to hear of it and report back. {@code washupDone} is still filled (the contract changes additively only).
 */
public final class ActionSummaryRule {

    private ActionSummaryRule() {
    }

    /** What the summary needs to know of one action. */
    public record Counted(Kind kind, Scope scope, Status status) {
    }

    public static ActionSummary summarise(UUID incidentId, Collection<Counted> actions) {
        int total = 0;
        int open = 0;
        int systemicDone = 0;
        int systemicOpen = 0;
        boolean washupDone = false;
        for (Counted action : actions) {
            if (action.kind() == Kind.WASHUP) {
                washupDone |= action.status() == Status.DONE;
                continue;
            }
            total++;
            open += action.status().isOpen() ? 1 : 0;
            if (action.scope() == Scope.SYSTEMIC) {
                systemicDone += action.status() == Status.DONE ? 1 : 0;
                systemicOpen += action.status().isOpen() ? 1 : 0;
            }
        }
        return new ActionSummary(incidentId.toString(), total, open, systemicDone, systemicOpen, washupDone);
    }
}
