package dev.daff.incident.similar;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class Recurrences implements PanacheRepositoryBase<IncidentRecurrence, java.util.UUID> {

    /** The recurrences among the incidents detected in [from, to) (a subquery: no IN list of ids). */
    public List<IncidentRecurrence> detectedIn(Instant from, Instant to) {
        return list("incidentId in (select i.id from Incident i where i.detectedAt >= ?1 and i.detectedAt < ?2)"
                + " order by markedAt, incidentId", from, to);
    }
}
