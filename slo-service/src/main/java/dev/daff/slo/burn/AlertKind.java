package dev.daff.slo.burn;

/**
 * What an alert is about: the budget burning (a Workbook tier, a forecast exhaustion, a sudden drop), the SLI going
 * silent, or its traffic collapsing.
 */
public enum AlertKind {
    BURN_RATE, NO_DATA, VOLUME_DROP, BUDGET_EXHAUSTION, BUDGET_DROP;

    /**
     * Kinds about the error budget being spent: a PAGE of any of them inhibits the TICKETs of all of them, since
     * the on-call already looks at that budget.
     */
    public boolean aboutBudget() {
        return this == BURN_RATE || this == BUDGET_EXHAUSTION || this == BUDGET_DROP;
    }

    /** Kinds that fire on events not arriving: a stalled pipeline looks just like them. */
    public boolean fromSilence() {
        return this == NO_DATA || this == VOLUME_DROP;
    }
}
