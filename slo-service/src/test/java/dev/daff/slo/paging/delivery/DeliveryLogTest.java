package dev.daff.slo.paging.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class DeliveryLogTest {

    @Inject
    DeliveryLog log;

    @Inject
    PageNotifications notifications;

    /**
     * A replica whose attempt outlived its lease records it after another replica delivered the notification: the
     * attempt goes on record, and the notification stays delivered (it was marked failed, or retried, once its
     * attempts ran out).
     */
    @Test
    void anAttemptThatOutlivedItsLeaseLeavesADeliveredNotificationDelivered() {
        Long id = QuarkusTransaction.requiringNew().call(() -> {
            PageNotification delivered = new PageNotification();
            delivered.action = "notice";
            delivered.channelRef = "team:late-attempt/0";
            delivered.channelType = "webhook";
            delivered.endpoint = "http://127.0.0.1:9/late-attempt";
            delivered.body = "{}";
            delivered.status = PageNotification.DELIVERED;
            delivered.attempts = 11; // the next is the last the shipped 12 allow
            delivered.createdAt = Instant.now();
            delivered.deliveredAt = Instant.now();
            delivered.nextAttemptAt = Instant.now();
            notifications.persist(delivered);
            return delivered.id;
        });
        QuarkusTransaction.requiringNew().run(() -> log.record(id,
                new ChannelSender.Attempt(Instant.now(), null, "timeout", true, 5_000)));
        PageNotification after = QuarkusTransaction.requiringNew().call(() -> notifications.findById(id));
        assertEquals(PageNotification.DELIVERED, after.status);
        assertEquals(12, after.attempts, "the late attempt is on record");
    }
}
