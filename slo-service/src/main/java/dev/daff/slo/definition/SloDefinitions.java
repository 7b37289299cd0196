package dev.daff.slo.definition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class SloDefinitions implements PanacheRepositoryBase<Slo, String> {

    /** Names per query: far below the JDBC parameter limit. */
    private static final int CHUNK = 1_000;

    /** Every SLO's name and definition version, cheaply: what a replica compares its copies with. */
    public Map<String, Long> versions() {
        Map<String, Long> versions = new HashMap<>();
        getEntityManager().createQuery("select s.name, s.version from Slo s", Object[].class).getResultList()
                .forEach(row -> versions.put((String) row[0], ((Number) row[1]).longValue()));
        return versions;
    }

    /** The window of each named SLO that exists, in days; one query per {@value #CHUNK} names. */
    public Map<String, Integer> windowDays(List<String> names) {
        Map<String, Integer> days = new HashMap<>();
        for (int from = 0; from < names.size(); from += CHUNK) {
            getEntityManager().createQuery("select s.name, s.windowDays from Slo s where s.name in ?1", Object[].class)
                    .setParameter(1, names.subList(from, Math.min(names.size(), from + CHUNK))).getResultList()
                    .forEach(row -> days.put((String) row[0], ((Number) row[1]).intValue()));
        }
        return days;
    }

    /** The named definitions, detached: copies a replica may keep after the transaction. */
    public List<Slo> detached(List<String> names) {
        List<Slo> found = new ArrayList<>();
        for (int from = 0; from < names.size(); from += CHUNK) {
            List<Slo> chunk = list("name in ?1", names.subList(from, Math.min(names.size(), from + CHUNK)));
            chunk.forEach(getEntityManager()::detach);
            found.addAll(chunk);
        }
        return found;
    }
}
