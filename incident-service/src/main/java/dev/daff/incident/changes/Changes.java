package dev.daff.incident.changes;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;

@ApplicationScoped
public class Changes implements PanacheRepositoryBase<Change, UUID> {

    /** Changes to {@code services} whose time range overlaps [from, to]. */
    public List<Change> overlapping(Collection<String> services, Instant from, Instant to) {
        if (services.isEmpty()) {
            return List.of();
        }
        return list("service in :services and startedAt <= :to and coalesce(endedAt, startedAt) >= :from",
                Sort.by("startedAt").and("id"),
                Parameters.with("services", services).and("from", from).and("to", to));
    }
}
