package dev.daff.incident.lifecycle;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

import dev.daff.incident.lifecycle.IncidentApi.Role;

/** Who holds one role (commander, scribe, liaison) on an incident now; the timeline keeps every hand-over. */
@Entity
@Table(name = "incident_role")
@IdClass(IncidentRole.Key.class)
public class IncidentRole extends PanacheEntityBase {

    @Id
    public UUID incidentId;
    @Id
    @Enumerated(EnumType.STRING)
    public Role role;
    public String handle;
    public Instant assignedAt;
    /** Display name; {@link #assignedBySubject} is who it was. */
    public String assignedBy;
    public String assignedBySubject;

    public static class Key implements Serializable {
        public UUID incidentId;
        public Role role;

        public Key() {
        }

        public Key(UUID incidentId, Role role) {
            this.incidentId = incidentId;
            this.role = role;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Objects.equals(incidentId, key.incidentId) && role == key.role;
        }

        @Override
        public int hashCode() {
            return Objects.hash(incidentId, role);
        }
    }
}
