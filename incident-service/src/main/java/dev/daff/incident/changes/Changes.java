package dev.daff.incident.changes;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class Changes implements PanacheRepositoryBase<Change, UUID> {

    /**
     * Changes to {@code services} whose time range overlaps [from, to], by start. In SQL with the services as one
     * array parameter: Hibernate translates a query with a list parameter again for every call (the list's length
     * is part of the SQL), and every change reported and every deploy-gate decision asks this. The
     * {@code coalesce(ended_at, started_at)} condition is what {@code change_event_by_service_and_end} indexes.
     */
    @SuppressWarnings("unchecked")
    public List<Change> overlapping(Collection<String> services, Instant from, Instant to) {
        if (services.isEmpty()) {
            return List.of();
        }
        return getEntityManager().createNativeQuery("""
                select * from change_event
                where service = any(:services) and coalesce(ended_at, started_at) >= :from and started_at <= :to
                order by started_at, id""", Change.class)
                .setParameter("services", services.toArray(String[]::new))
                .setParameter("from", from)
                .setParameter("to", to)
                .getResultList();
    }
}
