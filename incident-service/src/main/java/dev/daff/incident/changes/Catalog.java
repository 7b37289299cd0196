package dev.daff.incident.changes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

import dev.daff.kit.db.AdvisoryLocks;

@ApplicationScoped
public class Catalog implements PanacheRepositoryBase<CatalogEntry, String> {

    /**
     * The catalog's spelling of {@code name}, compared ignoring case (its own first, should two differ only in case);
     * empty when the catalog has no such service.
     */
    public Optional<String> spelling(String name) {
        return getEntityManager().createNativeQuery("select name from catalog_service where lower(name) = lower(?1)"
                + " order by name = ?1 desc, name limit 1", String.class).setParameter(1, name).getResultStream()
                .map(String.class::cast).findFirst();
    }

    /**
     * Takes the name, whatever its case, until the caller's transaction ends: two PUTs of "Checkout" and "checkout" at
     * once each found no entry of the other, and both were created; of two of one new name, the slower was refused.
     */
    public void lockName(String name) {
        AdvisoryLocks.takeIgnoringCase(getEntityManager(), "catalog_service:", name);
    }

    /**
     * The whole catalog as a graph; catalogs are hundreds of services, so reading it whole is cheap — as rows, not
     * entities: each change reported and each deploy-gate decision reads it, and entities would be built, kept
     * in the persistence context and checked for changes at the end of the transaction.
     */
    @SuppressWarnings("unchecked")
    public DependencyGraph graph(int sharedPlatformMinDependents) {
        List<Object[]> rows = getEntityManager().createNativeQuery("""
                select s.name, s.shared, d.depends_on from catalog_service s
                left join catalog_dependency d on d.service = s.name
                order by s.name, d.position""").getResultList();
        Map<String, List<String>> dependsOn = new LinkedHashMap<>();
        Set<String> shared = new TreeSet<>();
        for (Object[] row : rows) {
            String name = (String) row[0];
            List<String> targets = dependsOn.computeIfAbsent(name, n -> new ArrayList<>());
            if (Boolean.TRUE.equals(row[1])) {
                shared.add(name);
            }
            if (row[2] != null) {
                targets.add((String) row[2]);
            }
        }
        dependsOn.replaceAll((name, targets) -> List.copyOf(targets));
        return new DependencyGraph(dependsOn, shared, sharedPlatformMinDependents);
    }
}
