package dev.daff.slo.paging.report;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.kit.time.SqlTimes;

/** Incidents opened anywhere ({@code incident_seen}), so the paging report can tell which pages became incidents. */
@ApplicationScoped
public class SeenIncidents {

    private static final TypeReference<List<String>> NAMES = new TypeReference<>() {
    };

    private final EntityManager entityManager;
    private final ObjectMapper json;

    public SeenIncidents(EntityManager entityManager, ObjectMapper json) {
        this.entityManager = entityManager;
        this.json = json;
    }

    /** Records an opened incident once, however often its event arrives. */
    void record(UUID incidentId, String detectionSource, Instant detectedAt, List<String> services) {
        entityManager.createNativeQuery("""
                insert into incident_seen (incident_id, detection_source, detected_at, services) values (?1, ?2, ?3, ?4)
                on conflict do nothing""")
                .setParameter(1, incidentId)
                .setParameter(2, detectionSource)
                .setParameter(3, detectedAt)
                .setParameter(4, write(services))
                .executeUpdate();
    }

    /** Incidents detected in [from, to). */
    List<PagingReport.SeenIncident> between(Instant from, Instant to) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery(
                "select detection_source, detected_at, services from incident_seen where detected_at >= ?1 and detected_at < ?2")
                .setParameter(1, from).setParameter(2, to).getResultList();
        return rows.stream().map(row -> new PagingReport.SeenIncident((String) row[0], SqlTimes.toInstant(row[1]),
                read((String) row[2]))).toList();
    }

    /** A JSON array: a service's name may hold any character, a comma too. */
    private String write(List<String> services) {
        try {
            return json.writeValueAsString(services);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list of names cannot be written as JSON", e);
        }
    }

    /** A JSON array, or (rows stored before V21) the names joined with commas. */
    private List<String> read(String services) {
        if (!services.startsWith("[")) {
            return Arrays.asList(services.split(","));
        }
        try {
            return json.readValue(services, NAMES);
        } catch (JsonProcessingException e) {
            return Arrays.asList(services.split(","));
        }
    }

    /** Whether any incident was ever seen: without that, "no page became an incident" means nothing. */
    boolean any() {
        return ((Number) entityManager.createNativeQuery("select count(*) from incident_seen").getSingleResult()).longValue() > 0;
    }
}
