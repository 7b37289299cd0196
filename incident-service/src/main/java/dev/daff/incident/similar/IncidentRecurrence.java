package dev.daff.incident.similar;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** An incident that matched an earlier one whose SYSTEMIC action was done before it: set once, never taken back. */
@Entity
@Table(name = "incident_recurrence")
public class IncidentRecurrence extends PanacheEntityBase {

    @Id
    public UUID incidentId;
    public UUID earlierIncidentId;
    public UUID actionId;
    public String actionTitle;
    public Instant actionDoneAt;
    public int score;
    public String why;
    public Instant markedAt;
}
