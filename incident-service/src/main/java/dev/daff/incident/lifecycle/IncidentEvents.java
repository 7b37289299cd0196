package dev.daff.incident.lifecycle;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.daff.events.IncidentEvent;
import dev.daff.events.Topics;
import dev.daff.kit.outbox.Outbox;

/** Puts incident events on the outbox, in the transaction of the change they describe. */
@ApplicationScoped
public class IncidentEvents {

    private final Outbox outbox;
    private final Incidents incidents;
    private final Clock clock;

    public IncidentEvents(Outbox outbox, Incidents incidents, Clock clock) {
        this.outbox = outbox;
        this.incidents = incidents;
        this.clock = clock;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void publish(String type, Incident incident) {
        // Read while this transaction holds the incident's outbox key, so a later event of the incident always has a
        // larger one: consumers tell a replayed older event by it.
        outbox.serialise(Topics.INCIDENT_EVENTS, incident.id.toString());
        long sequence = ((Number) incidents.getEntityManager()
                .createNativeQuery("select nextval('incident_event_sequence')").getSingleResult()).longValue();
        IncidentEvent event = new IncidentEvent(UUID.randomUUID().toString(), type, IncidentEvent.CURRENT_VERSION,
                incident.id.toString(), clock.instant(), incident.title, incident.severity.name(),
                List.copyOf(incident.services), incident.team, incident.status.name(), incident.impactStartedAt,
                incident.detectedAt, incident.acknowledgedAt, incident.identifiedAt, incident.resolvedAt,
                incident.finalisedAt, incident.detectionSource.name(), sequence);
        outbox.publish(Topics.INCIDENT_EVENTS, incident.id.toString(), event);
    }
}
