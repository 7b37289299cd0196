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
import dev.daff.kit.inbox.ProcessedEvents.Delivery;
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

    /**
     * An id delivered again is a redelivery only with what it first stood for: another content is another event, told
     * apart only between digests taken the same way (a consumer that names more of an event than it did takes a true
     * redelivery for one), and never for ids first seen without one.
     */
    @Test
    void anIdDeliveredAgainWithOtherContentIsNoRedeliveryWhenBothWereTakenTheSameWay() {
        String consumer = "content-test-" + UUID.randomUUID();
        assertEquals(Delivery.FIRST, deliver(consumer, "run-1", "v1:aaaa"));
        assertEquals(Delivery.AGAIN, deliver(consumer, "run-1", "v1:aaaa"));
        assertEquals(Delivery.OTHER_CONTENT, deliver(consumer, "run-1", "v1:bbbb"));
        assertEquals(Delivery.AGAIN, deliver(consumer, "run-1", "v2:cccc"), "named another way: cannot tell");
        assertEquals(Delivery.AGAIN, deliver(consumer, "run-1", null));
        assertEquals(Delivery.FIRST, deliver(consumer, "run-2", null));
        assertEquals(Delivery.AGAIN, deliver(consumer, "run-2", "v1:dddd"), "first seen without content: cannot tell");
    }

    private Delivery deliver(String consumer, String eventId, String digest) {
        return QuarkusTransaction.requiringNew().call(() -> processed.deliver(consumer, eventId, digest));
    }

    private boolean firstDelivery(String consumer, String eventId) {
        return QuarkusTransaction.requiringNew().call(() -> processed.firstDelivery(consumer, eventId));
    }
}
