package dev.daff.slo.paging.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

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
        QuarkusTransaction.requiringNew().run(() -> log.record(id, Instant.now().minusSeconds(60),
                new ChannelSender.Attempt(Instant.now(), null, "timeout", true, 5_000)));
        PageNotification after = QuarkusTransaction.requiringNew().call(() -> notifications.findById(id));
        assertEquals(PageNotification.DELIVERED, after.status);
        assertEquals(12, after.attempts, "the late attempt is on record");
    }

    /**
     * A replica whose attempt outlived its lease records a failure after another replica has claimed the notification
     * again: the attempt goes on record, but the other replica's lease stands — moved forward to a retry a second
     * away, it let a third replica send the notification while the second was still sending it.
     */
    @Test
    void aLateFailureLeavesAnotherReplicasLeaseAsItIs() {
        Instant staleLease = Instant.parse("2026-12-04T10:00:35Z");
        Instant liveLease = Instant.parse("2026-12-04T10:01:20Z");
        Long id = QuarkusTransaction.requiringNew().call(() -> {
            PageNotification pending = new PageNotification();
            pending.action = "notice";
            pending.channelRef = "team:late-failure/0";
            pending.channelType = "webhook";
            pending.endpoint = "http://127.0.0.1:9/late-failure";
            pending.body = "{}";
            pending.status = PageNotification.PENDING;
            pending.attempts = 0;
            pending.createdAt = staleLease.minusSeconds(35);
            pending.nextAttemptAt = liveLease; // claimed again by another replica since
            notifications.persist(pending);
            return pending.id;
        });
        QuarkusTransaction.requiringNew().run(() -> log.record(id, staleLease,
                new ChannelSender.Attempt(staleLease.minusSeconds(35), null, "timeout", true, 5_000)));
        PageNotification after = QuarkusTransaction.requiringNew().call(() -> notifications.findById(id));
        assertEquals(PageNotification.PENDING, after.status);
        assertEquals(liveLease, after.nextAttemptAt, "the live lease is left alone");
        assertEquals(1, after.attempts, "the late attempt is on record");

        // Its own claim's outcome is recorded as ever: a retry after the backoff.
        QuarkusTransaction.requiringNew().run(() -> log.record(id, liveLease,
                new ChannelSender.Attempt(liveLease.minusSeconds(35), 503, "HTTP 503", true, 40)));
        after = QuarkusTransaction.requiringNew().call(() -> notifications.findById(id));
        assertEquals(2, after.attempts);
        assertNotEquals(liveLease, after.nextAttemptAt, "the claim that holds the lease schedules the retry");
    }
}
