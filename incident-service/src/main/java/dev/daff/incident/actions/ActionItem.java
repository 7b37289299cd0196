package dev.daff.incident.actions;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One follow-up action as action-service last announced it (kind, scope and status are its names). */
@Entity
@Table(name = "action_item")
public class ActionItem extends PanacheEntityBase {

    @Id
    public UUID actionId;
    public UUID incidentId;
    public String title;
    public String kind;
    public String scope;
    public String status;
    /** When the action was first announced DONE. */
    public Instant doneAt;
    /** When the change the row follows happened at action-service; older events never replace newer ones. */
    public Instant occurredAt;
    /** action-service's order of the event it came with ({@link ActionEventsConsumer#older}); null before it had one. */
    public Long sequence;
    public String eventId;
}
