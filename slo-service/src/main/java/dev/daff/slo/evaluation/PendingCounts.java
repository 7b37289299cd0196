package dev.daff.slo.evaluation;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import dev.daff.slo.ingest.CountedBuckets;
import dev.daff.slo.ingest.CountingLock;

/**
 * Batches the SLI consumer counted and the evaluator has not yet added to its running sums. The consumer only queues,
 * so its thread goes back to Kafka instead of waiting for the evaluator's monitor (held through whole evaluations);
 * whoever reads the sums next applies the queue, holding that monitor. A load applies it first while holding the
 * {@link CountingLock}, under which the consumer cannot queue more — so whatever is queued after a load is from a
 * batch committed after it, and each minute counts once.
 */
final class PendingCounts {

    /** About 25 s of batches at 50,000 events/s: beyond that the consumer applies them itself. */
    static final int MAX_PENDING = 1_000;

    private final Queue<CountedBuckets> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();

    /** Queues a batch; answers whether the queue has grown past {@link #MAX_PENDING} (evaluation fell behind). */
    boolean add(CountedBuckets counted) {
        queue.add(counted);
        return size.incrementAndGet() > MAX_PENDING;
    }

    /** Adds every queued batch to the sums of the SLOs loaded now; the others read theirs from the database on load. */
    void applyTo(Map<String, TrackedSlo> tracked) {
        CountedBuckets counted;
        while ((counted = queue.poll()) != null) {
            size.decrementAndGet();
            counted.bySlo().forEach((slo, minutes) -> {
                TrackedSlo target = tracked.get(slo);
                if (target != null && target.windows != null) {
                    minutes.forEach((minute, count) -> target.windows.add(minute, count.good(), count.total()));
                    target.counted = true;
                }
            });
        }
    }
}
