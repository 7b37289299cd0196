package dev.daff.slo.paging;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

import org.eclipse.microprofile.context.ManagedExecutor;
import org.jboss.logging.Logger;

import dev.daff.kit.security.WebhookSignature;
import dev.daff.slo.paging.PagingRepositories.Attempts;
import dev.daff.slo.paging.PagingRepositories.Notifications;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Delivers queued page notifications over HTTP, off the evaluation path. 429, 5xx and timeouts are retried
 * with exponential backoff and jitter up to {@code maxAttempts}; other 4xx are not (retrying cannot fix them).
 * Every attempt is recorded. Rows are claimed with {@code SKIP LOCKED}, so replicas never send one twice.
 */
@ApplicationScoped
public class PageDispatcher {

    private static final Logger LOG = Logger.getLogger(PageDispatcher.class);
    private static final int BATCH = 20;
    /** A claimed notification is left alone this long; a replica that dies mid-send gives it back then. */
    private static final Duration LEASE = Duration.ofSeconds(60);

    private final Notifications notifications;
    private final Attempts attempts;
    private final PagingConfig config;
    private final Clock clock;
    private final ManagedExecutor executor;
    private final MeterRegistry registry;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private volatile HttpClient http;

    public PageDispatcher(Notifications notifications, Attempts attempts, PagingConfig config, Clock clock,
            ManagedExecutor executor, MeterRegistry registry) {
        this.notifications = notifications;
        this.attempts = attempts;
        this.config = config;
        this.clock = clock;
        this.executor = executor;
        this.registry = registry;
    }

    void onQueued(@Observes(during = TransactionPhase.AFTER_SUCCESS) Pager.NotificationsQueued queued) {
        executor.execute(this::deliverDue);
    }

    @Scheduled(every = "${daff.paging.dispatch-every:1s}", identity = "page-dispatch",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        deliverDue();
    }

    /** Delivers everything due now; a call arriving while one runs makes that one go round again. */
    public void deliverDue() {
        again.set(true);
        while (again.getAndSet(false)) {
            if (!running.compareAndSet(false, true)) {
                return;
            }
            try {
                List<PageNotification> claimed;
                do {
                    claimed = QuarkusTransaction.requiringNew().call(this::claim);
                    claimed.forEach(this::deliver);
                } while (claimed.size() == BATCH);
            } catch (RuntimeException e) {
                LOG.warnf("page delivery will retry: %s", e.toString());
            } finally {
                running.set(false);
            }
        }
    }

    private List<PageNotification> claim() {
        Instant now = clock.instant();
        @SuppressWarnings("unchecked")
        List<PageNotification> due = notifications.getEntityManager().createNativeQuery("""
                select * from page_notification where status = 'PENDING' and next_attempt_at <= ?1
                order by id limit %d for update skip locked""".formatted(BATCH), PageNotification.class)
                .setParameter(1, now).getResultList();
        due.forEach(notification -> notification.nextAttemptAt = now.plus(LEASE));
        notifications.flush();
        due.forEach(notifications.getEntityManager()::detach);
        return due;
    }

    private void deliver(PageNotification notification) {
        Instant started = clock.instant();
        long begin = System.nanoTime();
        Integer status = null;
        String error = null;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(notification.endpoint))
                    .timeout(config.deliveryTimeout())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(notification.body));
            if ("webhook".equals(notification.channelType) && notification.secret != null) {
                request.header(WebhookSignature.HEADER,
                        WebhookSignature.sign(notification.secret, notification.body.getBytes(StandardCharsets.UTF_8)));
            }
            status = http().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | IllegalArgumentException e) {
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        }
        long durationMs = (System.nanoTime() - begin) / 1_000_000;
        Integer statusCode = status;
        String failure = error == null ? null : error.substring(0, Math.min(error.length(), 500));
        QuarkusTransaction.requiringNew().run(() -> record(notification.id, started, statusCode, failure, durationMs));
    }

    private void record(Long id, Instant at, Integer status, String error, long durationMs) {
        PageNotification notification = notifications.findById(id);
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
        if (status != null && status >= 200 && status < 300) {
            notification.status = PageNotification.DELIVERED;
            notification.deliveredAt = clock.instant();
            outcome = "delivered";
        } else if (retryable(status) && notification.attempts < config.maxAttempts()) {
            notification.nextAttemptAt = clock.instant().plus(backoff(notification.attempts));
            outcome = "retry";
        } else {
            notification.status = PageNotification.FAILED;
            outcome = "failed";
            LOG.warnf("page notification %d to a %s channel failed for good after %d attempts (last: %s)", id,
                    notification.channelType, notification.attempts, status == null ? error : "HTTP " + status);
        }
        registry.counter("daff.page.deliveries", "channel", notification.channelType, "outcome", outcome).increment();
    }

    /** 429 and 5xx may pass later; no answer at all (timeout, refused) too. Other 4xx never will. */
    static boolean retryable(Integer status) {
        return status == null || status == 429 || status >= 500;
    }

    Duration backoff(int attemptsSoFar) {
        long base = config.retryBackoff().toMillis() << Math.min(attemptsSoFar - 1, 16);
        double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Duration.ofMillis((long) (base * jitter));
    }

    private HttpClient http() {
        if (http == null) {
            synchronized (this) {
                if (http == null) {
                    http = HttpClient.newBuilder().connectTimeout(config.deliveryTimeout()).build();
                }
            }
        }
        return http;
    }

    @PreDestroy
    void close() {
        running.set(true); // no new rounds while shutting down
    }
}
