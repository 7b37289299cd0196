package dev.daff.incident.washup;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** What caused an incident: one per incident, replaced as understanding improves. */
@Entity
@Table(name = "incident_cause")
public class IncidentCause extends PanacheEntityBase {

    @Id
    public UUID incidentId;
    @Enumerated(EnumType.STRING)
    public CauseClass causeClass;
    /** {@link Seam} names. */
    @JdbcTypeCode(SqlTypes.JSON)
    public List<String> seams = new ArrayList<>();
    public String summary;
    public Instant setAt;
    /** Display name; {@link #setBySubject} is who it was. */
    public String setBy;
    public String setBySubject;
}
