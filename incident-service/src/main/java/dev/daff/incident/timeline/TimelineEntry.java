package dev.daff.incident.timeline;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One immutable line of an incident's story: what happened, when, and who did it. */
@Entity
@Immutable
@Table(name = "timeline_entry")
public class TimelineEntry extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public UUID incidentId;
    public Instant at;
    public String kind;
    public String phase;
    /** Who, by display name; {@link #actorSubject} is who it was ({@code sub}), null for daff's own entries. */
    public String actor;
    public String actorSubject;
    public String text;
    /** JSON with the specifics (old and new values, alert ids), for tools rather than people. */
    public String data;
    public Instant recordedAt;
}
