package dev.daff.action.followup;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.daff.action.followup.ActionTypes.Kind;
import dev.daff.action.followup.ActionTypes.Priority;
import dev.daff.action.followup.ActionTypes.Scope;
import dev.daff.action.followup.ActionTypes.Status;
import dev.daff.events.ActionEvent;

/**
 * The WASHUP action: the team's reminder, with a due date, to write and review the washup of a resolved incident.
 * incident-service owns whether the washup is reviewed (its finalisation gate reads the review itself); this action
 * only follows it, so it never counts as open work in the incident's action summary ({@link ActionSummaryRule}).
 */
@ApplicationScoped
public class WashupActions {

    private final FollowUpActions actions;
    private final ActionService service;
    private final ActionEvents events;
    private final ActionConfig config;
    private final Clock clock;

    public WashupActions(FollowUpActions actions, ActionService service, ActionEvents events, ActionConfig config,
            Clock clock) {
        this.actions = actions;
        this.service = service;
        this.events = events;
        this.config = config;
        this.clock = clock;
    }

    /**
     * Makes the incident's WASHUP action for its team, due {@code washup-due-days} after it was resolved, unless it has
     * one already (a redelivery). Resolved again after a reopen, the open one is due that long after this resolve: kept
     * at the first, it was overdue while the incident was being fixed, and no reminder came once it could be written.
     * Resolved after its washup was reviewed ({@code afterReview}, by incident-service's sequence: the incident was
     * reopened since, which sent the washup back to draft), a new action asks for the review again. Without sequences
     * ({@code afterReview} null), a resolve due later than every closed action was due is taken for one after the
     * review: a redelivered resolve is due no later.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void incidentResolved(UUID incidentId, String team, String severity, Instant resolvedAt, Boolean afterReview) {
        events.lockIncidents(List.of(incidentId)); // before its actions' rows, as every writer
        Instant now = clock.instant();
        Instant dueAt = (resolvedAt == null ? now : resolvedAt).plus(config.washupDueAfter(severity));
        List<FollowUpAction> existing = actions.list("incidentId = ?1 and kind = ?2 and status <> ?3", incidentId,
                Kind.WASHUP, Status.WONT_DO);
        boolean open = existing.stream().anyMatch(action -> action.status.isOpen());
        boolean reviewedBefore = afterReview != null ? afterReview
                : !existing.isEmpty() && existing.stream().allMatch(action -> action.dueAt.isBefore(dueAt));
        // An open one is moved; a closed one was made for this very resolve (a redelivery) unless reviewed before it.
        if (open || !existing.isEmpty() && !reviewedBefore) {
            existing.stream().filter(action -> action.status.isOpen() && action.dueAt.isBefore(dueAt))
                    .forEach(action -> service.moveDue(action, dueAt, Actor.DAFF));
            return;
        }
        FollowUpAction action = FollowUpAction.open(incidentId, reviewedBefore ? "Review the washup again: the incident"
                + " was reopened" : "Write and review the washup", team, Kind.WASHUP, Scope.LOCAL, Priority.P2, dueAt,
                Actor.DAFF, now);
        action.description = (reviewedBefore ? "The problem came back after the washup was reviewed: why did the fix not"
                + " hold? " : "") + "Timeline, cause, root cause and one more why: how do we stop SIMILAR incidents?";
        actions.persist(action);
        events.publish(ActionEvent.CREATED, action);
    }

    /**
     * Closes the incident's open WASHUP action as WONT_DO: the incident was finalised without its washup reviewed (a
     * finalisation waiver), so nothing will ever close it, and left open it would be announced as overdue every week.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void incidentFinalised(UUID incidentId) {
        events.lockIncidents(List.of(incidentId)); // before its actions' rows, as every writer
        actions.list("incidentId = ?1 and kind = ?2", incidentId, Kind.WASHUP).stream()
                .filter(action -> action.status.isOpen())
                .forEach(action -> service.move(action, Status.WONT_DO, WAIVED, Actor.DAFF));
    }

    /** Why daff closed a WASHUP action as WONT_DO. */
    static final String WAIVED = "the incident was finalised without a reviewed washup (a finalisation waiver)";

    /**
     * The incident's team changed (set on an incident an alert opened without one, or handed over): its open WASHUP
     * action goes with it, or its reminders would go on to a team that no longer owns the incident, or to none.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void teamChanged(UUID incidentId, String teamBefore, String team) {
        events.lockIncidents(List.of(incidentId)); // before its actions' rows, as every writer
        actions.list("incidentId = ?1 and kind = ?2 and ownerTeam = ?3", incidentId, Kind.WASHUP, teamBefore).stream()
                .filter(action -> action.status.isOpen())
                .forEach(action -> service.reown(action, team, Actor.DAFF));
    }

    /**
     * Closes the incident's open WASHUP action as done by daff: the washup it reminded the team of is reviewed. One daff
     * closed as a finalisation waiver is done too: a review that reached action-service only after the finalise (a
     * dead letter replayed) left it saying the incident was finalised without one.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void washupReviewed(UUID incidentId) {
        events.lockIncidents(List.of(incidentId)); // before its actions' rows, as every writer
        actions.list("incidentId = ?1 and kind = ?2", incidentId, Kind.WASHUP).stream()
                .filter(action -> action.status.isOpen() || WAIVED.equals(action.wontDoReason))
                .forEach(action -> {
                    action.wontDoReason = null;
                    service.move(action, Status.DONE, null, Actor.DAFF);
                });
    }
}
