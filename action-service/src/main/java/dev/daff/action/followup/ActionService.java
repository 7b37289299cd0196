package dev.daff.action.followup;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import com.fasterxml.jackson.databind.JsonNode;

import dev.daff.action.followup.ActionApi.ActionTransition;
import dev.daff.action.followup.ActionApi.ActionView;
import dev.daff.action.followup.ActionApi.CreateAction;
import dev.daff.action.followup.ActionTypes.Kind;
import dev.daff.action.followup.ActionTypes.Scope;
import dev.daff.action.followup.ActionTypes.Status;
import dev.daff.kit.http.IdempotentCreates;
import dev.daff.kit.http.IdempotentCreates.Created;
import dev.daff.kit.http.IdempotentCreates.Made;
import dev.daff.kit.json.UnicodeText;
import dev.daff.kit.listing.PageRequest;
import dev.daff.kit.listing.Slice;
import dev.daff.events.ActionEvent;
import dev.daff.kit.problem.ProblemException;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;

/** Follow-up actions: one owner each, a due date always, and no silent decision not to act. */
@ApplicationScoped
public class ActionService {

    private final FollowUpActions actions;
    private final IncidentFacts incidents;
    private final ActionEvents events;
    private final ActionConfig config;
    private final IdempotentCreates creates;
    private final Clock clock;

    public ActionService(FollowUpActions actions, IncidentFacts incidents, ActionEvents events, ActionConfig config,
            IdempotentCreates creates, Clock clock) {
        this.actions = actions;
        this.incidents = incidents;
        this.events = events;
        this.config = config;
        this.creates = creates;
        this.clock = clock;
    }

    /** Opens an action, or answers the one an earlier request with the same Idempotency-Key opened. */
    @Transactional
    public Made<ActionView> create(@Valid @NotNull CreateAction request, Actor actor, String idempotencyKey) {
        Created created = creates.once("POST /api/actions", actor.subject(), idempotencyKey, request,
                () -> open(request, actor).id);
        return created.as(view(actions.findById(created.id())));
    }

    private FollowUpAction open(CreateAction request, Actor actor) {
        String ownerTeam = singleOwner(request.ownerTeam());
        if (request.scope() == Scope.SYSTEMIC && UnicodeText.blank(request.systemicRationale())) {
            throw ProblemException.invalidField("systemicRationale",
                    "is required for a SYSTEMIC action: which other places could fail the same way, and how this"
                            + " stops them");
        }
        if (request.kind() == Kind.WASHUP) {
            throw ProblemException.invalidField("kind", "WASHUP actions are made by daff when an incident is resolved");
        }
        if (incidents.finalised(request.incidentId())) {
            // The incident was finished on the strength of its actions being closed; one opened now would never
            // hold it back, and nobody would be asked about it again.
            throw ProblemException.conflict("incident-finalised", "The incident is finalised",
                    "Incident " + request.incidentId() + " is FINALISED: its follow-up is closed. Open this action"
                            + " on the incident where the work was found (a new incident, or one in its meta-review).");
        }
        Instant now = clock.instant();
        Instant dueAt = request.dueAt() != null ? request.dueAt()
                : now.plus(config.dueAfter(incidents.severity(request.incidentId()).orElse("SEV3")));
        if (request.dueAt() != null) {
            FollowUpAction.requireDueWithinReach(dueAt, now);
        }
        FollowUpAction action = FollowUpAction.open(request.incidentId(), request.title(), ownerTeam, request.kind(),
                request.scope(), request.priority(), dueAt, actor, now);
        action.description = request.description();
        action.assignee = request.assignee();
        action.systemicRationale = request.systemicRationale();
        actions.persist(action);
        events.publish(ActionEvent.CREATED, action);
        return action;
    }

    @Transactional
    public ActionView transition(UUID id, @Valid @NotNull ActionTransition transition, Actor actor) {
        FollowUpAction action = load(id);
        events.lockIncidentOf(action);
        if (!action.status.canMoveTo(transition.to())) {
            throw ProblemException.conflict("illegal-transition", "Transition not allowed",
                    "An action in " + action.status + " cannot move to " + transition.to() + ".");
        }
        if (action.kind == Kind.WASHUP && !transition.to().isOpen()) {
            // Closed by hand, its reminders stopped and the summary said washupDone for a washup nobody reviewed;
            // closed as WONT_DO, the next resolve of the incident made a second one.
            throw ProblemException.conflict("washup-action-closed-by-daff", "daff closes the WASHUP action",
                    "A WASHUP action closes when the incident's washup is reviewed in incident-service, or as WONT_DO"
                            + " when the incident is finalised without one (a waiver). It can be moved to IN_PROGRESS.");
        }
        if (transition.to() == Status.WONT_DO && UnicodeText.blank(transition.reason())) {
            throw ProblemException.invalidField("reason", "is required for WONT_DO: a decision not to act is documented");
        }
        move(action, transition.to(), transition.reason(), actor);
        return view(action);
    }

    /** Moves the action on, recording {@code actor} as who changed it and, when it closes, who closed it. */
    @Transactional(Transactional.TxType.MANDATORY)
    void move(FollowUpAction action, Status to, String reason, Actor actor) {
        action.status = to;
        if (to == Status.WONT_DO) {
            action.wontDoReason = reason;
        }
        action.updatedAt = clock.instant();
        action.updatedBy = actor.name();
        action.updatedBySubject = actor.subject();
        boolean closed = !to.isOpen();
        if (closed) {
            action.closedAt = action.updatedAt;
            action.closedBy = actor.name();
            action.closedBySubject = actor.subject();
        }
        events.publish(closed ? ActionEvent.CLOSED : ActionEvent.UPDATED, action);
    }

    /** Gives the action a new due date, announced: reminders and the overdue check go by the new one. */
    @Transactional(Transactional.TxType.MANDATORY)
    void moveDue(FollowUpAction action, Instant dueAt, Actor actor) {
        action.dueAt = dueAt;
        action.overdueNotifiedAt = null;
        updated(action, actor);
    }

    /** Gives the action to another team, announced: its reminders and reports go to that team from now on. */
    @Transactional(Transactional.TxType.MANDATORY)
    void reown(FollowUpAction action, String team, Actor actor) {
        action.ownerTeam = team;
        actions.forgetRemindersOf(action.id);
        updated(action, actor);
    }

    void updated(FollowUpAction action, Actor actor) {
        action.updatedAt = clock.instant();
        action.updatedBy = actor.name();
        action.updatedBySubject = actor.subject();
        events.publish(ActionEvent.UPDATED, action);
    }

    @Transactional
    public Optional<ActionView> find(UUID id) {
        return actions.findByIdOptional(id).map(action -> view(action, waitingWashups(List.of(action))));
    }

    /** Actions soonest due first, a page at a time. */
    @Transactional
    public Slice<ActionView> list(UUID incidentId, String ownerTeam, Status status, boolean overdueOnly,
            PageRequest request) {
        StringBuilder query = new StringBuilder("1 = 1");
        Parameters parameters = new Parameters();
        if (incidentId != null) {
            query.append(" and incidentId = :incidentId");
            parameters.and("incidentId", incidentId);
        }
        if (ownerTeam != null) {
            query.append(" and ownerTeam = :ownerTeam");
            parameters.and("ownerTeam", ownerTeam);
        }
        if (status != null) {
            query.append(" and status = :status");
            parameters.and("status", status);
        }
        if (overdueOnly) {
            // as the overdue check and the reminders judge it: a reopened incident's WASHUP action waits
            query.append(" and status in :open and dueAt < :now and (kind <> :washup or not exists (select 1 from"
                    + " KnownIncident k where k.id = incidentId and k.status <> 'RESOLVED'))");
            parameters.and("washup", Kind.WASHUP);
            parameters.and("open", List.of(Status.OPEN, Status.IN_PROGRESS)).and("now", clock.instant());
        }
        if (!request.expectParts(2).isFirst()) {
            query.append(" and (dueAt > :afterDue or (dueAt = :afterDue and id > :afterId))");
            parameters.and("afterDue", request.instant(0)).and("afterId", request.uuid(1));
        }
        List<FollowUpAction> fetched = actions.find(query.toString(), Sort.by("dueAt").and("id"), parameters)
                .range(0, request.limit()).list();
        Set<UUID> waiting = waitingWashups(fetched);
        return Slice.of(fetched, request.limit(), a -> PageRequest.cursorAfter(a.dueAt, a.id))
                .map(action -> view(action, waiting));
    }

    FollowUpAction load(UUID id) {
        return actions.findByIdOptional(id).orElseThrow(() -> ProblemException.notFound("action", id.toString()));
    }

    static String singleOwner(JsonNode ownerTeam) {
        if (ownerTeam != null && ownerTeam.isArray()) {
            throw ProblemException.invalidField("ownerTeam", ownerTeam.size() == 1
                    ? "must be one team name, not a list"
                    : "names " + ownerTeam.size() + " teams; an action has exactly one owning team. Split it into one"
                            + " action per team");
        }
        if (ownerTeam != null && !ownerTeam.isNull() && !ownerTeam.isTextual()) {
            throw ProblemException.invalidField("ownerTeam", "must be one team name");
        }
        String team = ownerTeam == null || ownerTeam.isNull() ? null : ownerTeam.asText();
        OwnerRule.refusal(team).ifPresent(reason -> {
            throw ProblemException.invalidField("ownerTeam", reason);
        });
        return team.trim();
    }

    /**
     * The WASHUP actions among these that are past due while their incident is not RESOLVED (reopened: due again from
     * the next resolve), which are not overdue: one query, however many actions.
     */
    private Set<UUID> waitingWashups(List<FollowUpAction> listed) {
        Instant now = clock.instant();
        Set<UUID> incidentIds = listed.stream().filter(a -> a.kind == Kind.WASHUP && a.status.isOpen()
                && a.dueAt.isBefore(now)).map(a -> a.incidentId).collect(Collectors.toSet());
        Set<UUID> notResolved = incidents.notResolved(incidentIds);
        return listed.stream().filter(a -> a.kind == Kind.WASHUP && notResolved.contains(a.incidentId))
                .map(a -> a.id).collect(Collectors.toSet());
    }

    ActionView view(FollowUpAction action) {
        return view(action, waitingWashups(List.of(action)));
    }

    private ActionView view(FollowUpAction action, Set<UUID> waitingWashups) {
        boolean overdue = action.status.isOpen() && action.dueAt.isBefore(clock.instant())
                && !waitingWashups.contains(action.id);
        return new ActionView(action.id, action.incidentId, action.title, action.description, action.ownerTeam,
                action.assignee, action.kind, action.scope, action.systemicRationale, action.priority, action.status,
                action.wontDoReason, action.dueAt, overdue, action.createdAt, action.createdBy, action.createdBySubject,
                action.updatedAt, action.updatedBy, action.updatedBySubject, action.closedAt, action.closedBy,
                action.closedBySubject, action.version);
    }
}
