package dev.daff.incident.changes;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class Catalog implements PanacheRepositoryBase<CatalogEntry, String> {

    /** The whole catalog as a graph; catalogs are hundreds of services, so reading it whole is cheap. */
    public DependencyGraph graph(int sharedPlatformMinDependents) {
        Map<String, CatalogEntry> all = listAll().stream().collect(Collectors.toMap(e -> e.name, Function.identity()));
        return new DependencyGraph(
                all.values().stream().collect(Collectors.toMap(e -> e.name, e -> java.util.List.copyOf(e.dependsOn))),
                all.values().stream().filter(e -> e.shared).map(e -> e.name).collect(Collectors.toSet()),
                sharedPlatformMinDependents);
    }
}
