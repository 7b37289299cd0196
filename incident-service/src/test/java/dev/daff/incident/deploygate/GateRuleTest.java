package dev.daff.incident.deploygate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.daff.incident.deploygate.GateRule.ActiveFreeze;
import dev.daff.incident.deploygate.GateRule.Budget;
import dev.daff.incident.deploygate.GateRule.Decision;
import dev.daff.incident.deploygate.GateRule.EnvironmentMeant;
import dev.daff.incident.deploygate.GateRule.Facts;
import dev.daff.incident.deploygate.GateRule.Limits;
import dev.daff.incident.deploygate.GateRule.NearbyChange;
import dev.daff.incident.deploygate.GateRule.OpenIncident;
import dev.daff.incident.deploygate.GateRule.Reason;
import dev.daff.incident.deploygate.GateRule.Relation;
import dev.daff.incident.deploygate.GateRule.Unknown;
import dev.daff.incident.deploygate.GateRule.Verdict;

class GateRuleTest {

    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    static final Limits LIMITS = new Limits(10, 25, 14.4, 6);

    @Test
    void nothingInTheWayAllowsWithoutReasons() {
        Decision decision = GateRule.decide(facts(List.of(budget("checkout", Relation.SERVICE, 0.9, 1.0, 0)),
                List.of(), List.of(), List.of()), LIMITS);
        assertEquals(new Decision(Verdict.ALLOW, List.of()), decision);
    }

    @Test
    void theBudgetBlocksBelowTheFloorAndWarnsNearIt() {
        assertEquals(List.of("BLOCK BUDGET_EXHAUSTED"), codes(facts(List.of(budget("checkout", Relation.SERVICE,
                0.042, 1.0, 0)), List.of(), List.of(), List.of())));
        assertEquals(List.of("WARN BUDGET_LOW"), codes(facts(List.of(budget("checkout", Relation.SERVICE, 0.2, 1.0, 0)),
                List.of(), List.of(), List.of())));
        Reason exhausted = GateRule.decide(facts(List.of(budget("checkout", Relation.SERVICE, 0.042, 1.0, 0)),
                List.of(), List.of(), List.of()), LIMITS).reasons().get(0);
        assertEquals("SLO checkout-availability of checkout itself has 4.2 % of its error budget left (the floor is"
                + " 10.0 %): ship what makes it more reliable, not new risk.", exhausted.text());
    }

    @Test
    void aFastBurnBlocksAndASlowerOneWarns() {
        assertEquals(List.of("BLOCK FAST_BURN"), codes(facts(List.of(budget("checkout", Relation.SERVICE, 0.9, 16, 0)),
                List.of(), List.of(), List.of())));
        assertEquals(List.of("WARN BURNING"), codes(facts(List.of(budget("checkout", Relation.SERVICE, 0.9, 7, 0)),
                List.of(), List.of(), List.of())));
    }

    @Test
    void aSharedPlatformsBudgetCountsAsTheServicesOwnAPlainDependencysDoesNot() {
        assertEquals(List.of("BLOCK BUDGET_EXHAUSTED"), codes(facts(List.of(budget("kubernetes", Relation.SHARED_PLATFORM,
                0.01, 1, 0)), List.of(), List.of(), List.of())));
        assertEquals(List.of(), codes(facts(List.of(budget("billing", Relation.DEPENDENCY, 0.01, 20, 0)), List.of(),
                List.of(), List.of())));
        assertEquals(List.of("WARN PAGE_UNACKNOWLEDGED"), codes(facts(List.of(budget("billing", Relation.DEPENDENCY,
                0.9, 1, 2)), List.of(), List.of(), List.of())));
    }

    @Test
    void unacknowledgedPagesAndOpenIncidentsBlockOnTheServiceAndWarnAroundIt() {
        assertEquals(List.of("BLOCK INCIDENT_OPEN", "BLOCK PAGE_UNACKNOWLEDGED", "WARN INCIDENT_OPEN"),
                codes(facts(List.of(budget("checkout", Relation.SERVICE, 0.9, 1, 1)),
                        List.of(incident("billing", Relation.DEPENDENCY), incident("checkout", Relation.SERVICE)),
                        List.of(), List.of())));
    }

    @Test
    void anotherChangeNearbyWarnsAndSaysWhen() {
        NearbyChange upgrade = new NearbyChange("kubernetes", "INFRASTRUCTURE", "1.31", NOW.minus(Duration.ofMinutes(20)),
                NOW.plus(Duration.ofMinutes(40)), Relation.SHARED_PLATFORM);
        Decision decision = GateRule.decide(facts(List.of(), List.of(), List.of(upgrade), List.of()), LIMITS);
        assertEquals(Verdict.WARN, decision.decision());
        assertEquals("An INFRASTRUCTURE change (1.31) on the shared platform kubernetes is under way (since 20 min): two"
                + " changes at once make either hard to blame and to roll back.", decision.reasons().get(0).text());
    }

    /**
     * A stale snapshot is unknown, not good: what it last said still blocks, as of then. Before, a snapshot of a
     * spent budget that went stale (slo-service silent in the outage that spent it) passed the gate with a warning.
     */
    @Test
    void aStaleBudgetIsUnknownAndWhatItLastSaidStillCounts() {
        Budget stale = new Budget("checkout-availability", "checkout", Relation.SERVICE, 0.01, 30, 3,
                Duration.ofMinutes(12), true, Duration.ofMinutes(12), false);
        Decision decision = GateRule.decide(facts(List.of(stale), List.of(), List.of(), List.of()), LIMITS);
        assertEquals(List.of("BLOCK PAGE_UNACKNOWLEDGED", "BLOCK BUDGET_EXHAUSTED", "BLOCK FAST_BURN", "WARN BUDGET_UNKNOWN"),
                decision.reasons().stream().map(r -> r.severity() + " " + r.code()).toList());
        assertEquals("SLO checkout-availability of checkout itself has 1.0 % of its error budget left (as of 12 min ago)"
                + " (the floor is 10.0 %): ship what makes it more reliable, not new risk.", decision.reasons().get(1).text());
        assertEquals("SLO checkout-availability of checkout itself has not reported its budget for 12 min: its state now"
                + " is unknown; what it said then still counts.", decision.reasons().get(3).text());

        Budget alsoBehind = new Budget("checkout-availability", "checkout", Relation.SERVICE, 0.01, 30, 3,
                Duration.ofMinutes(12), true, Duration.ofMinutes(20), true);
        assertEquals(List.of("BLOCK PAGE_UNACKNOWLEDGED", "WARN BUDGET_UNKNOWN"),
                codes(facts(List.of(alsoBehind), List.of(), List.of(), List.of())),
                "counts already behind when it was sent: its pages count, its budget and burn rate are unknown");
        Budget healthy = new Budget("checkout-availability", "checkout", Relation.SERVICE, 0.9, 0.5, 0,
                Duration.ofMinutes(12), true, Duration.ofMinutes(12), false);
        assertEquals(List.of("WARN BUDGET_UNKNOWN"), codes(facts(List.of(healthy), List.of(), List.of(), List.of())));

        // Three days on (its publisher stopped), the spent budget still blocks; an hour's burn and pages that may have
        // been acknowledged since only warn, or every deploy would wait for an admin.
        Budget daysOld = new Budget("checkout-availability", "checkout", Relation.SERVICE, 0.01, 30, 3,
                Duration.ofDays(3), true, Duration.ofDays(3), false);
        assertEquals(List.of("BLOCK BUDGET_EXHAUSTED", "WARN PAGE_UNACKNOWLEDGED", "WARN FAST_BURN", "WARN BUDGET_UNKNOWN"),
                codes(facts(List.of(daysOld), List.of(), List.of(), List.of())));
        // Dated two hours ahead of this clock, then fifty minutes: the same verdict, not a warning turning into a block.
        for (Duration ahead : List.of(Duration.ofHours(2), Duration.ofMinutes(50))) {
            Budget skewed = new Budget("checkout-availability", "checkout", Relation.SERVICE, 0.5, 30, 2,
                    ahead.negated(), true, Duration.ZERO, false);
            assertEquals(List.of("BLOCK PAGE_UNACKNOWLEDGED", "BLOCK FAST_BURN", "WARN BUDGET_UNKNOWN"),
                    codes(facts(List.of(skewed), List.of(), List.of(), List.of())), "dated " + ahead + " ahead");
        }
    }

    /**
     * A fresh snapshot from a replica working through a backlog: its pages are as of now and still block, its budget
     * and burn rate are as old as its counts and unknown, not exhausted or burning.
     */
    @Test
    void aSnapshotWhoseCountsAreBehindStillBlocksOnItsPagesButItsBudgetIsUnknown() {
        Budget behind = new Budget("checkout-availability", "checkout", Relation.SERVICE, -0.5, 30, 2,
                Duration.ofSeconds(20), false, Duration.ofMinutes(9), true);
        assertEquals(List.of("BLOCK PAGE_UNACKNOWLEDGED", "WARN BUDGET_UNKNOWN"),
                codes(facts(List.of(behind), List.of(), List.of(), List.of())));
    }

    @Test
    void everyReasonIsListedMostSevereFirst() {
        Decision decision = GateRule.decide(facts(
                List.of(budget("checkout", Relation.SERVICE, 0.2, 16, 0)),
                List.of(incident("billing", Relation.DEPENDENCY)),
                List.of(new NearbyChange("billing", "DEPLOY", "v7", NOW.minus(Duration.ofMinutes(5)), null,
                        Relation.DEPENDENCY)),
                List.of(new ActiveFreeze("black-friday", NOW.plus(Duration.ofDays(1)), "peak trading", true))), LIMITS);
        assertEquals(Verdict.BLOCK, decision.decision());
        assertEquals(List.of("BLOCK FREEZE", "BLOCK FAST_BURN", "WARN INCIDENT_OPEN", "WARN BUDGET_LOW",
                "WARN CONCURRENT_CHANGE"), decision.reasons().stream().map(r -> r.severity() + " " + r.code()).toList());
    }

    @Test
    void aServiceTheCatalogLacksWarnsWithTheNamesItProbablyMeant() {
        Facts facts = facts(List.of(), List.of(), List.of(), List.of());
        Decision decision = GateRule.decide(new Facts("chekout", facts.kind(), NOW, List.of(), List.of(), List.of(),
                List.of(), Optional.of(new Unknown(List.of("checkout"))), Optional.empty()), LIMITS);
        assertEquals(Verdict.WARN, decision.decision());
        assertEquals("chekout is not in the service catalog, and freezes, incidents and budgets are found by the"
                + " service's name: a misspelt name passes all of them unseen. Did you mean checkout?",
                decision.reasons().get(0).text());
        assertEquals(List.of("WARN SERVICE_UNKNOWN"), codes(new Facts("payments-v2", "DEPLOY", NOW, List.of(),
                List.of(), List.of(), List.of(), Optional.of(new Unknown(List.of())), Optional.empty())));
    }

    @Test
    void namesSpelledAlikeAreWithinAFewEditsClosestFirst() {
        List<String> catalog = List.of("checkout", "Checkout-API", "cart", "payments", "payment-gateway");
        assertEquals(List.of("checkout"), SpelledAlike.among("chekout", catalog));
        assertEquals(List.of("payments"), SpelledAlike.among("PAYMENT", catalog), "ignoring case");
        assertEquals(List.of("Checkout-API"), SpelledAlike.among("checkout-apl", catalog));
        assertEquals(List.of(), SpelledAlike.among("chkot", catalog), "three edits are too many for a short name");
        assertEquals(List.of(), SpelledAlike.among("inventory", catalog));
        assertEquals(List.of("cart", "carte", "carts-x"), SpelledAlike.among("carts",
                List.of("chart", "carts-x", "carte", "cart")), "the closest first, then by name, three at most");
    }

    @Test
    void anEnvironmentWithoutThresholdsOfItsOwnThatIsProbablyAnotherIsWarnedOf() {
        Decision decision = GateRule.decide(new Facts("checkout", "DEPLOY", NOW, List.of(), List.of(), List.of(),
                List.of(), Optional.empty(), Optional.of(new EnvironmentMeant("prod", List.of("production")))), LIMITS);
        assertEquals(Verdict.WARN, decision.decision());
        assertEquals("prod has no thresholds of its own and is probably production, whose were applied rather than"
                + " the looser defaults. Name the environment as configured, or configure prod if it is another one.",
                decision.reasons().get(0).text());
        assertEquals("ENVIRONMENT_UNKNOWN", decision.reasons().get(0).code());
        assertEquals("prd has no thresholds of its own and is probably pre-prod or production; the strictest of their"
                + " thresholds were applied rather than the looser defaults. Name the environment as configured, or"
                + " configure prd if it is another one.", GateRule.decide(new Facts("checkout", "DEPLOY", NOW, List.of(),
                        List.of(), List.of(), List.of(), Optional.empty(), Optional.of(new EnvironmentMeant("prd",
                                List.of("pre-prod", "production")))), LIMITS).reasons().get(0).text());
    }

    @Test
    void shortFormsKeepTheirFirstLetterAndTheRestInOrder() {
        assertTrue(SpelledAlike.abbreviates("prod", "production"));
        assertTrue(SpelledAlike.abbreviates("PRD", "production"));
        assertFalse(SpelledAlike.abbreviates("pr", "production"), "two letters are too few to tell");
        assertFalse(SpelledAlike.abbreviates("rod", "production"), "another first letter");
        assertFalse(SpelledAlike.abbreviates("preprod", "production"));
        assertFalse(SpelledAlike.abbreviates("production", "production"), "the name itself is no short form");
    }

    private static List<String> codes(Facts facts) {
        return GateRule.decide(facts, LIMITS).reasons().stream().map(r -> r.severity() + " " + r.code()).toList();
    }

    private static Facts facts(List<Budget> budgets, List<OpenIncident> incidents, List<NearbyChange> changes,
            List<ActiveFreeze> freezes) {
        return new Facts("checkout", "DEPLOY", NOW, budgets, incidents, changes, freezes, Optional.empty(),
                Optional.empty());
    }

    private static Budget budget(String service, Relation relation, double remaining, double burn, int unacknowledged) {
        return new Budget(service + "-availability", service, relation, remaining, burn, unacknowledged,
                Duration.ofSeconds(30), false, Duration.ofSeconds(30), false);
    }

    private static OpenIncident incident(String service, Relation relation) {
        return new OpenIncident("i-" + service, service + " is down", "SEV2", "ANALYSING", service, relation);
    }
}
