package dev.daff.slo.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.hibernate.exception.JDBCConnectionException;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.events.SliEvent;
import dev.daff.kit.messaging.IdempotentConsumer;
import dev.daff.kit.messaging.IdempotentConsumer.Subscription;
import dev.daff.kit.messaging.UnprocessableEvent;
import dev.daff.localinfra.SimulatedClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

/** What an event's retries are spent on, in the service as it runs (its transactions and processed-event log). */
@QuarkusTest
class EventRetriesTest {

    @Inject
    IdempotentConsumer consumer;

    @Inject
    ObjectMapper json;

    @Inject
    SimulatedClock clock;

    @Inject
    MeterRegistry registry;

    @Test
    void aDatabaseRestartDoesNotUseUpTheFewTriesAnUnrecognisedFailureGets() throws Exception {
        // PostgreSQL restarting fails the first four tries (57P01, retried while the partition waits); the fifth
        // fails once for a reason nobody recognises. The event must be applied on the sixth, not dead-lettered: an
        // AlertFired dead-lettered there is a page nobody gets.
        String payload = anEvent();
        Subscription<SliEvent> subscription = subscription("test/retries");
        AtomicInteger tries = new AtomicInteger();
        consumer.consume(subscription, payload, event -> {
            int attempt = tries.incrementAndGet();
            if (attempt <= 4) {
                throw new JDBCConnectionException("the database restarts",
                        new SQLException("terminating connection due to administrator command", "57P01"));
            }
            if (attempt == 5) {
                throw new IllegalStateException("a failure nobody recognises, once");
            }
        });
        assertEquals(6, tries.get(), "applied on the sixth try");
        assertEquals(0, registry.counter("daff.events.dead-lettered", "consumer", "test/retries").count());
    }

    @Test
    void aFailureNobodyRecognisesIsDeadLetteredAfterFiveTries() throws Exception {
        // One bad event cannot hold its partition for good: a bug that fails every time is given up on.
        String payload = anEvent();
        Subscription<SliEvent> subscription = subscription("test/unknown");
        AtomicInteger tries = new AtomicInteger();
        UnprocessableEvent deadLettered = assertThrows(UnprocessableEvent.class, () -> consumer.consume(subscription,
                payload, event -> {
                    tries.incrementAndGet();
                    throw new IllegalStateException("a bug");
                }));
        assertEquals(5, tries.get());
        assertTrue(deadLettered.getMessage().contains("a bug"), deadLettered.getMessage());
        assertEquals(1, registry.counter("daff.events.dead-lettered", "consumer", "test/unknown").count());
    }

    private String anEvent() throws Exception {
        Instant now = clock.instant();
        return json.writeValueAsString(SliEvent.observed(UUID.randomUUID().toString(), now, "retries", now, 1, 1));
    }

    private static Subscription<SliEvent> subscription(String consumer) {
        return Subscription.of(consumer, SliEvent.class, SliEvent.CURRENT_VERSION, Set.of(SliEvent.OBSERVED));
    }
}
