package dev.daff.slo.definition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.TypedQuery;

import org.hibernate.jpa.HibernateHints;

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

    /**
     * The named definitions, detached: copies a replica may keep after the transaction. Read-only (no snapshot for
     * dirty checking), and all in one query when they are most of them — a replica's start, 10,000 SLOs before it
     * says ready — rather than in lists of {@value #CHUNK} names.
     */
    public List<Slo> detached(List<String> names, int known) {
        if (names.size() > known / 2) {
            Set<String> wanted = new HashSet<>(names);
            return readOnly(getEntityManager().createQuery("from Slo", Slo.class)).getResultList().stream()
                    .filter(slo -> wanted.contains(slo.name)).toList();
        }
        List<Slo> found = new ArrayList<>();
        for (int from = 0; from < names.size(); from += CHUNK) {
            found.addAll(readOnly(getEntityManager().createQuery("from Slo s where s.name in ?1", Slo.class))
                    .setParameter(1, names.subList(from, Math.min(names.size(), from + CHUNK))).getResultList());
        }
        return found;
    }

    private static <T> TypedQuery<T> readOnly(TypedQuery<T> query) {
        return query.setHint(HibernateHints.HINT_READ_ONLY, true);
    }
}
