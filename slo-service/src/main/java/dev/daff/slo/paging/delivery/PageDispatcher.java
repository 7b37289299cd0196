package dev.daff.slo.paging.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

import org.eclipse.microprofile.context.ManagedExecutor;
import org.eclipse.microprofile.context.ThreadContext;
import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import dev.daff.slo.paging.PagingConfig;

/**
 * Delivers queued page notifications, off the evaluation path: {@link ChannelSender} makes each attempt,
 * {@link DeliveryLog} records it and decides whether and when to try again.
 * <p>
 * Up to {@code deliveryConcurrency} attempts run at once, so a channel that hangs holds up only its own
 * notification, and receivers that hang together take only part of them ({@link DeliveryLanes}). Notifications are
 * claimed with {@code SKIP LOCKED} one per free worker, each with a lease of its attempt's deadline
 * ({@link ChannelSender#deadline}) plus {@link #LEASE_MARGIN}, so a claim always outlives the single attempt it
 * covers and no other replica sends it meanwhile. Notifications of one page to one channel go out in the order
 * they were queued (a PagerDuty resolve never overtakes its trigger).
 */
@ApplicationScoped
public class PageDispatcher {

    private static final Logger LOG = Logger.getLogger(PageDispatcher.class);
    /** What a lease adds to the attempt's deadline: recording the outcome, a pause of the JVM. */
    static final Duration LEASE_MARGIN = Duration.ofSeconds(30);
    /** Runs a delivery with none of the queuing caller's contexts (request, security, transaction). */
    private static final ThreadContext WITHOUT_CALLER_CONTEXT = ThreadContext.builder().propagated()
            .cleared(ThreadContext.ALL_REMAINING).unchanged().build();
    private final PageNotifications notifications;
    private final ChannelSender sender;
    private final DeliveryLog log;
    private final PagingConfig config;
    private final Clock clock;
    private final ManagedExecutor executor;
    private final ExecutorService workers;
    /** Free workers; only the claiming loop (one at a time, under {@link #running}) takes them. */
    private final Semaphore free;
    /** Notifications this replica is sending now: never started twice, even if a lease ran out under a jumping clock. */
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private final DeliveryLanes lanes;
    private final StaleNotifications stale;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private volatile boolean closed;

    public PageDispatcher(PageNotifications notifications, ChannelSender sender, DeliveryLog log, PagingConfig config,
            Clock clock, ManagedExecutor executor, StaleNotifications stale) {
        this.notifications = notifications;
        this.stale = stale;
        this.sender = sender;
        this.log = log;
        this.config = config;
        this.clock = clock;
        this.executor = executor;
        int concurrency = config.deliveryConcurrency();
        this.free = new Semaphore(concurrency);
        this.lanes = new DeliveryLanes(concurrency);
        AtomicInteger started = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(concurrency, runnable -> {
            Thread thread = new Thread(runnable, "page-delivery-" + started.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Delivers right after the queuing transaction commits, without the queuing request's contexts: its writes are the
     * dispatcher's, so an audited call that queues a notification (a person resolving a page) is logged once.
     */
    void onQueued(@Observes(during = TransactionPhase.AFTER_SUCCESS) NotificationQueue.NotificationsQueued queued) {
        executor.execute(WITHOUT_CALLER_CONTEXT.contextualRunnable(this::deliverDue));
    }

    @Scheduled(every = "${daff.paging.dispatch-every}", identity = "page-dispatch",
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
        while (!closed && (slots = free.availablePermits()) > 0) {
            int wanted = slots;
            Claimed claimed = QuarkusTransaction.requiringNew().call(() -> claim(wanted));
            List<PageNotification> leased = claimed.leased();
            for (int started = 0; started < leased.size(); started++) {
                PageNotification notification = leased.get(started);
                if (!inFlight.add(notification.id)) {
                    continue; // still being sent here: its lease ran out on a clock that jumped ahead
                }
                String lane = DeliveryLanes.of(notification);
                lanes.started(lane);
                free.acquireUninterruptibly(); // never waits: only this loop takes permits, and it saw enough
                try {
                    workers.execute(() -> attempt(notification, lane));
                } catch (RejectedExecutionException e) {
                    // Shutting down: what this claim leased and did not start goes back for another replica to send
                    // now, not after its lease, by when a cleared alert would have cancelled it as maybe sent.
                    inFlight.remove(notification.id);
                    lanes.ended(lane, true);
                    free.release();
                    notifications.giveBack(leased.subList(started, leased.size()), inFlight, clock.instant());
                    return;
                }
            }
            // A lane that filled up within this claim is left out of the next, which may find what queued behind it.
            if (claimed.leased().size() < wanted && !claimed.passedOver()) {
                return;
            }
        }
    }

    private void attempt(PageNotification notification, String lane) {
        ChannelSender.Attempt attempt = null;
        try {
            attempt = sender.send(notification);
            log.recordOutcome(notification.id, notification.nextAttemptAt, attempt);
        } catch (RuntimeException e) {
            // Not recorded (the database away for longer): the lease runs out and the notification is sent again.
            LOG.warnf("page notification %d: the attempt's outcome was not recorded: %s", notification.id, e.toString());
        } finally {
            // Only a timeout holds a worker: a refused connection, a bad URL or secret fail at once, and are this
            // channel's, not the lane's other receivers'.
            lanes.ended(lane, attempt == null || !"timeout".equals(attempt.error()));
            inFlight.remove(notification.id);
            free.release();
            deliverDue();
        }
    }

    /** What one claim leased, and whether it passed over one (a lane filled up, or it was stale): more may be due. */
    private record Claimed(List<PageNotification> leased, boolean passedOver) {
    }

    /**
     * Claims up to {@code max} due notifications, pages before team notices (a morning's reports queue hundreds), whose
     * page has nothing earlier pending on the same channel and whose lane has room; leases each for one attempt.
     */
    private Claimed claim(int max) {
        Instant now = clock.instant();
        @SuppressWarnings("unchecked")
        List<PageNotification> due = notifications.getEntityManager().createNativeQuery("""
                select n.* from page_notification n
                where n.status = 'PENDING' and n.next_attempt_at <= ?1
                  and coalesce(n.lane, n.channel_type) <> all(?3)
                  and not exists (select 1 from page_notification earlier
                                  where earlier.page_id is not distinct from n.page_id and earlier.id < n.id and earlier.status = 'PENDING'
                                    and earlier.channel_type = n.channel_type
                                    and earlier.channel_ref is not distinct from n.channel_ref
                                    and earlier.endpoint is not distinct from n.endpoint)
                order by n.page_id is null, n.id limit ?2 for update of n skip locked""", PageNotification.class)
                .setParameter(1, now).setParameter(2, max).setParameter(3, lanes.full()).getResultList();
        Set<Long> notWorthSending = stale.among(due);
        Map<String, Integer> taken = new HashMap<>();
        List<PageNotification> leased = new ArrayList<>(due.size());
        boolean laneFilled = false;
        for (PageNotification notification : due) {
            if (notWorthSending.contains(notification.id)) {
                notification.status = PageNotification.CANCELLED;
                continue;
            }
            String lane = DeliveryLanes.of(notification);
            if (taken.getOrDefault(lane, 0) >= lanes.room(lane)) {
                laneFilled = true;
                continue; // not leased: it stays due, for a worker this lane frees
            }
            taken.merge(lane, 1, Integer::sum);
            notification.claim(now, lease(notification.attempts));
            leased.add(notification);
        }
        notifications.flush();
        due.forEach(notifications.getEntityManager()::detach);
        return new Claimed(leased, laneFilled || !notWorthSending.isEmpty());
    }

    /** How long a claim keeps other replicas off a notification: longer than the one attempt it covers. */
    Duration lease(int attemptsSoFar) {
        return ChannelSender.deadline(config.deliveryTimeout(), attemptsSoFar).plus(LEASE_MARGIN);
    }

    /**
     * Claims nothing more once shutdown begins, and lets the attempts under way end and be recorded while the database
     * is still there (Hibernate has closed by this bean's destruction): unrecorded, a page its channel took was sent
     * again when its lease ran out, at every rolling restart that caught one in flight (TwoReplicasIT).
     */
    void stopClaiming(@Observes ShutdownEvent shutdown) {
        closed = true;
        workers.shutdown();
        try {
            // A first attempt's deadline, not a retry's longer one: the pod's grace period is bounded. One cut off is
            // tried again by another replica, once its lease runs out if its interruption could not be recorded.
            if (!workers.awaitTermination(config.deliveryTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @PreDestroy
    void close() {
        closed = true;
        workers.shutdownNow(); // whatever the ShutdownEvent left running could not be recorded any more
    }
}
