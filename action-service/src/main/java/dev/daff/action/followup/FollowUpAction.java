package dev.daff.action.followup;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import dev.daff.action.followup.ActionTypes.Kind;
import dev.daff.action.followup.ActionTypes.Priority;
import dev.daff.action.followup.ActionTypes.Scope;
import dev.daff.action.followup.ActionTypes.Status;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One follow-up action of an incident, owned by exactly one team. */
@Entity
@Table(name = "follow_up_action")
public class FollowUpAction extends PanacheEntityBase {

    @Id
    public UUID id;
    public UUID incidentId;
    public String title;
    public String description;
    public String ownerTeam;
    public String assignee;
    @Enumerated(EnumType.STRING)
    public Kind kind;
    @Enumerated(EnumType.STRING)
    public Scope scope;
    public String systemicRationale;
    @Enumerated(EnumType.STRING)
    public Priority priority;
    @Enumerated(EnumType.STRING)
    public Status status;
    public String wontDoReason;
    public Instant dueAt;
    public Instant createdAt;
    /** Display names of who created, last changed and closed the action; the {@code *Subject} fields say who they are. */
    public String createdBy;
    public String createdBySubject;
    public Instant updatedAt;
    public String updatedBy;
    public String updatedBySubject;
    public Instant closedAt;
    public String closedBy;
    public String closedBySubject;
    public Instant overdueNotifiedAt;
    @Version
    public long version;
}
