package dev.daff.slo.paging.escalation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Where a page stands in a redefined escalation policy: the next step pages the first new level it has not paged. */
class EscalationFollowsItsPolicyTest {

    static final List<String> ALL = List.of("PRIMARY", "SECONDARY", "TEAM");

    @Test
    void aLevelTakenOutIsNotWhereThePageStands() {
        // SECONDARY paged, then the policy became PRIMARY, TEAM: TEAM is next (before, the step wrapped to a new round)
        assertEquals(0, EscalationFollowsItsPolicy.reached(ALL, List.of("PRIMARY", "TEAM"), 1));
        // PRIMARY paged, then SECONDARY, TEAM: SECONDARY is next (before, it was skipped)
        assertEquals(-1, EscalationFollowsItsPolicy.reached(ALL, List.of("SECONDARY", "TEAM"), 0));
    }

    @Test
    void levelsPagedInAnotherOrderCountAsPagedAndRepeatsCountOnce() {
        assertEquals(1, EscalationFollowsItsPolicy.reached(ALL, List.of("SECONDARY", "PRIMARY", "TEAM"), 1));
        assertEquals(0, EscalationFollowsItsPolicy.reached(ALL, List.of("PRIMARY", "PRIMARY", "TEAM"), 1));
        assertEquals(-1, EscalationFollowsItsPolicy.reached(ALL, List.of("TEAM"), 1));
    }

    @Test
    void everyNewLevelPagedLeavesThePageAtTheLastSoTheNextStepStartsTheNextRound() {
        assertEquals(1, EscalationFollowsItsPolicy.reached(ALL, List.of("PRIMARY", "TEAM"), 2));
        assertEquals(0, EscalationFollowsItsPolicy.reached(ALL, List.of("PRIMARY"), 0));
        assertEquals(0, EscalationFollowsItsPolicy.reached(List.of("PRIMARY"), List.of("PRIMARY"), 5), "a level past the old list");
    }
}
