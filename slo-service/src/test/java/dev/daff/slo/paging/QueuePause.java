package dev.daff.slo.paging;

import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import dev.daff.slo.paging.delivery.NotificationQueue;

/**
 * Holds a thread inside its transaction: a thread running {@link #holdAtFirstQueue(Hold, Callable)} stops the first
 * time it queues a notification (by then the page is read and changed in memory, and locked if the code locks it)
 * until the test releases it. That is how a test puts a second "replica" into the middle of the first one's work.
 */
@Singleton
public class QueuePause {

    private static final long LONGEST_SECONDS = 60;

    /** One held thread: the test waits until it is held, does its concurrent work, then releases it. */
    public static final class Hold {
        private final CountDownLatch reached = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        private volatile boolean held;

        public void awaitHeld() throws InterruptedException {
            if (!reached.await(LONGEST_SECONDS, TimeUnit.SECONDS) || !held) {
                throw new AssertionError("the thread to hold never queued a notification");
            }
        }

        public void release() {
            released.countDown();
        }
    }

    private final ThreadLocal<Hold> current = new ThreadLocal<>();
    private final ThreadLocal<UUID> page = new ThreadLocal<>();

    /** Runs {@code work} on this thread, holding it at its first queued notification. */
    public <T> T holdAtFirstQueue(Hold hold, Callable<T> work) throws Exception {
        return holdAtFirstQueue(null, hold, work);
    }

    /**
     * As {@link #holdAtFirstQueue(Hold, Callable)}, at the first notification queued for {@code pageId}: an
     * escalation goes page by page, and other tests' pages may come first.
     */
    public <T> T holdAtFirstQueue(UUID pageId, Hold hold, Callable<T> work) throws Exception {
        current.set(hold);
        page.set(pageId);
        try {
            return work.call();
        } finally {
            current.remove();
            page.remove();
            hold.reached.countDown(); // never leave the test waiting for a thread that queued nothing
        }
    }

    void onQueued(@Observes NotificationQueue.NotificationsQueued queued) throws InterruptedException {
        Hold hold = current.get();
        if (hold == null || page.get() != null && !page.get().equals(queued.pageId())) {
            return;
        }
        current.remove();
        hold.held = true;
        hold.reached.countDown();
        hold.released.await(LONGEST_SECONDS, TimeUnit.SECONDS);
    }
}
