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

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.kit.security.WebhookSignature;
import dev.daff.slo.paging.secrets.Keyring;
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
 * <p>
 * Channel secrets are opened here, for the one request, and never stored or logged in the clear. What the delivery
 * log keeps of a failure is its category ({@link #category}: "timeout", "connection refused", "HTTP 500", ...),
 * which every viewer may read; the detail (exception messages, with the channel's secrets blanked) goes to the
 * server log only.
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
    private final Keyring keyring;
    private final ObjectMapper json;
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

    public PageDispatcher(Notifications notifications, Attempts attempts, PagingConfig config, Keyring keyring,
            ObjectMapper json, Clock clock, ManagedExecutor executor, MeterRegistry registry) {
        this.notifications = notifications;
        this.attempts = attempts;
        this.config = config;
        this.keyring = keyring;
        this.json = json;
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
                                    and earlier.channel_type = n.channel_type
                                    and earlier.channel_ref is not distinct from n.channel_ref
                                    and earlier.endpoint is not distinct from n.endpoint)
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
        boolean retry = true;
        Duration deadline = config.deliveryTimeout();
        CompletableFuture<HttpResponse<Void>> response = null;
        List<String> secrets = new java.util.ArrayList<>(2);
        try {
            String secret = keyring.open(notification.secret);
            if (secret != null) {
                secrets.add(secret);
            }
            String endpoint = "slack".equals(notification.channelType) ? secret : notification.endpoint;
            // PagerDuty's endpoint is configuration; a team's own URL is checked again, as it resolves now.
            Optional<String> refused = "pagerduty".equals(notification.channelType) ? Optional.empty()
                    : outbound.refusal(endpoint);
            if (refused.isPresent()) {
                throw new RefusedDestination(refused.get());
            }
            String body = "pagerduty".equals(notification.channelType)
                    ? PageMessages.withRoutingKey(json, notification.body, secret) : notification.body;
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint))
                    .timeout(deadline) // until the headers; the get below bounds the whole exchange
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if ("webhook".equals(notification.channelType) && secret != null) {
                request.header(WebhookSignature.HEADER, WebhookSignature.sign(secret, body.getBytes(StandardCharsets.UTF_8)));
            }
            response = http().sendAsync(request.build(), HttpResponse.BodyHandlers.discarding());
            status = response.get(deadline.toMillis(), TimeUnit.MILLISECONDS).statusCode();
            if (status < 200 || status >= 300) {
                error = "HTTP " + status;
            }
        } catch (TimeoutException e) {
            error = "timeout";
            LOG.infof("page notification %d (%s): no complete answer within %d ms", notification.id,
                    notification.channelType, deadline.toMillis());
        } catch (ExecutionException e) {
            error = failed(notification, e.getCause() == null ? e : e.getCause(), secrets);
        } catch (Keyring.UnreadableSecret e) {
            error = failed(notification, e, secrets);
            retry = false; // it will not open on the next attempt either: the key is gone or the value damaged
        } catch (RuntimeException e) {
            error = failed(notification, e, secrets);
            retry = !(e instanceof IllegalArgumentException); // a URL that does not parse never will; DNS may change
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
        String failure = error;
        boolean retryable = retry && retryable(status);
        QuarkusTransaction.requiringNew().run(() -> record(notification.id, started, statusCode, failure, retryable, durationMs));
    }

    /** A team's URL that points where pages must not go, as it resolves now (or that does not resolve). */
    static final class RefusedDestination extends RuntimeException {
        RefusedDestination(String why) {
            super(why, null, false, false);
        }
    }

    /** Logs the detail of a failed attempt, the channel's secrets blanked, and answers its category for the log. */
    private static String failed(PageNotification notification, Throwable e, List<String> secrets) {
        String detail = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        for (String secret : secrets) {
            if (!secret.isEmpty()) {
                detail = detail.replace(secret, "***");
            }
        }
        LOG.infof("page notification %d (%s) attempt failed: %s", notification.id, notification.channelType, detail);
        return category(e);
    }

    /**
     * What a viewer of the delivery log learns of a failure: a category, never the exception's text or a
     * receiver's answer, which may quote a URL, a token or the inside of the network.
     */
    static String category(Throwable e) {
        if (e instanceof java.net.http.HttpTimeoutException || e instanceof TimeoutException
                || e instanceof java.net.SocketTimeoutException) {
            return "timeout";
        }
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (e instanceof java.nio.channels.UnresolvedAddressException || e instanceof java.net.UnknownHostException) {
            return "host not found";
        }
        if (e instanceof javax.net.ssl.SSLException) {
            return "TLS failure";
        }
        if (e instanceof RefusedDestination) {
            return e.getMessage().contains("does not resolve") ? "host not found" : "destination refused";
        }
        if (e instanceof Keyring.UnreadableSecret) {
            return "channel secret unreadable";
        }
        if (e instanceof java.io.IOException) {
            return "connection failed";
        }
        if (e instanceof IllegalArgumentException) {
            return "invalid URL";
        }
        return "delivery failed";
    }

    private void record(Long id, Instant at, Integer status, String error, boolean retryable, long durationMs) {
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
        } else if (retryable && notification.attempts < config.maxAttempts()) {
            notification.nextAttemptAt = clock.instant().plus(backoff(notification.attempts));
            outcome = "retry";
        } else {
            notification.status = PageNotification.FAILED;
            outcome = "failed";
            LOG.warnf("page notification %d to a %s channel failed for good after %d attempts (last: %s)", id,
                    notification.channelType, notification.attempts, error);
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
                    // Never follow a redirect: a public URL must not bounce a page (and its signature) inward.
                    http = HttpClient.newBuilder().connectTimeout(config.deliveryTimeout())
                            .followRedirects(HttpClient.Redirect.NEVER).build();
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
