package dev.daff.incident.changes;

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

/** A change people linked to an incident as its cause or a contributor. */
@Entity
@Table(name = "incident_change")
@IdClass(IncidentChange.Key.class)
public class IncidentChange extends PanacheEntityBase {

    @Id
    public UUID incidentId;
    @Id
    public UUID changeId;
    @Enumerated(EnumType.STRING)
    public LinkRole role;
    public Instant linkedAt;
    /** Display name; {@link #linkedBySubject} is who it was. */
    public String linkedBy;
    public String linkedBySubject;

    public static class Key implements Serializable {
        public UUID incidentId;
        public UUID changeId;

        public Key() {
        }

        public Key(UUID incidentId, UUID changeId) {
            this.incidentId = incidentId;
            this.changeId = changeId;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Objects.equals(incidentId, key.incidentId)
                    && Objects.equals(changeId, key.changeId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(incidentId, changeId);
        }
    }
}
