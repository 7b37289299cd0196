package dev.daff.slo.paging;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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
 * Every attempt is recorded.
 * <p>
 * Up to {@code deliveryConcurrency} attempts run at once, so a channel that hangs holds up only its own
 * notification. Every attempt has a hard deadline ({@code deliveryTimeout}) that covers connecting, the headers
 * and the body: a receiver that sends headers and then stalls is cut off there. Notifications are claimed with
 * {@code SKIP LOCKED} one per free worker, each with a lease of one deadline plus {@link #LEASE_MARGIN}, so a
 * claim always outlives the single attempt it covers and no other replica sends it meanwhile. Notifications of one
 * page to one channel go out in the order they were queued (a PagerDuty resolve never overtakes its trigger).
 */
@ApplicationScoped
public class PageDispatcher {

    private static final Logger LOG = Logger.getLogger(PageDispatcher.class);
    /** What a lease adds to the attempt's deadline: recording the outcome, a pause of the JVM. */
    static final Duration LEASE_MARGIN = Duration.ofSeconds(30);

    private final Notifications notifications;
    private final Attempts attempts;
    private final PagingConfig config;
    private final OutboundAddresses outbound;
    private final Clock clock;
    private final ManagedExecutor executor;
    private final MeterRegistry registry;
    private final ExecutorService workers;
    /** Free workers; only the claiming loop (one at a time, under {@link #running}) takes them. */
    private final Semaphore free;
    /** Notifications this replica is sending now: never started twice, even if a lease ran out under a jumping clock. */
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private volatile boolean closed;
    private volatile HttpClient http;

    public PageDispatcher(Notifications notifications, Attempts attempts, PagingConfig config, Clock clock,
            ManagedExecutor executor, MeterRegistry registry) {
        this.notifications = notifications;
        this.attempts = attempts;
        this.config = config;
        this.outbound = new OutboundAddresses(config.allowedHosts().orElse(List.of()));
        this.clock = clock;
        this.executor = executor;
        this.registry = registry;
        int concurrency = Math.max(1, config.deliveryConcurrency());
        this.free = new Semaphore(concurrency);
        this.workers = Executors.newFixedThreadPool(concurrency, daemonThreads("page-delivery-"));
    }

    void onQueued(@Observes(during = TransactionPhase.AFTER_SUCCESS) Pager.NotificationsQueued queued) {
        executor.execute(this::deliverDue);
    }

    @Scheduled(every = "${daff.paging.dispatch-every:1s}", identity = "page-dispatch",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        deliverDue();
    }

    /**
     * Starts every notification due now, as far as there are free workers, and returns; the attempts run on the
     * workers. A call arriving while another claims makes that one go round again; a worker that finishes calls
     * this too, so what waited for a free worker (or for an earlier notification to the same channel) goes next.
     */
    public void deliverDue() {
        again.set(true);
        while (again.get() && !closed && running.compareAndSet(false, true)) {
            try {
                again.set(false);
                startDue();
            } catch (RuntimeException e) {
                LOG.warnf("page delivery will retry: %s", e.toString());
            } finally {
                running.set(false);
            }
        }
    }

    private void startDue() {
        int slots;
        while ((slots = free.availablePermits()) > 0) {
            int wanted = slots;
            List<PageNotification> claimed = QuarkusTransaction.requiringNew().call(() -> claim(wanted));
            for (PageNotification notification : claimed) {
                if (!inFlight.add(notification.id)) {
                    continue; // still being sent here: its lease ran out on a clock that jumped ahead
                }
                free.acquireUninterruptibly(); // never waits: only this loop takes permits, and it saw enough
                try {
                    workers.execute(() -> {
                        try {
                            deliver(notification);
                        } catch (RuntimeException e) {
                            // Not recorded (the database?): the lease runs out and the notification is sent again.
                            LOG.warnf("page notification %d: the attempt's outcome was not recorded: %s", notification.id,
                                    e.toString());
                        } finally {
                            inFlight.remove(notification.id);
                            free.release();
                            deliverDue();
                        }
                    });
                } catch (RejectedExecutionException e) {
                    inFlight.remove(notification.id); // shutting down: the lease runs out and a replica sends it
                    free.release();
                    return;
                }
            }
            if (claimed.size() < wanted) {
                return;
            }
        }
    }

    /**
     * Claims up to {@code max} due notifications whose page has nothing earlier pending on the same channel, and
     * leases them for one attempt.
     */
    private List<PageNotification> claim(int max) {
        Instant now = clock.instant();
        @SuppressWarnings("unchecked")
        List<PageNotification> due = notifications.getEntityManager().createNativeQuery("""
                select n.* from page_notification n
                where n.status = 'PENDING' and n.next_attempt_at <= ?1
                  and not exists (select 1 from page_notification earlier
                                  where earlier.page_id = n.page_id and earlier.id < n.id and earlier.status = 'PENDING'
                                    and earlier.channel_type = n.channel_type and earlier.endpoint = n.endpoint
                                    and earlier.secret is not distinct from n.secret)
                order by n.id limit ?2 for update of n skip locked""", PageNotification.class)
                .setParameter(1, now).setParameter(2, max).getResultList();
        Instant leasedUntil = now.plus(lease());
        due.forEach(notification -> notification.nextAttemptAt = leasedUntil);
        notifications.flush();
        due.forEach(notifications.getEntityManager()::detach);
        return due;
    }

    /** How long a claim keeps other replicas off a notification: longer than the one attempt it covers. */
    Duration lease() {
        return config.deliveryTimeout().plus(LEASE_MARGIN);
    }

    private void deliver(PageNotification notification) {
        Instant started = clock.instant();
        long begin = System.nanoTime();
        Integer status = null;
        String error = null;
        Duration deadline = config.deliveryTimeout();
        CompletableFuture<HttpResponse<Void>> response = null;
        try {
            // PagerDuty's endpoint is configuration; a team's own URL is checked again, as it resolves now.
            Optional<String> refused = "pagerduty".equals(notification.channelType) ? Optional.empty()
                    : outbound.refusal(notification.endpoint);
            if (refused.isPresent()) {
                throw new IllegalArgumentException("destination refused: " + refused.get());
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(notification.endpoint))
                    .timeout(deadline) // until the headers; the get below bounds the whole exchange
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(notification.body));
            if ("webhook".equals(notification.channelType) && notification.secret != null) {
                request.header(WebhookSignature.HEADER,
                        WebhookSignature.sign(notification.secret, notification.body.getBytes(StandardCharsets.UTF_8)));
            }
            response = http().sendAsync(request.build(), HttpResponse.BodyHandlers.discarding());
            status = response.get(deadline.toMillis(), TimeUnit.MILLISECONDS).statusCode();
        } catch (TimeoutException e) {
            error = "no complete answer within " + deadline.toMillis() + " ms";
        } catch (ExecutionException e) {
            error = describe(e.getCause() == null ? e : e.getCause());
        } catch (IllegalArgumentException e) {
            error = describe(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        } finally {
            if (response != null && !response.isDone()) {
                response.cancel(true); // closes the exchange: a stalled body must not hold the connection
            }
        }
        long durationMs = (System.nanoTime() - begin) / 1_000_000;
        Integer statusCode = status;
        String failure = error == null ? null : error.substring(0, Math.min(error.length(), 500));
        QuarkusTransaction.requiringNew().run(() -> record(notification.id, started, statusCode, failure, durationMs));
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
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

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @PreDestroy
    void close() {
        closed = true; // no new rounds while shutting down
        workers.shutdown();
        try {
            // Attempts under way end within their deadline; what is cut off is sent again when its lease runs out.
            if (!workers.awaitTermination(config.deliveryTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
