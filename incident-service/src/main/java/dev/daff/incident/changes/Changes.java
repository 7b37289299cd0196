package dev.daff.incident.changes;

import java.time.Duration;
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

    /** A change asked for by its service and ref, recorded at or after {@code from}. */
    public record Asked(String service, String ref, Instant from) {
    }

    /**
     * For each asked change, in order, the id of the first change with its service and ref recorded within
     * {@code within} after its {@code from}, or null (always for a null ref): one statement for a whole list of deploy
     * decisions, each lookup on {@code change_event_by_ref}.
     */
    @SuppressWarnings("unchecked")
    public List<UUID> firstRecorded(List<Asked> asked, Duration within) {
        if (asked.isEmpty()) {
            return List.of();
        }
        return getEntityManager().createNativeQuery("""
                select (select c.id from change_event c
                        where c.service = a.service and c.ref = a.ref
                        and c.recorded_at >= a.at and c.recorded_at <= a.at + make_interval(secs => :within)
                        order by c.recorded_at limit 1)
                from unnest(:services, :refs, cast(:froms as timestamptz[])) with ordinality as a(service, ref, at, n)
                order by a.n""", UUID.class)
                .setParameter("services", asked.stream().map(Asked::service).toArray(String[]::new))
                .setParameter("refs", asked.stream().map(Asked::ref).toArray(String[]::new))
                .setParameter("froms", asked.stream().map(a -> a.from().toString()).toArray(String[]::new))
                .setParameter("within", within.toSeconds())
                .getResultList();
    }
}
