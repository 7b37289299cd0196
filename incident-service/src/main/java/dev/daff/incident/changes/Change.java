package dev.daff.incident.changes;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A change to a service as reported by CI/CD or a person. Never edited: a correction is a new change. */
@Entity
@Immutable
@Table(name = "change_event")
public class Change extends PanacheEntityBase {

    @Id
    public UUID id;
    public String service;
    @Enumerated(EnumType.STRING)
    public ChangeKind kind;
    public String summary;
    public String author;
    public Instant startedAt;
    public Instant endedAt;
    public String ref;
    public String environment;
    /** Where a responder undoes this change, when the reporter said. */
    public String rollbackUrl;
    public Instant recordedAt;
    /** Display name (daff's consumer for changes from Kafka); {@link #recordedBySubject} is who it was. */
    public String recordedBy;
    public String recordedBySubject;

    /** When the change was over; a change without an end is a moment. */
    public Instant lastMoment() {
        return endedAt == null ? startedAt : endedAt;
    }
}
