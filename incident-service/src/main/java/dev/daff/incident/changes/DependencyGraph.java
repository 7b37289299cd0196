package dev.daff.incident.changes;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The catalog as a graph: who depends on whom, and which services are shared platforms. Plain logic, no
 * framework. Cycles are allowed in the catalog (they happen) and are walked once. A service is one whatever its case,
 * as everywhere in incident-service: an incident opened for "Checkout" finds the catalog's "checkout".
 */
public final class DependencyGraph {

    /** How a service was reached from an incident's (or a change's) service. */
    public record Hop(String service, String from, int hops, List<String> via) {
    }

    private final Map<String, List<String>> dependsOn = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final Map<String, List<String>> dependents = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final Set<String> shared = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

    public DependencyGraph(Map<String, List<String>> dependsOn, Set<String> flaggedShared, int sharedPlatformMinDependents) {
        this.dependsOn.putAll(dependsOn);
        dependsOn.forEach((service, targets) -> targets.forEach(
                target -> dependents.computeIfAbsent(target, t -> new ArrayList<>()).add(service)));
        shared.addAll(flaggedShared);
        if (sharedPlatformMinDependents > 0) {
            dependents.forEach((service, users) -> {
                if (users.size() >= sharedPlatformMinDependents) {
                    shared.add(service);
                }
            });
        }
    }

    /** Every service of the catalog, as it spells them. */
    public Set<String> services() {
        return Set.copyOf(dependsOn.keySet());
    }

    /** Whether the catalog has the service, whatever the case it is written in. */
    public boolean has(String service) {
        return dependsOn.containsKey(service);
    }

    /** Services flagged {@code shared: true}, or that many services depend on directly. */
    public Set<String> sharedPlatforms() {
        return Set.copyOf(shared);
    }

    public boolean isShared(String service) {
        return shared.contains(service);
    }

    public List<String> directDependents(String service) {
        return List.copyOf(new TreeSet<>(dependents.getOrDefault(service, List.of())));
    }

    /** What {@code roots} depend on, transitively, at most {@code depth} hops away (roots themselves excluded). */
    public Map<String, Hop> dependencies(Collection<String> roots, int depth) {
        return walk(roots, depth, dependsOn);
    }

    /** What depends on {@code roots}, transitively, at most {@code depth} hops away (roots themselves excluded). */
    public Map<String, Hop> dependents(Collection<String> roots, int depth) {
        return walk(roots, depth, dependents);
    }

    private static Map<String, Hop> walk(Collection<String> roots, int depth, Map<String, List<String>> edges) {
        Map<String, Hop> reached = new LinkedHashMap<>();
        Deque<Hop> queue = new ArrayDeque<>();
        roots.forEach(root -> queue.add(new Hop(root, root, 0, List.of())));
        Set<String> seen = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        seen.addAll(roots);
        while (!queue.isEmpty()) {
            Hop current = queue.poll();
            if (current.hops() >= depth) {
                continue;
            }
            for (String next : edges.getOrDefault(current.service(), List.of())) {
                if (seen.add(next)) {
                    List<String> via = new ArrayList<>(current.via());
                    if (current.hops() > 0) {
                        via.add(current.service());
                    }
                    Hop hop = new Hop(next, current.from(), current.hops() + 1, List.copyOf(via));
                    reached.put(next, hop);
                    queue.add(hop);
                }
            }
        }
        return reached;
    }
}
