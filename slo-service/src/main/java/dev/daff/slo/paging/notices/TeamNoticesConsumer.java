package dev.daff.slo.paging.notices;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.daff.events.TeamNotice;
import dev.daff.kit.messaging.IdempotentConsumer;
import dev.daff.kit.messaging.IdempotentConsumer.Subscription;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Blocking;

/**
 * Team notices (topic daff.team-notices: follow-up reminders, weekly reports) on their way to the team's channels.
 * Each event is queued once, however often Kafka delivers it: the processed-event log is written in the same
 * transaction as the queued notifications.
 */
@ApplicationScoped
public class TeamNoticesConsumer {

    /** The channel (topic daff.team-notices) in application.properties. */
    public static final String CHANNEL = "team-notices";
    static final Subscription<TeamNotice> SUBSCRIPTION = Subscription.of("slo-service/team-notices", TeamNotice.class,
            TeamNotice.CURRENT_VERSION, TeamNotice.TYPES);

    private final IdempotentConsumer consumer;
    private final TeamNoticeDelivery delivery;

    public TeamNoticesConsumer(IdempotentConsumer consumer, TeamNoticeDelivery delivery) {
        this.consumer = consumer;
        this.delivery = delivery;
    }

    /** Its counters from the service's start ({@link IdempotentConsumer#expose}). */
    void exposeCounters(@Observes StartupEvent start) {
        consumer.expose(SUBSCRIPTION);
    }

    @Incoming(CHANNEL)
    @Blocking
    public void on(String payload) {
        consumer.consume(SUBSCRIPTION, payload, delivery::queue);
    }
}
