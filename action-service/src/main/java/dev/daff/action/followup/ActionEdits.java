package dev.daff.action.followup;

import java.time.Clock;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.OptimisticLockException;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import dev.daff.action.followup.ActionApi.ActionView;
import dev.daff.action.followup.ActionApi.EditAction;
import dev.daff.action.followup.ActionTypes.Kind;
import dev.daff.action.followup.ActionTypes.Scope;
import dev.daff.kit.json.UnicodeText;
import dev.daff.kit.problem.ProblemException;

/**
 * Changes to an open action as its work is planned: another owning team, a later due date, another assignee or
 * priority, better words. Without them a team that handed an action on, or pushed it a sprint, could only close it
 * WONT_DO and open another, and the incident's record of what was decided went with it.
 */
@ApplicationScoped
public class ActionEdits {

    private final ActionService service;
    private final FollowUpActions actions;
    private final ActionEvents events;
    private final Clock clock;

    public ActionEdits(ActionService service, FollowUpActions actions, ActionEvents events, Clock clock) {
        this.service = service;
        this.actions = actions;
        this.events = events;
        this.clock = clock;
    }

    /** Applies the fields given, all or none, as one ActionUpdated; a closed action is 409, a stale version 409. */
    @Transactional
    public ActionView edit(UUID id, @Valid @NotNull EditAction edit, Actor actor) {
        FollowUpAction action = service.load(id);
        events.lockIncidentOf(action);
        if (action.version != edit.version()) {
            throw new OptimisticLockException("stale version " + edit.version());
        }
        if (!action.status.isOpen()) {
            throw ProblemException.conflict("action-closed", "The action is closed",
                    "Action " + id + " is " + action.status + ": what was done or decided stays as it was closed.");
        }
        String ownerTeam = edit.ownerTeam() == null ? null : ActionService.singleOwner(edit.ownerTeam());
        boolean daffsFieldsChanged = edit.title() != null && !edit.title().equals(action.title)
                || ownerTeam != null && !ownerTeam.equals(action.ownerTeam)
                || edit.dueAt() != null && !edit.dueAt().equals(action.dueAt);
        if (action.kind == Kind.WASHUP && daffsFieldsChanged) { // sent back as read, they are no change
            throw ProblemException.conflict("washup-action-managed-by-daff", "daff keeps the WASHUP action",
                    "A WASHUP action's title, team and due date follow its incident (the team that owns it, the"
                            + " days after its resolve); its assignee, priority and description can be changed.");
        }
        if (edit.dueAt() != null) {
            FollowUpAction.requireDueWithinReach(edit.dueAt(), clock.instant());
        }
        if (action.scope == Scope.SYSTEMIC && edit.systemicRationale() != null
                && UnicodeText.blank(edit.systemicRationale())) {
            throw ProblemException.invalidField("systemicRationale", "cannot be emptied on a SYSTEMIC action: which"
                    + " other places could fail the same way, and how this stops them");
        }
        boolean reowned = ownerTeam != null && !ownerTeam.equals(action.ownerTeam);
        boolean changed = reowned;
        if (reowned) {
            action.ownerTeam = ownerTeam;
        }
        if (edit.dueAt() != null && !edit.dueAt().equals(action.dueAt)) {
            action.dueAt = edit.dueAt();
            action.overdueNotifiedAt = null; // overdue again later: said again
            changed = true;
        }
        if (edit.title() != null && !edit.title().equals(action.title)) {
            action.title = edit.title();
            changed = true;
        }
        if (edit.description() != null && !edit.description().equals(action.description)) {
            action.description = edit.description();
            changed = true;
        }
        if (edit.assignee() != null && !edit.assignee().equals(action.assignee)) {
            action.assignee = edit.assignee();
            changed = true;
        }
        if (edit.priority() != null && edit.priority() != action.priority) {
            action.priority = edit.priority();
            changed = true;
        }
        if (edit.systemicRationale() != null && !edit.systemicRationale().equals(action.systemicRationale)) {
            action.systemicRationale = edit.systemicRationale();
            changed = true;
        }
        if (changed) {
            service.updated(action, actor);
        }
        if (reowned) {
            // The new team is reminded from its own first notice. After the change is announced, which flushes it:
            // the delete flushes what is set before it, and a flush halfway would count two versions for one change.
            actions.forgetRemindersOf(action.id);
        }
        return service.view(action);
    }
}
