package dev.daff.action.followup;

import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.daff.action.followup.ActionSummaryRule.Counted;
import dev.daff.events.ActionEvent;
import dev.daff.events.ActionSummary;
import dev.daff.events.Topics;
import dev.daff.kit.outbox.Outbox;

/** Announces action changes with the incident's action summary after the change, through the outbox. */
@ApplicationScoped
public class ActionEvents {

    private final FollowUpActions actions;
    private final Outbox outbox;
    private final Clock clock;

    public ActionEvents(FollowUpActions actions, Outbox outbox, Clock clock) {
        this.actions = actions;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * Takes the incidents' locks (those {@link #publish} takes for each event), in one order, before any of their
     * actions' rows is changed: every writer of actions takes them first. A writer that changed a row and then waited
     * for its incident's lock deadlocked with the overdue check, which held the lock and then waited for that row.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void lockIncidents(Collection<UUID> incidentIds) {
        incidentIds.stream().distinct().sorted().forEach(id -> outbox.serialise(Topics.ACTION_EVENTS, id.toString()));
    }

    /** {@link #lockIncidents} for an action read before it, then the action as a writer that held the lock left it. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void lockIncidentOf(FollowUpAction action) {
        lockIncidents(List.of(action.incidentId));
        actions.getEntityManager().refresh(action);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void publish(String type, FollowUpAction action) {
        // Concurrent changes to one incident's actions must see each other before summarising.
        outbox.serialise(Topics.ACTION_EVENTS, action.incidentId.toString());
        actions.flush();
        // Read under the incident's lock, so a later event of this incident always has a larger one: the order
        // incident-service keeps summaries in, whatever each replica's clock says.
        long sequence = ((Number) actions.getEntityManager()
                .createNativeQuery("select nextval('action_event_sequence')").getSingleResult()).longValue();
        ActionEvent event = new ActionEvent(UUID.randomUUID().toString(), type, ActionEvent.CURRENT_VERSION,
                action.id.toString(), action.incidentId.toString(), clock.instant(), action.title, action.ownerTeam,
                action.kind.name(), action.scope.name(), action.status.name(), action.dueAt, summary(action.incidentId),
                sequence);
        outbox.publish(Topics.ACTION_EVENTS, action.incidentId.toString(), event);
    }

    /** Where the incident's actions stand, as the finalisation gate reads it ({@link ActionSummaryRule}). */
    public ActionSummary summary(UUID incidentId) {
        List<Counted> all = actions.list("incidentId", incidentId).stream()
                .map(a -> new Counted(a.kind, a.scope, a.status))
                .toList();
        return ActionSummaryRule.summarise(incidentId, all);
    }
}
