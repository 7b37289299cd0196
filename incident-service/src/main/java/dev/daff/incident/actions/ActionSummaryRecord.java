package dev.daff.incident.actions;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** action-service's latest count of an incident's follow-up actions. */
@Entity
@Table(name = "action_summary")
public class ActionSummaryRecord extends PanacheEntityBase {

    @Id
    public UUID incidentId;
    public int total;
    public int open;
    public int systemicDone;
    public int systemicOpen;
    /** When the change the summary follows happened at action-service; older summaries never replace newer ones. */
    public Instant occurredAt;
    /** action-service's order of the event it came with ({@link ActionEventsConsumer#older}); null before it had one. */
    public Long sequence;
    public String eventId;
    public Instant receivedAt;
}
