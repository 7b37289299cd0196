package dev.daff.slo.paging.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.UserTransaction;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Which claimed notifications the dispatcher drops, by the state of their page and what else of the page went where.
 * Each case is written and judged in one transaction that is rolled back: the running dispatcher never sees its rows.
 */
@QuarkusTest
class StaleNotificationsTest {

    /** When the page's current round of paging began (it fired, was re-opened or moved to another team). */
    static final Instant ROUTED = Instant.parse("2026-12-01T10:00:00Z");

    @Inject
    StaleNotifications stale;

    @Inject
    EntityManager entityManager;

    @Inject
    UserTransaction transaction;

    @ParameterizedTest(name = "{0} of {1} round, claimed before {2}; page {3}; another trigger {4}, claimed {5},"
            + " answered {6}, {7} channel, {8} round: stale {9}")
    @CsvSource({
            // triggers
            "trigger,     this,    false, TRIGGERED,    none,      false, none,    same,  this,    false",
            "trigger,     this,    true,  TRIGGERED,    none,      false, none,    same,  this,    false", // a retry goes while it fires
            "trigger,     this,    false, ACKNOWLEDGED, none,      false, none,    same,  this,    true", // somebody has it
            "trigger,     earlier, false, TRIGGERED,    none,      false, none,    same,  this,    true", // re-opened or moved since
            "trigger,     this,    false, RESOLVED,     none,      false, none,    same,  this,    false", // fired and cleared before anybody heard
            "trigger,     this,    false, RESOLVED,     CANCELLED, false, none,    same,  this,    false",
            "trigger,     this,    true,  RESOLVED,     none,      false, none,    same,  this,    true", // its retry, or sent unrecorded
            "trigger,     this,    false, RESOLVED,     DELIVERED, true,  200,     other, this,    true", // somebody heard of it
            "trigger,     this,    false, RESOLVED,     DELIVERED, true,  200,     other, earlier, false", // an earlier round only
            "trigger,     this,    false, RESOLVED,     CANCELLED, true,  429,     same,  this,    true", // an earlier level's retry there
            "trigger,     this,    false, RESOLVED,     FAILED,    true,  401,     same,  this,    false", // refused for good: unheard
            "trigger,     this,    false, RESOLVED,     FAILED,    true,  timeout, other, this,    false",
            // follow-ups: wherever a trigger may have gone, and nowhere else
            "resolve,     this,    false, RESOLVED,     DELIVERED, true,  200,     same,  earlier, false",
            "resolve,     this,    false, RESOLVED,     CANCELLED, true,  none,    same,  this,    false", // handed over, nothing recorded
            "resolve,     this,    false, RESOLVED,     FAILED,    true,  timeout, same,  this,    false", // no answer: it may have arrived
            "resolve,     this,    false, RESOLVED,     FAILED,    true,  401,     same,  this,    true", // refused
            "resolve,     this,    false, RESOLVED,     CANCELLED, true,  429,     same,  this,    true", // rate-limited, then dropped
            "resolve,     this,    false, RESOLVED,     CANCELLED, true,  503,     same,  this,    false", // a gateway's 5xx: maybe taken
            "resolve,     this,    false, RESOLVED,     CANCELLED, false, none,    same,  this,    true", // its trigger never went
            "resolve,     this,    false, RESOLVED,     DELIVERED, true,  200,     other, this,    true", // went to another channel only
            "acknowledge, this,    false, ACKNOWLEDGED, DELIVERED, true,  200,     same,  this,    false",
    })
    void aClaimedNotificationIsStaleOnlyWhenNobodyNeedsItAnyMore(String action, String round, boolean claimedBefore,
            String pageState, String otherTrigger, boolean otherClaimed, String otherAnswer, String otherChannel,
            String otherRound, boolean expectedStale) throws Exception {
        transaction.begin();
        try {
            UUID page = page(pageState);
            if (!otherTrigger.equals("none")) {
                PageNotification other = notification(page, "trigger", otherRound, otherTrigger, otherClaimed,
                        otherChannel.equals("same") ? "bob-webhook" : "bob-slack");
                if (!otherAnswer.equals("none")) {
                    answered(other, otherAnswer.equals("timeout") ? null : Integer.valueOf(otherAnswer));
                }
            }
            PageNotification subject = notification(page, action, round, PageNotification.PENDING, claimedBefore,
                    "bob-webhook");
            assertEquals(expectedStale, stale.among(List.of(subject)).contains(subject.id));
        } finally {
            transaction.rollback();
        }
    }

    /** One recorded attempt: an HTTP status, or none (a timeout). */
    private void answered(PageNotification notification, Integer status) {
        notification.attempts = 1;
        DeliveryAttempt attempt = new DeliveryAttempt();
        attempt.notificationId = notification.id;
        attempt.attempt = 1;
        attempt.at = notification.createdAt.plusSeconds(1);
        attempt.statusCode = status;
        attempt.error = status == null ? "timeout" : "HTTP " + status;
        attempt.durationMs = 10;
        entityManager.persist(attempt);
        entityManager.flush();
    }

    private UUID page(String state) {
        UUID id = UUID.randomUUID();
        entityManager.createNativeQuery("""
                insert into page (id, dedup_key, alert_id, slo_name, service, team, kind, summary, alert, state,
                                  escalation_level, escalation_round, created_at, routed_at)
                values (?1, ?2, 'a', 'dns', 'dns', 'sre-stale', 'BURN_RATE', 'burn', '{}', ?3, 0, 0, ?4, ?5)""")
                .setParameter(1, id).setParameter(2, "stale:" + id).setParameter(3, state)
                .setParameter(4, OffsetDateTime.ofInstant(ROUTED.minus(Duration.ofHours(1)), ZoneOffset.UTC))
                .setParameter(5, OffsetDateTime.ofInstant(ROUTED, ZoneOffset.UTC)).executeUpdate();
        return id;
    }

    private PageNotification notification(UUID page, String action, String round, String status, boolean claimed,
            String channel) {
        PageNotification notification = new PageNotification();
        notification.pageId = page;
        notification.action = action;
        notification.recipient = "bob";
        notification.channelRef = "team:sre-stale/" + channel;
        notification.channelType = "webhook";
        notification.endpoint = "http://127.0.0.1:9/" + channel;
        notification.body = "{}";
        notification.status = status;
        notification.createdAt = round.equals("this") ? ROUTED.plusSeconds(60) : ROUTED.minusSeconds(1_800);
        notification.nextAttemptAt = notification.createdAt;
        if (claimed) {
            notification.claim(notification.createdAt.plusSeconds(1), Duration.ofSeconds(35));
        }
        entityManager.persist(notification);
        entityManager.flush();
        return notification;
    }
}
