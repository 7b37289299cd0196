package dev.daff.action.followup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.daff.action.followup.ActionSummaryRule.Counted;
import dev.daff.action.followup.ActionTypes.Kind;
import dev.daff.action.followup.ActionTypes.Scope;
import dev.daff.action.followup.ActionTypes.Status;
import dev.daff.events.ActionSummary;

class ActionSummaryRuleTest {

    private static final UUID INCIDENT = UUID.fromString("00000000-0000-0000-0000-000000000016");

    @Test
    void anIncidentWhoseOnlyOpenActionIsItsWashupHasNothingOpen() {
        ActionSummary summary = ActionSummaryRule.summarise(INCIDENT,
                List.of(new Counted(Kind.WASHUP, Scope.LOCAL, Status.OPEN)));
        assertEquals(new ActionSummary(INCIDENT.toString(), 0, 0, 0, 0, false), summary);
    }

    @Test
    void washupActionsAreLeftOutOfTheCountsButStillSayWhetherTheWashupIsDone() {
        ActionSummary summary = ActionSummaryRule.summarise(INCIDENT, List.of(
                new Counted(Kind.WASHUP, Scope.LOCAL, Status.DONE),
                new Counted(Kind.PREVENT, Scope.SYSTEMIC, Status.DONE),
                new Counted(Kind.PREVENT, Scope.SYSTEMIC, Status.IN_PROGRESS),
                new Counted(Kind.MITIGATE, Scope.LOCAL, Status.OPEN),
                new Counted(Kind.PROCESS, Scope.LOCAL, Status.WONT_DO)));
        assertEquals(new ActionSummary(INCIDENT.toString(), 4, 2, 1, 1, true), summary);
    }

    @Test
    void aWashupActionDecidedAgainstIsNotADoneWashup() {
        ActionSummary summary = ActionSummaryRule.summarise(INCIDENT, List.of(
                new Counted(Kind.WASHUP, Scope.LOCAL, Status.WONT_DO),
                new Counted(Kind.WASHUP, Scope.LOCAL, Status.OPEN)));
        assertEquals(new ActionSummary(INCIDENT.toString(), 0, 0, 0, 0, false), summary);
    }

    /** A SYSTEMIC action decided against stops nothing: neither done nor open, so the gate still asks for one. */
    @Test
    void aSystemicActionDecidedAgainstIsNeitherDoneNorOpen() {
        ActionSummary summary = ActionSummaryRule.summarise(INCIDENT, List.of(
                new Counted(Kind.PREVENT, Scope.SYSTEMIC, Status.WONT_DO),
                new Counted(Kind.MITIGATE, Scope.LOCAL, Status.DONE)));
        assertEquals(new ActionSummary(INCIDENT.toString(), 2, 0, 0, 0, false), summary);
    }

    @Test
    void noActionsIsAnEmptySummary() {
        assertEquals(new ActionSummary(INCIDENT.toString(), 0, 0, 0, 0, false),
                ActionSummaryRule.summarise(INCIDENT, List.of()));
    }
}
