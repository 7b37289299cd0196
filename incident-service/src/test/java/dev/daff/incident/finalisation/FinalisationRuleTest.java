package dev.daff.incident.finalisation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.daff.incident.finalisation.FinalisationRule.Actions;
import dev.daff.incident.finalisation.FinalisationRule.Condition;
import dev.daff.incident.finalisation.FinalisationRule.Verdict;

class FinalisationRuleTest {

    private static List<String> unmet(Verdict verdict) {
        return verdict.unmet().stream().map(Condition::code).toList();
    }

    @Test
    void freshResolvedIncidentMissesAllThreeConditions() {
        Verdict verdict = FinalisationRule.assess(true, false, null, false);
        assertFalse(verdict.finalisable());
        assertEquals(List.of("WASHUP_NOT_REVIEWED", "NO_SYSTEMIC_ACTION", "ACTIONS_OPEN"), unmet(verdict));
    }

    @Test
    void reviewedWashupWithASystemicActionAndNothingOpenIsFinalisable() {
        Verdict verdict = FinalisationRule.assess(true, true, new Actions(3, 0, 1, 0), false);
        assertTrue(verdict.finalisable());
        assertEquals(List.of(), unmet(verdict));
        assertEquals(List.of("WASHUP_NOT_REVIEWED", "NO_SYSTEMIC_ACTION", "ACTIONS_OPEN"),
                verdict.conditions().stream().map(Condition::code).toList());
    }

    @Test
    void onlyLocalActionsLackASystemicOne() {
        Verdict verdict = FinalisationRule.assess(true, true, new Actions(2, 0, 0, 0), false);
        assertEquals(List.of("NO_SYSTEMIC_ACTION"), unmet(verdict));
    }

    /** A SYSTEMIC action closed as WONT_DO stops nothing: the summary counts it in neither systemicDone nor systemicOpen. */
    @Test
    void aSystemicActionClosedAsWontDoIsNoSystemicAction() {
        Verdict verdict = FinalisationRule.assess(true, true, new Actions(2, 0, 0, 0), false);
        assertEquals(List.of("NO_SYSTEMIC_ACTION"), unmet(verdict));
        assertTrue(verdict.unmet().get(0).text().startsWith("No SYSTEMIC action done or open (one closed as WONT_DO"),
                verdict.unmet().get(0).text());
    }

    @Test
    void anOpenSystemicActionCountsAsSystemicButKeepsActionsOpen() {
        Verdict verdict = FinalisationRule.assess(true, true, new Actions(2, 1, 0, 1), false);
        assertEquals(List.of("ACTIONS_OPEN"), unmet(verdict));
        assertEquals("1 of 2 actions still open; each must be DONE or WONT_DO.", verdict.unmet().get(0).text());
    }

    @Test
    void aWaiverMakesAResolvedIncidentFinalisableWhateverIsUnmet() {
        Verdict verdict = FinalisationRule.assess(true, false, null, true);
        assertTrue(verdict.finalisable());
        assertFalse(verdict.conditionsMet());
        assertEquals(3, verdict.unmet().size());
    }

    @Test
    void nothingIsFinalisableUnlessResolved() {
        assertFalse(FinalisationRule.assess(false, true, new Actions(1, 0, 1, 0), false).finalisable());
        assertFalse(FinalisationRule.assess(false, false, null, true).finalisable());
    }
}
