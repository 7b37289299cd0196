package dev.daff.incident.changes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class RelatednessTest {

    @Test
    void durationsReadAsPeopleSayThem() {
        assertEquals("3 h 12 min", Relatedness.words(Duration.ofMinutes(192)));
        assertEquals("45 min", Relatedness.words(Duration.ofMinutes(45)));
        assertEquals("2 h", Relatedness.words(Duration.ofHours(2)));
        assertEquals("2 d 4 h", Relatedness.words(Duration.ofHours(52)));
        assertEquals("less than a minute", Relatedness.words(Duration.ofSeconds(20)));
    }

    @Test
    void dependenciesAreFollowedOnlyToTheConfiguredDepthAndCyclesEnd() {
        DependencyGraph graph = new DependencyGraph(Map.of("a", List.of("b"), "b", List.of("c"), "c", List.of("d", "a"),
                "d", List.of("e")), Set.of(), 0);
        assertEquals(Set.of("b", "c", "d"), graph.dependencies(List.of("a"), 3).keySet());
        assertEquals(List.of("b", "c"), graph.dependencies(List.of("a"), 3).get("d").via());
        assertEquals(Set.of("d", "c", "b", "a"), graph.dependents(List.of("e"), 4).keySet());
    }

    @Test
    void aServiceManyDependOnIsASharedPlatform() {
        DependencyGraph graph = new DependencyGraph(Map.of("x", List.of("mesh"), "y", List.of("mesh"), "z", List.of("mesh")),
                Set.of("k8s"), 3);
        assertEquals(Set.of("k8s", "mesh"), graph.sharedPlatforms());
    }

    @Test
    void rankingIsAffectedThenDependencyThenOthersThenCloserFirst() {
        DependencyGraph graph = new DependencyGraph(Map.of("billing", List.of("router"), "web", List.of("billing")),
                Set.of("k8s"), 0);
        Instant impact = Instant.parse("2021-01-01T12:00:00Z");
        Change far = change("billing", ChangeKind.DEPLOY, impact.minus(Duration.ofHours(5)), null);
        Change flag = change("router", ChangeKind.FEATURE_FLAG, impact.minus(Duration.ofDays(90)),
                impact.minus(Duration.ofMinutes(192)));
        Change dependent = change("web", ChangeKind.CONFIG, impact.minus(Duration.ofMinutes(1)), null);
        Change platform = change("k8s", ChangeKind.INFRASTRUCTURE, impact.plus(Duration.ofMinutes(30)), null);
        Change platformDeploy = change("k8s", ChangeKind.DEPLOY, impact, null);
        List<Relatedness.Related> ranked = new Relatedness(List.of("billing"), graph, 3)
                .rank(List.of(platform, dependent, flag, far, platformDeploy), impact, "impact", true);
        assertEquals(List.of(
                "DEPLOY on billing, an affected service, 5 h before impact",
                "FEATURE_FLAG on router, a dependency of billing, 3 h 12 min before impact",
                "CONFIG on web, a dependent of billing, 1 min before impact",
                "INFRASTRUCTURE on k8s, a shared platform, 30 min after impact"),
                ranked.stream().map(Relatedness.Related::reason).toList());
    }

    /**
     * The responders' fix, deployed 20 minutes after impact, is not what changed before it broke: it ranks after the
     * deploy half an hour before impact, and after a dependency's change before impact too. One that started within
     * the tolerance after impact (a pipeline's clock ahead of daff's) may be the cause and ranks as one. Before, the
     * fix ranked first, closer to impact than the cause.
     */
    @Test
    void changesWellAfterImpactRankAfterEveryChangeThatCouldHaveCausedIt() {
        DependencyGraph graph = new DependencyGraph(Map.of("billing", List.of("router")), Set.of(), 0);
        Instant impact = Instant.parse("2021-01-01T12:00:00Z");
        Change cause = change("billing", ChangeKind.DEPLOY, impact.minus(Duration.ofMinutes(30)), null);
        Change fix = change("billing", ChangeKind.DEPLOY, impact.plus(Duration.ofMinutes(20)), null);
        Change skewed = change("billing", ChangeKind.CONFIG, impact.plus(Duration.ofMinutes(2)), null);
        Change dependency = change("router", ChangeKind.FEATURE_FLAG, impact.minus(Duration.ofHours(2)), null);
        Relatedness relatedness = new Relatedness(List.of("billing"), graph, 3);
        assertEquals(List.of(
                "CONFIG on billing, an affected service, 2 min after impact",
                "DEPLOY on billing, an affected service, 30 min before impact",
                "FEATURE_FLAG on router, a dependency of billing, 2 h before impact",
                "DEPLOY on billing, an affected service, 20 min after impact"),
                relatedness.rank(List.of(fix, dependency, cause, skewed), impact, "impact", true).stream()
                        .map(Relatedness.Related::reason).toList());
        assertEquals("DEPLOY on billing, an affected service, 20 min after this change",
                relatedness.rank(List.of(fix, dependency), impact, "this change", false).get(0).reason(),
                "around a change, one just after it collides as much as one before");
    }

    private static Change change(String service, ChangeKind kind, Instant startedAt, Instant endedAt) {
        Change change = new Change();
        change.id = UUID.randomUUID();
        change.service = service;
        change.kind = kind;
        change.startedAt = startedAt;
        change.endedAt = endedAt;
        return change;
    }
}
