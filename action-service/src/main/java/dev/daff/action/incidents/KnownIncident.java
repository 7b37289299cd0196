package dev.daff.action.incidents;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** What action-service has heard of an incident on daff.incident-events. */
@Entity
@Table(name = "known_incident")
public class KnownIncident extends PanacheEntityBase {

    @Id
    public UUID id;
    public String severity;
    public String team;
    public String status;
    /** incident-service's sequence of the newest event applied; null before it sent one. */
    public Long sequence;
    /** The sequence of the newest WashupReviewed applied; null before one with a sequence came. */
    public Long washupReviewedSequence;
    /** The sequence of the newest IncidentResolved applied; null before one with a sequence came. */
    public Long resolvedSequence;
    public Instant updatedAt;
}
