package dev.daff.slo.paging;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.daff.events.IncidentEvent;
import dev.daff.kit.messaging.IdempotentConsumer;
import dev.daff.kit.messaging.IdempotentConsumer.Subscription;
import io.smallrye.common.annotation.Blocking;

/** Incidents opened anywhere, so the paging report can tell which pages became incidents. */
@ApplicationScoped
public class IncidentsSeenConsumer {

    /** The channel (topic daff.incident-events) in application.properties. */
    public static final String CHANNEL = "paging-incidents";
    static final Subscription<IncidentEvent> SUBSCRIPTION = Subscription.of("slo-service/paging-incidents",
            IncidentEvent.class, IncidentEvent.CURRENT_VERSION, IncidentEvent.TYPES);

    private final IdempotentConsumer consumer;
    private final EntityManager entityManager;

    public IncidentsSeenConsumer(IdempotentConsumer consumer, EntityManager entityManager) {
        this.consumer = consumer;
        this.entityManager = entityManager;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void on(String payload) {
        consumer.consume(SUBSCRIPTION, payload, this::apply);
    }

    private void apply(IncidentEvent event) {
        if (!IncidentEvent.OPENED.equals(event.type()) || event.incidentId() == null || event.detectedAt() == null) {
            return;
        }
        List<String> services = event.services() == null ? List.of() : event.services();
        entityManager.createNativeQuery("""
                insert into incident_seen (incident_id, detection_source, detected_at, services) values (?1, ?2, ?3, ?4)
                on conflict do nothing""")
                .setParameter(1, java.util.UUID.fromString(event.incidentId()))
                .setParameter(2, event.detectionSource())
                .setParameter(3, event.detectedAt())
                .setParameter(4, String.join(",", services))
                .executeUpdate();
    }
}
