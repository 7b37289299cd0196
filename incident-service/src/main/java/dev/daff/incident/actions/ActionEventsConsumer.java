package dev.daff.incident.actions;

import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Event;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.daff.events.ActionEvent;
import dev.daff.events.ActionSummary;
import dev.daff.kit.messaging.IdempotentConsumer;
import dev.daff.kit.messaging.IdempotentConsumer.Subscription;
import dev.daff.kit.messaging.UnprocessableEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Blocking;

/**
 * Keeps action-service's latest action summary per incident (the newest by occurredAt wins, so a late or
 * replayed event never rolls it back) and announces each change as {@link ActionSummaryUpdated}, which the
 * finalisation gate observes. Each event is applied once.
 */
@ApplicationScoped
public class ActionEventsConsumer {

    /** The channel (topic daff.action-events) in application.properties. */
    public static final String CHANNEL = "action-events";
    static final String CONSUMER = "incident-service/action-events";
    static final Subscription<ActionEvent> SUBSCRIPTION = Subscription.of(CONSUMER, ActionEvent.class,
            ActionEvent.CURRENT_VERSION, Set.of(ActionEvent.CREATED, ActionEvent.UPDATED, ActionEvent.CLOSED,
                    ActionEvent.OVERDUE))
            .rankedByTime(event -> event.sequence() == null); // see older(): by sequence, else by occurredAt

    private final IdempotentConsumer consumer;
    private final ActionSummaries summaries;
    private final ActionItems items;
    private final Event<ActionSummaryUpdated> updated;
    private final Event<ActionFirstHeard> firstHeard;
    private final Clock clock;

    public ActionEventsConsumer(IdempotentConsumer consumer, ActionSummaries summaries, ActionItems items,
            Event<ActionSummaryUpdated> updated, Event<ActionFirstHeard> firstHeard, Clock clock) {
        this.consumer = consumer;
        this.summaries = summaries;
        this.items = items;
        this.updated = updated;
        this.firstHeard = firstHeard;
        this.clock = clock;
    }

    /** Its counters from the service's start ({@link IdempotentConsumer#expose}). */
    void exposeCounters(@Observes StartupEvent start) {
        consumer.expose(SUBSCRIPTION);
    }

    @Incoming(CHANNEL)
    @Blocking
    public void on(String payload) {
        consumer.consume(SUBSCRIPTION, payload, this::apply);
    }

    private void apply(ActionEvent event) {
        if (event.summary() == null) {
            throw new UnprocessableEvent("summary is required");
        }
        ActionSummary summary = event.summary();
        // A malformed id fails here and the record goes to the dead-letter topic.
        UUID incidentId = UUID.fromString(summary.incidentId() != null ? summary.incidentId() : event.incidentId());
        // The lock first: a finalise in flight holds it, and the action is judged against the incident it leaves
        // (an open action heard of after the finalise is said on the timeline, not checked against RESOLVED).
        summaries.lockFor(incidentId);
        keepAction(event, incidentId);
        ActionSummaryRecord stored = summaries.findByIdOptional(incidentId).orElse(null);
        if (stored != null && older(event, stored.sequence, stored.occurredAt)) {
            return;
        }
        boolean created = stored == null;
        if (created) {
            stored = new ActionSummaryRecord();
            stored.incidentId = incidentId;
        }
        stored.total = summary.total();
        stored.open = summary.open();
        stored.systemicDone = summary.systemicDone();
        stored.systemicOpen = summary.systemicOpen();
        stored.occurredAt = event.occurredAt();
        stored.sequence = event.sequence();
        stored.eventId = event.eventId();
        stored.receivedAt = clock.instant();
        if (created) {
            summaries.persist(stored);
        }
        updated.fire(new ActionSummaryUpdated(incidentId));
    }

    /**
     * Whether {@code event} is older than what was kept from an earlier one: by action-service's sequence when both
     * have one — its replicas' clocks may disagree by more than the time between two changes, and a summary dropped
     * as "older" left an open action out of the gate — else (events from before the sequence) by occurredAt. A replayed
     * dead letter carries its old sequence.
     */
    static boolean older(ActionEvent event, Long storedSequence, Instant storedOccurredAt) {
        if (event.sequence() != null && storedSequence != null) {
            return event.sequence() < storedSequence;
        }
        return event.occurredAt().isBefore(storedOccurredAt);
    }

    /**
     * The action itself, for similar incidents: newest by occurredAt wins; done at the first DONE event's time. An
     * event without the action's fields still counts for the summary (the gate only ever needed that).
     */
    private void keepAction(ActionEvent event, UUID incidentId) {
        if (event.actionId() == null || !event.actionId().matches("[0-9a-fA-F-]{36}") || event.scope() == null
                || event.status() == null || event.kind() == null || event.title() == null) {
            return;
        }
        UUID actionId = UUID.fromString(event.actionId());
        ActionItem item = items.findByIdOptional(actionId).orElse(null);
        if (item != null && older(event, item.sequence, item.occurredAt)) {
            return;
        }
        boolean created = item == null;
        if (created) {
            item = new ActionItem();
            item.actionId = actionId;
        }
        item.incidentId = incidentId;
        item.title = event.title().length() > 200 ? event.title().substring(0, 200) : event.title();
        item.kind = event.kind();
        item.scope = event.scope();
        item.status = event.status();
        if (ActionItems.DONE.equals(event.status()) && item.doneAt == null) {
            item.doneAt = event.occurredAt();
        }
        item.occurredAt = event.occurredAt();
        item.sequence = event.sequence();
        item.eventId = event.eventId();
        if (created) {
            items.persist(item);
            if (!ActionItems.DONE.equals(item.status) && !ActionItems.WONT_DO.equals(item.status)) {
                firstHeard.fire(new ActionFirstHeard(incidentId, actionId, item.title, event.occurredAt()));
            }
        }
    }
}
