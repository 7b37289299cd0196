package dev.daff.incident.similar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.daff.incident.changes.DependencyGraph;
import dev.daff.incident.similar.SimilarityRule.Facts;
import dev.daff.incident.similar.SimilarityRule.Part;
import dev.daff.incident.similar.SimilarityRule.Score;

class SimilarityRuleTest {

    static final Instant NOW = Instant.parse("2009-06-01T00:00:00Z");
    static final DependencyGraph GRAPH = new DependencyGraph(Map.of("ingest-router", List.of("queue", "k8s"),
            "billing", List.of("queue", "k8s"), "search", List.of("k8s")), Set.of("k8s"), 0);

    static Facts facts(Instant at, Set<String> services, String causeClass, Set<String> seams, Set<String> changes,
            Set<String> slos) {
        return new Facts(UUID.randomUUID(), "t", at, services, causeClass, seams, changes, slos);
    }

    @Test
    void everyPartScoresAndTheSentenceIsMadeOfTheParts() {
        Facts now = facts(NOW, Set.of("ingest-router"), "CHANGE", Set.of("FEATURE_FLAG"),
                Set.of("FEATURE_FLAG change on ingest-router"), Set.of("ingest-freshness"));
        Facts earlier = facts(NOW.minus(Duration.ofDays(21)), Set.of("ingest-router"), "CHANGE",
                Set.of("FEATURE_FLAG", "DATA"), Set.of("FEATURE_FLAG change on ingest-router"), Set.of("ingest-freshness"));
        Score score = SimilarityRule.score(now, earlier, 0.82, 0.4, GRAPH);
        assertEquals(List.of(
                new Part("place", 25, 25, "same service ingest-router"),
                new Part("causeClass", 10, 10, "same cause class CHANGE"),
                new Part("seams", 10, 20, "same seam FEATURE_FLAG"),
                new Part("change", 15, 15, "a linked FEATURE_FLAG change on ingest-router in both"),
                new Part("title", 8, 10, "title 82 % similar"),
                new Part("text", 4, 10, "summary and root-cause text 40 % similar"),
                new Part("slo", 10, 10, "same SLO ingest-freshness alerting")), score.parts());
        assertEquals(82, score.total());
        assertEquals("same service ingest-router; same cause class CHANGE; same seam FEATURE_FLAG; a linked FEATURE_FLAG"
                + " change on ingest-router in both; title 82 % similar; summary and root-cause text 40 % similar;"
                + " same SLO ingest-freshness alerting; 3 weeks earlier", score.why());
    }

    @Test
    void theTotalIsTheSumOfThePartsAndOnlyScoringPartsAreExplained() {
        Facts now = facts(NOW, Set.of("billing"), "CHANGE", Set.of("CONFIG"), Set.of(), Set.of());
        Facts earlier = facts(NOW.minus(Duration.ofDays(3)), Set.of("ingest-router"), "PROVIDER", Set.of(), Set.of(),
                Set.of());
        Score score = SimilarityRule.score(now, earlier, 0.04, 0, GRAPH);
        assertEquals(score.parts().stream().mapToInt(Part::points).sum(), score.total());
        assertEquals(SimilarityRule.DEPENDENCY, score.total());
        assertEquals("dependency queue in common; 3 days earlier", score.why());
        for (Part part : score.parts()) {
            assertEquals(part.points() > 0, part.why() != null, part.name());
            assertEquals(part.points() > 0, score.why().contains(String.valueOf(part.why())), part.name());
        }
    }

    @Test
    void anIncidentOnWhatTheOtherDependsOnHasADependencyInCommon() {
        Facts now = facts(NOW, Set.of("queue"), null, Set.of(), Set.of(), Set.of());
        Facts earlier = facts(NOW.minus(Duration.ofDays(30)), Set.of("billing"), null, Set.of(), Set.of(), Set.of());
        Score score = SimilarityRule.score(now, earlier, 0, 0, GRAPH);
        assertEquals(SimilarityRule.DEPENDENCY, score.total());
        assertEquals("dependency queue in common; 4 weeks earlier", score.why());
    }

    @Test
    void aSharedPlatformInCommonScoresLessThanADependencyAndUnknownCausesDoNotMatch() {
        Facts now = facts(NOW, Set.of("search"), "UNKNOWN", Set.of("DEPLOYMENT"), Set.of(), Set.of());
        Facts earlier = facts(NOW.minus(Duration.ofDays(200)), Set.of("billing"), "UNKNOWN", Set.of("DEPLOYMENT"),
                Set.of(), Set.of());
        Score score = SimilarityRule.score(now, earlier, 0, 0, GRAPH);
        assertEquals(SimilarityRule.PLATFORM + SimilarityRule.SEAMS, score.total());
        assertEquals("shared platform k8s in common; same seam DEPLOYMENT; 6 months earlier", score.why());
    }

    @Test
    void aServiceIsOneWhateverItsCaseInPlaceAndInTheCatalog() {
        // A person typed "Checkout"; the SLO page said "checkout": scored 0 for place, a recurrence went unmarked.
        Facts now = facts(NOW, Set.of("checkout"), null, Set.of(), Set.of(), Set.of());
        Facts earlier = facts(NOW.minus(Duration.ofDays(7)), Set.of("Checkout"), null, Set.of(), Set.of(), Set.of());
        assertEquals(SimilarityRule.SERVICE, SimilarityRule.score(now, earlier, 0, 0, GRAPH).total());

        Facts onQueue = facts(NOW, Set.of("Queue"), null, Set.of(), Set.of(), Set.of());
        Facts onBilling = facts(NOW.minus(Duration.ofDays(7)), Set.of("BILLING"), null, Set.of(), Set.of(), Set.of());
        Score score = SimilarityRule.score(onQueue, onBilling, 0, 0, GRAPH);
        assertEquals(SimilarityRule.DEPENDENCY, score.total());
        assertEquals("dependency Queue in common; 7 days earlier", score.why());
    }

    @Test
    void nothingInCommonScoresNothing() {
        Facts now = facts(NOW, Set.of("a"), null, Set.of(), Set.of(), Set.of());
        Facts earlier = facts(NOW.minusSeconds(3600), Set.of("b"), null, Set.of(), Set.of(), Set.of());
        Score score = SimilarityRule.score(now, earlier, 0, 0, GRAPH);
        assertEquals(0, score.total());
        assertEquals("the same day", score.why());
        assertEquals(100, SimilarityRule.SERVICE + SimilarityRule.CAUSE_CLASS + SimilarityRule.SEAMS + SimilarityRule.CHANGE
                + SimilarityRule.TITLE + SimilarityRule.TEXT + SimilarityRule.SLO);
    }
}
