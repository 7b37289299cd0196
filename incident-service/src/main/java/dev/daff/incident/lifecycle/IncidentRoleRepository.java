package dev.daff.incident.lifecycle;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import dev.daff.incident.lifecycle.IncidentApi.Role;
import dev.daff.incident.timeline.Actor;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class IncidentRoleRepository implements PanacheRepositoryBase<IncidentRole, IncidentRole.Key> {

    /**
     * Gives the role to {@code handle} and answers who held it before. The row is inserted if missing, else locked
     * and replaced, so two people assigning the same role at once are applied one after the other and the second
     * hand-over names the first.
     */
    Optional<String> assign(UUID incidentId, Role role, String handle, Actor actor, Instant at) {
        int inserted = getEntityManager().createNativeQuery("insert into incident_role (incident_id, role, handle,"
                + " assigned_at, assigned_by, assigned_by_subject) values (?1, ?2, ?3, ?4, ?5, ?6) on conflict do nothing")
                .setParameter(1, incidentId).setParameter(2, role.name()).setParameter(3, handle).setParameter(4, at)
                .setParameter(5, actor.name()).setParameter(6, actor.subject())
                .executeUpdate();
        if (inserted == 1) {
            return Optional.empty();
        }
        IncidentRole held = findById(new IncidentRole.Key(incidentId, role), LockModeType.PESSIMISTIC_WRITE);
        String before = held.handle;
        held.handle = handle;
        held.assignedAt = at;
        held.assignedBy = actor.name();
        held.assignedBySubject = actor.subject();
        return Optional.of(before);
    }
}
