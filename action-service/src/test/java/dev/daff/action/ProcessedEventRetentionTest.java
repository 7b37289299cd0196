package dev.daff.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.daff.kit.inbox.ProcessedEventRetention;
import dev.daff.kit.inbox.ProcessedEvents;
import dev.daff.localinfra.RealInfrastructureResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The processed-event log forgets an event id only once it has not been delivered for
 * {@code daff.events.processed-retention} (30 days): an id delivered again meanwhile — a redelivery, a replay, a
 * notification Alertmanager repeats — is remembered from its last delivery, so it stays applied once.
 */
@QuarkusTest
@QuarkusTestResource(value = RealInfrastructureResource.class, restrictToAnnotatedClass = false,
        initArgs = @ResourceArg(name = "database", value = "action"))
class ProcessedEventRetentionTest {

    @Inject
    ProcessedEvents processed;

    @Inject
    ProcessedEventRetention retention;

    @Inject
    SimulatedClockBean clock;

    @Test
    void anIdIsForgottenThirtyDaysAfterItsLastDeliveryNotItsFirst() {
        String consumer = "retention-test-" + UUID.randomUUID();
        assertTrue(firstDelivery(consumer, "quiet"));
        assertTrue(firstDelivery(consumer, "redelivered"));

        clock.advance(Duration.ofDays(20));
        assertFalse(firstDelivery(consumer, "redelivered"), "a redelivery is not applied again");
        clock.advance(Duration.ofDays(11));
        assertTrue(retention.forgetExpired() >= 1);

        assertFalse(firstDelivery(consumer, "redelivered"), "delivered 11 days ago: still remembered");
        assertTrue(firstDelivery(consumer, "quiet"), "last delivered 31 days ago: forgotten");
        assertFalse(firstDelivery(consumer, "quiet"), "and remembered again from now");
        assertEquals(0, retention.forgetExpired(), "nothing of the last 30 days goes");
        assertFalse(firstDelivery(consumer, "redelivered"));
    }

    private boolean firstDelivery(String consumer, String eventId) {
        return QuarkusTransaction.requiringNew().call(() -> processed.firstDelivery(consumer, eventId));
    }
}
