package dev.daff.incident.finalisation;

import java.time.Clock;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.daff.events.ActionEvent;
import dev.daff.events.ActionSummary;
import dev.daff.incident.lifecycle.IncidentRepository;
import dev.daff.kit.messaging.IdempotentConsumer;
import dev.daff.kit.messaging.IdempotentConsumer.Subscription;
import dev.daff.kit.messaging.UnprocessableEvent;
import io.smallrye.common.annotation.Blocking;

/**
 * Keeps action-service's latest action summary per incident (the newest by occurredAt wins, so a late or
 * replayed event never rolls it back) and re-evaluates the finalisation gate. Each event is applied once.
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
    private final IncidentRepository incidents;
    private final FinalisationGate gate;
    private final Clock clock;

    public ActionEventsConsumer(IdempotentConsumer consumer, ActionSummaries summaries, IncidentRepository incidents,
            FinalisationGate gate, Clock clock) {
        this.consumer = consumer;
        this.summaries = summaries;
        this.incidents = incidents;
        this.gate = gate;
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
        stored.washupDone = summary.washupDone();
        stored.occurredAt = event.occurredAt();
        stored.eventId = event.eventId();
        stored.receivedAt = clock.instant();
        if (created) {
            summaries.persist(stored);
        }
        incidents.findByIdOptional(incidentId).ifPresent(gate::reassess);
    }
}
