package dev.daff.incident.similar;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import dev.daff.incident.lifecycle.Incident;
import dev.daff.incident.lifecycle.Incidents;
import dev.daff.incident.similar.SimilarityRule.Facts;
import dev.daff.incident.washup.Causes;
import dev.daff.incident.washup.IncidentCause;
import dev.daff.incident.washup.Washups;

/**
 * Reads what {@link SimilarityRule} compares: the earlier incidents worth scoring with their title and text
 * similarity (pg_trgm's {@code similarity()}, computed in PostgreSQL), and each incident's services, cause, linked
 * changes and alerting SLOs.
 */
@ApplicationScoped
public class SimilarFacts {

    /** An earlier incident and how alike its title and text are to the incident's (0 to 1). */
    public record Candidate(UUID id, double titleSimilarity, double textSimilarity) {
    }

    // The text compared: the incident's summary, the cause summary, the washup's trigger and root cause.
    private static final String TEXT = "concat_ws(' ', i.summary, c.summary, w.trigger, w.root_cause)";

    private final EntityManager em;
    private final Incidents incidents;
    private final Causes causes;
    private final Washups washups;

    public SimilarFacts(EntityManager em, Incidents incidents, Causes causes, Washups washups) {
        this.em = em;
        this.incidents = incidents;
        this.causes = causes;
        this.washups = washups;
    }

    /** The incident's own text, as the candidates' is compared: the non-blank parts joined by spaces. */
    @Transactional(Transactional.TxType.MANDATORY)
    public String textOf(Incident incident) {
        IncidentCause cause = causes.findByIdOptional(incident.id).orElse(null);
        var washup = washups.findByIdOptional(incident.id).orElse(null);
        return Stream.of(incident.summary, cause == null ? null : cause.summary, washup == null ? null : washup.trigger,
                washup == null ? null : washup.rootCause).filter(t -> t != null && !t.isBlank())
                .collect(Collectors.joining(" "));
    }

    /** The incidents detected in [since, before), most recent first, at most {@code max}, with their similarities. */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<Candidate> candidates(Incident incident, String text, Instant since, Instant before, int max) {
        List<?> rows = em.createNativeQuery("select i.id, similarity(i.title, :title), case when :text = '' or "
                + TEXT + " = '' then 0 else similarity(" + TEXT + ", :text) end"
                + " from incident i left join incident_cause c on c.incident_id = i.id"
                + " left join washup w on w.incident_id = i.id"
                + " where i.id <> :id and i.detected_at >= :since and i.detected_at < :before"
                + " order by i.detected_at desc, i.id limit :max")
                .setParameter("title", incident.title).setParameter("text", text).setParameter("id", incident.id)
                .setParameter("since", since).setParameter("before", before).setParameter("max", max)
                .getResultList();
        return rows.stream().map(row -> (Object[]) row)
                .map(r -> new Candidate((UUID) r[0], ((Number) r[1]).doubleValue(), ((Number) r[2]).doubleValue()))
                .toList();
    }

    /** The facts of these incidents, by id. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Map<UUID, Facts> of(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<UUID, IncidentCause> causeOf = causes.list("incidentId in ?1", ids).stream()
                .collect(Collectors.toMap(c -> c.incidentId, c -> c));
        Map<UUID, Set<String>> changes = grouped(em.createNativeQuery("select l.incident_id, c.kind || ' change on '"
                + " || c.service from incident_change l join change_event c on c.id = l.change_id"
                + " where l.incident_id in (:ids)").setParameter("ids", ids).getResultList());
        Map<UUID, Set<String>> slos = grouped(em.createNativeQuery("select t.incident_id, cast(t.data as jsonb) ->> 'slo'"
                + " from timeline_entry t where t.kind = 'ALERT_FIRED' and t.data is not null and t.incident_id in (:ids)")
                .setParameter("ids", ids).getResultList());
        Map<UUID, Facts> facts = new HashMap<>();
        // Services fetched with the incidents in one statement, not one more per incident.
        for (Incident i : incidents.list("select distinct i from Incident i left join fetch i.services where i.id in ?1", ids)) {
            IncidentCause cause = causeOf.get(i.id);
            facts.put(i.id, new Facts(i.id, i.title, i.detectedAt, new TreeSet<>(i.services),
                    cause == null ? null : cause.causeClass.name(),
                    cause == null ? Set.of() : new TreeSet<>(cause.seams), changes.getOrDefault(i.id, Set.of()),
                    slos.getOrDefault(i.id, Set.of())));
        }
        return facts;
    }

    private static Map<UUID, Set<String>> grouped(List<?> rows) {
        Map<UUID, Set<String>> grouped = new HashMap<>();
        for (Object row : rows) {
            Object[] r = (Object[]) row;
            if (r[1] != null) {
                grouped.computeIfAbsent((UUID) r[0], k -> new TreeSet<>()).add((String) r[1]);
            }
        }
        return grouped;
    }

    static List<UUID> ids(UUID incidentId, List<Candidate> candidates) {
        List<UUID> ids = new ArrayList<>(candidates.stream().map(Candidate::id).toList());
        ids.add(incidentId);
        return ids;
    }
}
