package dev.daff.incident.actions;

import java.time.Clock;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.daff.events.ActionEvent;
import dev.daff.events.ActionSummary;
import dev.daff.kit.messaging.IdempotentConsumer;
import dev.daff.kit.messaging.IdempotentConsumer.Subscription;
import dev.daff.kit.messaging.UnprocessableEvent;
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
                    ActionEvent.OVERDUE));

    private final IdempotentConsumer consumer;
    private final ActionSummaries summaries;
    private final Event<ActionSummaryUpdated> updated;
    private final Clock clock;

    public ActionEventsConsumer(IdempotentConsumer consumer, ActionSummaries summaries, Event<ActionSummaryUpdated> updated,
            Clock clock) {
        this.consumer = consumer;
        this.summaries = summaries;
        this.updated = updated;
        this.clock = clock;
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
        ActionSummaryRecord stored = summaries.findByIdOptional(incidentId).orElse(null);
        if (stored != null && event.occurredAt().isBefore(stored.occurredAt)) {
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
        stored.eventId = event.eventId();
        stored.receivedAt = clock.instant();
        if (created) {
            summaries.persist(stored);
        }
        updated.fire(new ActionSummaryUpdated(incidentId));
    }
}
