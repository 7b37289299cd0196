package dev.daff.slo.paging.report;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.daff.events.IncidentEvent;
import dev.daff.kit.messaging.IdempotentConsumer;
import dev.daff.kit.messaging.IdempotentConsumer.Subscription;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Blocking;

/** Incidents opened anywhere, so the paging report can tell which pages became incidents. */
@ApplicationScoped
public class IncidentsSeenConsumer {

    /** The channel (topic daff.incident-events) in application.properties. */
    public static final String CHANNEL = "paging-incidents";
    static final Subscription<IncidentEvent> SUBSCRIPTION = Subscription.of("slo-service/paging-incidents",
            IncidentEvent.class, IncidentEvent.CURRENT_VERSION, IncidentEvent.TYPES);

    private final IdempotentConsumer consumer;
    private final SeenIncidents seen;

    public IncidentsSeenConsumer(IdempotentConsumer consumer, SeenIncidents seen) {
        this.consumer = consumer;
        this.seen = seen;
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

    private void apply(IncidentEvent event) {
        if (!IncidentEvent.OPENED.equals(event.type()) || event.incidentId() == null || event.detectedAt() == null) {
            return;
        }
        seen.record(java.util.UUID.fromString(event.incidentId()), event.detectionSource(), event.detectedAt(),
                event.services() == null ? List.of() : event.services());
    }
}
