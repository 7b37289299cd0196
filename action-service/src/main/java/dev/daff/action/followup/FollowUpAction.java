package dev.daff.action.followup;

import java.time.Duration;
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
import dev.daff.kit.problem.ProblemException;
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

    /** How far ahead an action may be given a due date: five years, beyond any team's planning. */
    static final Duration LONGEST_DUE = Duration.ofDays(5 * 365);

    /** Refuses a due date set further ahead than {@link #LONGEST_DUE} (400 naming {@code dueAt}). */
    static void requireDueWithinReach(Instant dueAt, Instant now) {
        if (dueAt.isAfter(now.plus(LONGEST_DUE))) {
            throw ProblemException.invalidField("dueAt", "must be at most " + LONGEST_DUE.toDays()
                    + " days ahead: every action is due, and one due in years would never be overdue");
        }
    }

    /** A new OPEN action, created and last changed by {@code actor} at {@code now}. */
    static FollowUpAction open(UUID incidentId, String title, String ownerTeam, Kind kind, Scope scope,
            Priority priority, Instant dueAt, Actor actor, Instant now) {
        FollowUpAction action = new FollowUpAction();
        action.id = UUID.randomUUID();
        action.incidentId = incidentId;
        action.title = title;
        action.ownerTeam = ownerTeam;
        action.kind = kind;
        action.scope = scope;
        action.priority = priority;
        action.status = Status.OPEN;
        action.createdAt = now;
        action.createdBy = actor.name();
        action.createdBySubject = actor.subject();
        action.updatedAt = now;
        action.updatedBy = actor.name();
        action.updatedBySubject = actor.subject();
        action.dueAt = dueAt;
        return action;
    }
}
