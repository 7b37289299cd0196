package dev.daff.kit.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.events.SliEvent;
import dev.daff.kit.messaging.IdempotentConsumer.Subscription;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Without a running container — as in the last moments of a shutdown, when an event in flight fails with an NPE
 * from inside Arc — an event is never given up on and dead-lettered, nor tried again (each try would only log the
 * container's absence): it stays unacknowledged for the consumer that takes the partition over.
 */
class IdempotentConsumerStoppingTest {

    @Test
    void anEventFailingWhileTheServiceStopsIsNeverDeadLettered() throws Exception {
        ObjectMapper json = new ObjectMapper().findAndRegisterModules();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Instant now = Instant.parse("2026-12-02T07:00:00Z");
        IdempotentConsumer consumer = new IdempotentConsumer(json, null, Clock.fixed(now, ZoneOffset.UTC), registry,
                Duration.ofMinutes(5));
        String payload = json.writeValueAsString(SliEvent.observed("event-1", now, "checkout", now, 1, 1));
        Subscription<SliEvent> subscription = Subscription.of("test/stopping", SliEvent.class, SliEvent.CURRENT_VERSION,
                Set.of(SliEvent.OBSERVED));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread applying = new Thread(() -> {
            try {
                consumer.consume(subscription, payload, event -> {
                    throw new IllegalStateException("never applied");
                });
            } catch (Throwable e) {
                thrown.set(e);
            }
        }, "stopping-consumer");
        applying.setDaemon(true); // it waits for the process to end, as in a stopping service
        applying.start();

        await().atMost(Duration.ofSeconds(30)).until(() -> leftToNextConsumer(registry) == 1);
        // Past the backoffs in which a running service tries an event 5 times (0.1 + 0.2 + 0.4 + 0.8 s): every try
        // that failed while stopping would be counted again.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> applying.isAlive()
                && thrown.get() == null && leftToNextConsumer(registry) == 1);
        assertNull(thrown.get());
        assertEquals(0, registry.counter("daff.events.dead-lettered", "consumer", "test/stopping").count());
        assertEquals(0, registry.counter("daff.events.retries", "consumer", "test/stopping").count());
    }

    private static double leftToNextConsumer(SimpleMeterRegistry registry) {
        return registry.counter("daff.events.left-to-next-consumer", "consumer", "test/stopping").count();
    }
}
