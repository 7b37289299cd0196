package dev.daff.incident.finalisation;

import java.util.List;

/**
 * When an incident may be finalised: its washup is reviewed, at least one SYSTEMIC action stops the class of
 * problem elsewhere, and every action is DONE or WONT_DO — or someone approved a waiver. Without an action
 * summary from action-service nothing is known about the actions, so neither action condition is met.
 */
public final class FinalisationRule {

    public static final String WASHUP_NOT_REVIEWED = "WASHUP_NOT_REVIEWED";
    public static final String NO_SYSTEMIC_ACTION = "NO_SYSTEMIC_ACTION";
    public static final String ACTIONS_OPEN = "ACTIONS_OPEN";

    /**
     * The incident's follow-up actions as action-service last counted them. WASHUP actions are not among them: the
     * washup review is its own condition, read from incident-service's washup.
     */
    public record Actions(int total, int open, int systemicDone, int systemicOpen) {
    }

    /** One line of the checklist; {@code code} names the condition whether or not it is met. */
    public record Condition(String code, boolean met, String text) {
    }

    /**
     * The checklist. {@code finalisable} also needs the incident to be RESOLVED: a waiver or a done checklist
     * does not let an incident skip the lifecycle.
     */
    public record Verdict(boolean resolved, List<Condition> conditions, boolean waived) {

        public boolean conditionsMet() {
            return conditions.stream().allMatch(Condition::met);
        }

        public boolean finalisable() {
            return resolved && (waived || conditionsMet());
        }

        public List<Condition> unmet() {
            return conditions.stream().filter(c -> !c.met()).toList();
        }
    }

    private FinalisationRule() {
    }

    /** @param actions null when action-service has not reported on this incident yet */
    public static Verdict assess(boolean resolved, boolean washupReviewed, Actions actions, boolean waived) {
        Condition washup = washupReviewed
                ? new Condition(WASHUP_NOT_REVIEWED, true, "The washup is reviewed.")
                : new Condition(WASHUP_NOT_REVIEWED, false, "The washup is not reviewed yet.");
        Condition systemic;
        Condition open;
        if (actions == null) {
            systemic = new Condition(NO_SYSTEMIC_ACTION, false,
                    "No follow-up actions are known yet; at least one SYSTEMIC action must stop the class of problem elsewhere.");
            open = new Condition(ACTIONS_OPEN, false,
                    "No follow-up actions are known yet; every action must be DONE or WONT_DO.");
        } else {
            int systemicTotal = actions.systemicDone() + actions.systemicOpen();
            systemic = systemicTotal >= 1
                    ? new Condition(NO_SYSTEMIC_ACTION, true, systemicTotal + " SYSTEMIC action" + plural(systemicTotal)
                            + " (" + actions.systemicDone() + " done).")
                    : new Condition(NO_SYSTEMIC_ACTION, false,
                            "No SYSTEMIC action done or open (one closed as WONT_DO stops nothing): at least one"
                                    + " action must stop the class of problem elsewhere.");
            open = actions.open() == 0
                    ? new Condition(ACTIONS_OPEN, true, "All " + actions.total() + " action" + plural(actions.total())
                            + " are DONE or WONT_DO.")
                    : new Condition(ACTIONS_OPEN, false, actions.open() + " of " + actions.total() + " action"
                            + plural(actions.total()) + " still open; each must be DONE or WONT_DO.");
        }
        return new Verdict(resolved, List.of(washup, systemic, open), waived);
    }

    private static String plural(int n) {
        return n == 1 ? "" : "s";
    }
}
