package dev.daff.incident.finalisation;

import java.time.Clock;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.events.ActionEvent;
import dev.daff.events.ActionSummary;
import dev.daff.incident.lifecycle.IncidentRepository;
import dev.daff.kit.inbox.ProcessedEvents;
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

    private final ProcessedEvents processed;
    private final ActionSummaries summaries;
    private final IncidentRepository incidents;
    private final FinalisationGate gate;
    private final ObjectMapper json;
    private final Clock clock;

    public ActionEventsConsumer(ProcessedEvents processed, ActionSummaries summaries, IncidentRepository incidents,
            FinalisationGate gate, ObjectMapper json, Clock clock) {
        this.processed = processed;
        this.summaries = summaries;
        this.incidents = incidents;
        this.gate = gate;
        this.json = json;
        this.clock = clock;
    }

    @Incoming(CHANNEL)
    @Blocking
    @Transactional
    public void on(String payload) throws JsonProcessingException {
        ActionEvent event = json.readValue(payload, ActionEvent.class);
        if (event.eventId() == null || event.summary() == null || event.occurredAt() == null
                || !processed.firstDelivery(CONSUMER, event.eventId())) {
            return;
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
