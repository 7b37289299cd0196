package dev.daff.incident.deploygate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.daff.incident.changes.Catalog;
import dev.daff.incident.changes.ChangeConfig;
import dev.daff.incident.changes.ChangeKind;
import dev.daff.incident.changes.Changes;
import dev.daff.incident.changes.DependencyGraph;
import dev.daff.incident.deploygate.GateRule.Relation;
import dev.daff.incident.lifecycle.Incident;
import dev.daff.incident.lifecycle.Incidents;

/**
 * Gathers what the gate weighs for one service, from local state only: the catalog (dependencies, shared
 * platforms), the newest budget snapshots, unresolved incidents, changes near now and freezes. Runs in the caller's
 * transaction.
 */
@ApplicationScoped
public class GateFacts {

    private final Catalog catalog;
    private final ChangeConfig changeConfig;
    private final DeployGateConfig config;
    private final SloBudgets budgets;
    private final Incidents incidents;
    private final Changes changes;
    private final Freezes freezes;

    public GateFacts(Catalog catalog, ChangeConfig changeConfig, DeployGateConfig config, SloBudgets budgets,
            Incidents incidents, Changes changes, Freezes freezes) {
        this.catalog = catalog;
        this.changeConfig = changeConfig;
        this.config = config;
        this.budgets = budgets;
        this.incidents = incidents;
        this.changes = changes;
        this.freezes = freezes;
    }

    /**
     * The service as the catalog spells it ("Checkout" is the catalog's checkout), so that its changes and
     * dependencies are found; as asked when the catalog has no such service.
     */
    String spelling(String service) {
        return catalog.spelling(service).orElse(service);
    }

    GateRule.Facts gather(String service, String environment, String kind, Instant now) {
        List<String> meant = config.meant(environment); // "prod": production's changes are nearby too
        DependencyGraph graph = catalog.graph(changeConfig.sharedPlatformMinDependents());
        Map<String, Relation> related = related(service, graph);
        List<GateRule.Budget> budgetFacts = new ArrayList<>();
        for (SloBudget budget : budgets.ofServices(related.keySet())) {
            Duration age = Duration.between(budget.observedAt, now);
            // How far the counts were behind when it was sent, on the sender's own clock, plus how long ago it was
            // sent: a sender whose clock runs ahead of this one does not make old figures look fresh.
            Duration countsAge = budget.countedUpTo == null ? null
                    : max(Duration.between(budget.countedUpTo, budget.observedAt), Duration.ZERO)
                            .plus(max(age, Duration.ZERO));
            // A snapshot dated as far ahead of this clock as a stale one is behind it is as unknown. What a stale one
            // said still counts if its counts were complete when it was sent.
            boolean stale = age.abs().compareTo(config.snapshotMaxAge()) > 0;
            Duration countsJudged = countsAge == null || !stale ? countsAge : countsAge.minus(max(age, Duration.ZERO));
            budgetFacts.add(new GateRule.Budget(budget.slo, budget.service, related.get(budget.service),
                    budget.budgetRemaining, budget.burnRateOneHour, budget.unacknowledgedPages, age, stale, countsAge,
                    countsJudged != null && countsJudged.compareTo(config.snapshotMaxAge()) > 0));
        }
        List<GateRule.OpenIncident> open = new ArrayList<>();
        for (Incident incident : incidents.openCovering(related.keySet())) {
            String where = incident.services.stream().filter(related::containsKey)
                    .min((a, b) -> related.get(a).compareTo(related.get(b)))
                    .orElse(service); // the database's lower() matched a name Java's case folding does not: the service
            open.add(new GateRule.OpenIncident(incident.id.toString(), incident.title, String.valueOf(incident.severity),
                    incident.status.name(), where, related.get(where)));
        }
        List<GateRule.NearbyChange> nearby = changes.overlapping(related.keySet(), now.minus(config.concurrentWindow()),
                now.plus(config.concurrentWindow())).stream()
                .filter(change -> change.environment == null || change.environment.equalsIgnoreCase(environment)
                        || meant.stream().anyMatch(change.environment::equalsIgnoreCase))
                .filter(change -> related.get(change.service) != Relation.SHARED_PLATFORM
                        || change.kind == ChangeKind.INFRASTRUCTURE)
                .map(change -> new GateRule.NearbyChange(change.service, change.kind.name(), change.ref,
                        change.startedAt, change.endedAt, related.get(change.service)))
                .toList();
        List<GateRule.ActiveFreeze> active = freezes.coveringAt(service, now).stream()
                .map(freeze -> new GateRule.ActiveFreeze(freeze.id, freeze.endsAt, freeze.reason, freeze.allServices))
                .toList();
        return new GateRule.Facts(service, kind, now, budgetFacts, open, nearby, active, unknown(service, graph),
                meant.isEmpty() ? Optional.empty() : Optional.of(new GateRule.EnvironmentMeant(environment, meant)));
    }

    /**
     * A service the catalog lacks, when it has any: a name misspelt in a pipeline would pass its own freeze. An
     * organisation that keeps no catalog is not warned at every deploy.
     */
    private static Optional<GateRule.Unknown> unknown(String service, DependencyGraph graph) {
        if (graph.has(service)) {
            return Optional.empty();
        }
        Set<String> services = graph.services();
        return services.isEmpty() ? Optional.empty()
                : Optional.of(new GateRule.Unknown(SpelledAlike.among(service, services)));
    }

    /** The service, what it depends on, what depends on it, and every shared platform, each with its relation. */
    private Map<String, Relation> related(String service, DependencyGraph graph) {
        // Ignoring case: an incident or an SLO may name the service otherwise than the catalog does.
        Map<String, Relation> related = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        related.put(service, Relation.SERVICE);
        for (String shared : graph.sharedPlatforms()) {
            related.putIfAbsent(shared, Relation.SHARED_PLATFORM);
        }
        graph.dependencies(List.of(service), changeConfig.dependencyDepth()).keySet()
                .forEach(dependency -> related.putIfAbsent(dependency, Relation.DEPENDENCY));
        graph.dependents(List.of(service), changeConfig.dependencyDepth()).keySet()
                .forEach(dependent -> related.putIfAbsent(dependent, Relation.DEPENDENT));
        return related;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
