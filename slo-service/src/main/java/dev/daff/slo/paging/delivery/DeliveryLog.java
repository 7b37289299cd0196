package dev.daff.slo.paging.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import dev.daff.kit.problem.TransientFailures;
import dev.daff.slo.paging.PagingConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;

/**
 * The delivery log: every attempt is recorded, and 429, 5xx and timeouts are retried with exponential backoff (capped
 * at {@code retryBackoffMax}) and jitter up to {@code maxAttempts}; other 4xx are not (retrying cannot fix them).
 */
@ApplicationScoped
public class DeliveryLog {

    private static final Logger LOG = Logger.getLogger(DeliveryLog.class);
    /** Buckets around the paging goal (at the on-call's phone within seconds), not a percentile histogram's 70. */
    private static final Duration[] LATENCY_BUCKETS = { Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5) };

    private final PageNotifications notifications;
    private final DeliveryAttempts attempts;
    private final PagingConfig config;
    private final Clock clock;
    private final MeterRegistry registry;

    public DeliveryLog(PageNotifications notifications, DeliveryAttempts attempts, PagingConfig config, Clock clock,
            MeterRegistry registry) {
        this.notifications = notifications;
        this.attempts = attempts;
        this.config = config;
        this.clock = clock;
        this.registry = registry;
    }

    /**
     * Every channel's outcome counts from the start, at 0: a count that first appears at 1 is no {@code increase()} to
     * Prometheus, and daff's alert on a page given up for good (DaffPageDeliveryFailed) missed the first one on a
     * channel since the replica started.
     */
    void exposeCounters(@Observes StartupEvent start) {
        for (String channel : List.of("pagerduty", "slack", "webhook")) {
            for (String outcome : List.of("delivered", "retry", "failed", "superseded")) {
                registry.counter("daff.page.deliveries", "channel", channel, "outcome", outcome);
            }
        }
    }

    /**
     * {@link #record} in a transaction of its own, tried again while the database is briefly away (a failover, a
     * restart, a conflict): left unrecorded, a delivered notification would be sent again once its lease ran out — a
     * second page for one the on-call already has. Tries for as long as the lease still holds (about 30 s after an
     * attempt), not a fixed dozen seconds: a failover longer than that sent pages twice.
     */
    void recordOutcome(Long id, Instant leasedUntil, ChannelSender.Attempt made) {
        UUID[] refusedPage = new UUID[1];
        TransientFailures.retried(() -> refusedPage[0] = QuarkusTransaction.requiringNew().call(() -> record(id, leasedUntil,
                made)), triesWithin(Duration.between(clock.instant(), leasedUntil)), RECORD_MAX_PAUSE, e -> LOG.debugf(
                        "page notification %d: recording its attempt failed (%s); trying again", id, e.toString()));
        if (refusedPage[0] != null) {
            escalateWhenNobodyHears(refusedPage[0]);
        }
    }

    /**
     * {@link PageNotifications#escalateWhenNobodyHears} once the refusal is committed: of two triggers refused at the
     * same moment, in one transaction each, neither saw the other's, and the page waited out its ackTimeout. Checked
     * after each commit, the later sees both. If this fails, the page waits out its ackTimeout as it did before.
     */
    private void escalateWhenNobodyHears(UUID pageId) {
        try {
            QuarkusTransaction.requiringNew().run(() -> notifications.escalateWhenNobodyHears(pageId, clock.instant()));
        } catch (RuntimeException e) {
            LOG.warnf("page %s: not escalated at once after its trigger was refused (%s); it waits out its ackTimeout",
                    pageId, e.toString());
        }
    }

    /** The longest pause between two tries of {@link #recordOutcome}; they begin at 0.25 s and double. */
    private static final Duration RECORD_MAX_PAUSE = Duration.ofSeconds(4);
    /** The fewest tries, whatever the lease has left (its clock may have jumped): pauses of 0.25 s up to 4 s. */
    private static final int RECORD_TRIES_AT_LEAST = 7;

    /** How many tries {@link #recordOutcome}'s pauses fit into {@code time}; at least {@link #RECORD_TRIES_AT_LEAST}. */
    static int triesWithin(Duration time) {
        return TransientFailures.triesWithin(time, RECORD_MAX_PAUSE, RECORD_TRIES_AT_LEAST);
    }

    /**
     * Records the attempt made under the claim that leased the notification until {@code leasedUntil}, and what
     * follows: delivered, another attempt after a backoff, or failed for good. Answers the page of a trigger that
     * failed for good here, null otherwise.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    UUID record(Long id, Instant leasedUntil, ChannelSender.Attempt made) {
        Instant at = made.at();
        Integer status = made.status();
        String error = made.error();
        boolean retryable = made.retryable();
        long durationMs = made.durationMs();
        // Locked: the lease check below and the write after it must see no claim by another replica in between.
        PageNotification notification = notifications.findById(id, LockModeType.PESSIMISTIC_WRITE);
        notification.attempts++;
        DeliveryAttempt attempt = new DeliveryAttempt();
        attempt.notificationId = id;
        attempt.attempt = notification.attempts;
        attempt.at = at;
        attempt.statusCode = status;
        attempt.error = error;
        attempt.durationMs = durationMs;
        attempts.persist(attempt);
        String outcome;
        boolean delivered = status != null && status >= 200 && status < 300;
        if (PageNotification.DELIVERED.equals(notification.status)
                || !delivered && PageNotification.PENDING.equals(notification.status) && !leaseHeld(notification, leasedUntil)) {
            // An attempt that outlived its lease, while another replica delivered the notification or claimed it again:
            // on record, and nothing more — its retry schedule is the other claim's to write.
            outcome = "superseded";
        } else if (delivered) {
            notification.status = PageNotification.DELIVERED;
            notification.deliveredAt = clock.instant();
            outcome = "delivered";
            if (notification.pageId != null) { // a team notice (no page) is not held to the paging goal
                Timer.builder("daff.page.delivery.latency")
                        .description("From the page's notification being queued to its channel accepting it, retries included")
                        .tags("channel", notification.channelType, "action", notification.action)
                        .serviceLevelObjectives(LATENCY_BUCKETS)
                        .register(registry)
                        .record(Duration.between(notification.createdAt, notification.deliveredAt));
            }
        } else if (retryable && notification.attempts < config.maxAttempts()) {
            notification.nextAttemptAt = clock.instant().plus(nextWait(backoff(notification.attempts),
                    made.retryAfter(), config.retryBackoffMax()));
            outcome = "retry";
        } else {
            notification.status = PageNotification.FAILED;
            outcome = "failed";
            LOG.warnf("page notification %d to a %s channel failed for good after %d attempts (last: %s)", id,
                    notification.channelType, notification.attempts, error);
        }
        registry.counter("daff.page.deliveries", "channel", notification.channelType, "outcome", outcome).increment();
        return "failed".equals(outcome) && "trigger".equals(notification.action) ? notification.pageId : null;
    }

    /** Whether the notification is still leased as the claim behind this attempt leased it (to the microsecond stored). */
    private static boolean leaseHeld(PageNotification notification, Instant leasedUntil) {
        return notification.nextAttemptAt.truncatedTo(ChronoUnit.MICROS).equals(leasedUntil.truncatedTo(ChronoUnit.MICROS));
    }

    /** 429 and 5xx may pass later; no answer at all (timeout, refused) too. Other 4xx never will. */
    static boolean retryable(Integer status) {
        return status == null || status == 429 || status >= 500;
    }

    Duration backoff(int attemptsSoFar) {
        return backoff(config.retryBackoff(), config.retryBackoffMax(), attemptsSoFar,
                0.8 + ThreadLocalRandom.current().nextDouble() * 0.4);
    }

    /**
     * The backoff, or longer when the channel asked for longer ({@code Retry-After}: PagerDuty's rate limit in an
     * alert storm) — but what was asked for counts only up to {@code longest}: a page must not wait out a
     * channel's whim. Never shorter than the backoff.
     */
    static Duration nextWait(Duration backoff, Duration retryAfter, Duration longest) {
        if (retryAfter == null) {
            return backoff;
        }
        Duration asked = retryAfter.compareTo(longest) < 0 ? retryAfter : longest;
        return asked.compareTo(backoff) > 0 ? asked : backoff;
    }

    /** {@code first} doubled for each attempt after the first, at most {@code longest}, times {@code jitter}. */
    static Duration backoff(Duration first, Duration longest, int attemptsSoFar, double jitter) {
        long doubled = first.toMillis() << Math.min(attemptsSoFar - 1, 16);
        return Duration.ofMillis((long) (Math.min(doubled, longest.toMillis()) * jitter));
    }
}
