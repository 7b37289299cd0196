package dev.daff.incident.changes;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;

@ApplicationScoped
public class IncidentChanges implements PanacheRepositoryBase<IncidentChange, IncidentChange.Key> {

    public List<IncidentChange> of(UUID incidentId) {
        return list("incidentId", Sort.by("linkedAt"), incidentId);
    }
}
