package dev.daff.action.incidents;

import java.time.Clock;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.action.followup.ActionService;
import dev.daff.action.followup.ActionTypes.Kind;
import dev.daff.action.followup.ActionTypes.Status;
import dev.daff.action.followup.FollowUpActions;
import dev.daff.events.IncidentEvent;
import dev.daff.kit.inbox.ProcessedEvents;
import io.smallrye.common.annotation.Blocking;

/**
 * Follows incidents: a resolved incident gets a WASHUP action for its team, and a reviewed washup closes
 * it. Each event is applied once, however often Kafka delivers it.
 */
@ApplicationScoped
public class IncidentEventsConsumer {

    static final String CONSUMER = "action-service/incident-events";

    private final ProcessedEvents processed;
    private final KnownIncidents incidents;
    private final FollowUpActions actions;
    private final ActionService service;
    private final ObjectMapper json;
    private final Clock clock;

    public IncidentEventsConsumer(ProcessedEvents processed, KnownIncidents incidents, FollowUpActions actions,
            ActionService service, ObjectMapper json, Clock clock) {
        this.processed = processed;
        this.incidents = incidents;
        this.actions = actions;
        this.service = service;
        this.json = json;
        this.clock = clock;
    }

    @Incoming("incident-events")
    @Blocking
    @Transactional
    public void on(String payload) throws JsonProcessingException {
        IncidentEvent event = json.readValue(payload, IncidentEvent.class);
        if (event.eventId() == null || event.incidentId() == null || !processed.firstDelivery(CONSUMER, event.eventId())) {
            return;
        }
        UUID incidentId = UUID.fromString(event.incidentId());
        KnownIncident incident = incidents.findByIdOptional(incidentId).orElseGet(() -> {
            KnownIncident created = new KnownIncident();
            created.id = incidentId;
            return created;
        });
        if (event.severity() != null) {
            incident.severity = event.severity();
        }
        if (event.team() != null) {
            incident.team = event.team();
        }
        if (event.status() != null) {
            incident.status = event.status();
        }
        incident.updatedAt = clock.instant();
        incidents.persist(incident);

        if (IncidentEvent.RESOLVED.equals(event.type()) && !hasWashup(incidentId)) {
            service.createWashup(incident);
        } else if (IncidentEvent.WASHUP_REVIEWED.equals(event.type())) {
            actions.list("incidentId = ?1 and kind = ?2", incidentId, Kind.WASHUP).stream()
                    .filter(action -> action.status.isOpen())
                    .forEach(action -> service.move(action, Status.DONE, null));
        }
    }

    private boolean hasWashup(UUID incidentId) {
        return actions.count("incidentId = ?1 and kind = ?2 and status <> ?3", incidentId, Kind.WASHUP, Status.WONT_DO) > 0;
    }

}
