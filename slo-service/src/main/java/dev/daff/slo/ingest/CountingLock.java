package dev.daff.slo.ingest;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Held by the SLI consumer from before a batch commits until its {@link CountedBuckets} have been announced, and by
 * whoever loads running window sums from the stored buckets. Under it the stored buckets are exactly what has been
 * announced, so a load followed by the announcements after it counts every minute once — never a batch both read
 * from the database and added again from its announcement.
 *
 * <p>Lock order: this lock before any monitor of the code that observes {@link CountedBuckets}.
 */
@ApplicationScoped
public class CountingLock {

    private final ReentrantLock lock = new ReentrantLock();

    public <T> T holding(Supplier<T> work) {
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    public void holding(Runnable work) {
        holding(() -> {
            work.run();
            return null;
        });
    }
}
