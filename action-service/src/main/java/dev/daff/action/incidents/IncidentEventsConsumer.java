package dev.daff.action.incidents;

import java.time.Clock;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.daff.action.followup.ActionService;
import dev.daff.action.followup.Actor;
import dev.daff.action.followup.ActionTypes.Kind;
import dev.daff.action.followup.ActionTypes.Status;
import dev.daff.action.followup.FollowUpActions;
import dev.daff.events.IncidentEvent;
import dev.daff.kit.messaging.IdempotentConsumer;
import dev.daff.kit.messaging.IdempotentConsumer.Subscription;
import dev.daff.kit.messaging.UnprocessableEvent;
import io.smallrye.common.annotation.Blocking;

/**
 * Follows incidents: a resolved incident gets a WASHUP action for its team, and a reviewed washup closes
 * it. Each event is applied once, however often Kafka delivers it.
 */
@ApplicationScoped
public class IncidentEventsConsumer {

    /** The channel (topic daff.incident-events) in application.properties. */
    public static final String CHANNEL = "incident-events";
    static final String CONSUMER = "action-service/incident-events";
    static final Subscription<IncidentEvent> SUBSCRIPTION = Subscription.of(CONSUMER, IncidentEvent.class,
            IncidentEvent.CURRENT_VERSION, IncidentEvent.TYPES);

    private final IdempotentConsumer consumer;
    private final KnownIncidents incidents;
    private final FollowUpActions actions;
    private final ActionService service;
    private final Clock clock;

    public IncidentEventsConsumer(IdempotentConsumer consumer, KnownIncidents incidents, FollowUpActions actions,
            ActionService service, Clock clock) {
        this.consumer = consumer;
        this.incidents = incidents;
        this.actions = actions;
        this.service = service;
        this.clock = clock;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void on(String payload) {
        consumer.consume(SUBSCRIPTION, payload, this::apply);
    }

    private void apply(IncidentEvent event) {
        if (event.incidentId() == null) {
            throw new UnprocessableEvent("incidentId is required");
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
                    .forEach(action -> service.move(action, Status.DONE, null, Actor.DAFF));
        }
    }

    private boolean hasWashup(UUID incidentId) {
        return actions.count("incidentId = ?1 and kind = ?2 and status <> ?3", incidentId, Kind.WASHUP, Status.WONT_DO) > 0;
    }

}
