package dev.daff.slo.paging.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.daff.localinfra.LockWaits;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class DeliveryLogTest {

    @Inject
    DeliveryLog log;

    @Inject
    PageNotifications notifications;

    @Inject
    AgroalDataSource database;

    /**
     * A replica whose attempt outlived its lease records it after another replica delivered the notification: the
     * attempt goes on record, and the notification stays delivered (it was marked failed, or retried, once its
     * attempts ran out).
     */
    @Test
    void anAttemptThatOutlivedItsLeaseLeavesADeliveredNotificationDelivered() {
        // 11 attempts: the next is the last the shipped 12 allow.
        Long id = stored("late-attempt", PageNotification.DELIVERED, 11, Instant.now());
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
        Long id = stored("late-failure", PageNotification.PENDING, 0, liveLease); // claimed again by another replica since
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

    /**
     * The same, with the other replica's claim still in its transaction when the late outcome comes: the outcome waits
     * for the claim and then sees its lease. Read unlocked, it saw its own lease still there and wrote its retry over
     * the claim's once that committed.
     */
    @Test
    void aLateFailureRecordedWhileAnotherReplicaClaimsWaitsAndLeavesThatLeaseAsItIs() throws Exception {
        Instant staleLease = Instant.parse("2026-12-04T10:00:35Z");
        Instant liveLease = Instant.parse("2026-12-04T10:01:20Z");
        Long id = stored("late-failure-racing", PageNotification.PENDING, 0, staleLease);
        ExecutorService lateReplica = Executors.newSingleThreadExecutor();
        try (Connection claiming = database.getConnection()) {
            claiming.setAutoCommit(false);
            try (PreparedStatement claim = claiming.prepareStatement(
                    "update page_notification set next_attempt_at = ? where id = ?")) {
                claim.setObject(1, java.time.OffsetDateTime.ofInstant(liveLease, java.time.ZoneOffset.UTC));
                claim.setLong(2, id);
                assertEquals(1, claim.executeUpdate());
            }
            Future<?> late = lateReplica.submit(() -> QuarkusTransaction.requiringNew().run(() -> log.record(id, staleLease,
                    new ChannelSender.Attempt(staleLease.minusSeconds(35), null, "timeout", true, 5_000))));
            await().atMost(Duration.ofSeconds(20)).until(() -> late.isDone() || LockWaits.onRows(database) > 0);
            claiming.commit();
            late.get(20, TimeUnit.SECONDS);
        } finally {
            lateReplica.shutdownNow();
        }
        PageNotification after = QuarkusTransaction.requiringNew().call(() -> notifications.findById(id));
        assertEquals(liveLease, after.nextAttemptAt, "the claim's lease is left alone");
        assertEquals(1, after.attempts, "the late attempt is on record");
    }

    /**
     * A replica stopping with notifications it claimed and did not start gives them back: due again (here a day ahead,
     * so that this service's own dispatcher leaves them alone) and, when that claim was their first, not marked as maybe
     * sent — left leased, they waited 35 s for another replica, and a clearing meanwhile cancelled the trigger as maybe
     * sent. A lease another replica took over, and one still being sent here, are left as they are.
     */
    @Test
    void aStoppingReplicaGivesBackWhatItClaimedAndDidNotStart() {
        Instant lease = Instant.now().plus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        Instant dueAgain = Instant.now().plus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        Long firstClaim = stored("give-back-first", PageNotification.PENDING, 0, lease);
        Long claimedBefore = stored("give-back-again", PageNotification.PENDING, 0, lease);
        Long takenOver = stored("give-back-taken-over", PageNotification.PENDING, 0, lease.plusSeconds(5));
        Long sending = stored("give-back-sending", PageNotification.PENDING, 0, lease);
        Instant earlierClaim = lease.minus(Duration.ofHours(2));
        java.util.List<PageNotification> unstarted = QuarkusTransaction.requiringNew().call(() -> {
            java.util.List<PageNotification> claimed = new java.util.ArrayList<>();
            for (Long id : java.util.List.of(firstClaim, claimedBefore, takenOver, sending)) {
                PageNotification notification = notifications.findById(id);
                notification.firstClaimedAt = id.equals(claimedBefore) ? earlierClaim : null;
                notification.claim(lease.minus(Duration.ofSeconds(35)), Duration.ofSeconds(35));
                claimed.add(notification);
            }
            return claimed;
        });
        QuarkusTransaction.requiringNew().run(() -> notifications.update("nextAttemptAt = ?1 where id = ?2",
                lease.plusSeconds(5), takenOver));

        notifications.giveBack(unstarted, java.util.Set.of(sending), dueAgain);

        PageNotification first = QuarkusTransaction.requiringNew().call(() -> notifications.findById(firstClaim));
        assertEquals(dueAgain, first.nextAttemptAt);
        assertEquals(null, first.firstClaimedAt, "this claim sent nothing");
        PageNotification again = QuarkusTransaction.requiringNew().call(() -> notifications.findById(claimedBefore));
        assertEquals(dueAgain, again.nextAttemptAt);
        assertEquals(earlierClaim, again.firstClaimedAt, "an earlier claim may have sent it");
        assertEquals(lease.plusSeconds(5), QuarkusTransaction.requiringNew().call(() -> notifications.findById(takenOver))
                .nextAttemptAt, "another replica's lease stands");
        PageNotification stillSending = QuarkusTransaction.requiringNew().call(() -> notifications.findById(sending));
        assertEquals(lease, stillSending.nextAttemptAt);
        assertNotEquals(null, stillSending.firstClaimedAt);
    }

    /** A team notice's notification as stored, to a webhook nobody listens on. */
    private Long stored(String name, String status, int attempts, Instant nextAttemptAt) {
        return QuarkusTransaction.requiringNew().call(() -> {
            PageNotification notification = new PageNotification();
            notification.action = "notice";
            notification.channelRef = "team:" + name + "/0";
            notification.channelType = "webhook";
            notification.endpoint = "http://127.0.0.1:9/" + name;
            notification.body = "{}";
            notification.status = status;
            notification.attempts = attempts;
            notification.createdAt = Instant.now();
            notification.deliveredAt = PageNotification.DELIVERED.equals(status) ? Instant.now() : null;
            notification.nextAttemptAt = nextAttemptAt;
            notifications.persist(notification);
            return notification.id;
        });
    }
}
