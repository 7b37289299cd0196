package dev.daff.slo.paging.pages;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.daff.events.AlertEvent;
import dev.daff.kit.messaging.IdempotentConsumer;
import dev.daff.kit.messaging.IdempotentConsumer.Subscription;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Blocking;

/** SLO alerts (topic daff.slo-alerts) on their way to pages. */
@ApplicationScoped
public class PageAlertsConsumer {

    /** The channel (topic daff.slo-alerts) in application.properties. */
    public static final String CHANNEL = "paging-alerts";
    static final Subscription<AlertEvent> SUBSCRIPTION = Subscription.of("slo-service/paging-alerts", AlertEvent.class,
            AlertEvent.CURRENT_VERSION, Set.of(AlertEvent.FIRED, AlertEvent.RESOLVED));

    private final IdempotentConsumer consumer;
    private final Pager pager;

    public PageAlertsConsumer(IdempotentConsumer consumer, Pager pager) {
        this.consumer = consumer;
        this.pager = pager;
    }

    /** Its counters from the service's start ({@link IdempotentConsumer#expose}). */
    void exposeCounters(@Observes StartupEvent start) {
        consumer.expose(SUBSCRIPTION);
    }

    @Incoming(CHANNEL)
    @Blocking
    public void onAlert(String payload) {
        consumer.consume(SUBSCRIPTION, payload, alert -> pager.apply(alert, payload));
    }
}
