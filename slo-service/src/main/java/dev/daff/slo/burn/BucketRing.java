package dev.daff.slo.burn;

import java.util.Arrays;

/**
 * Good and total counts in a ring of equal time buckets (minutes or hours), with running sums for a few window
 * lengths counted in buckets. A window of length W at the current bucket {@code c} covers {@code [c − W, c]}; the
 * ring holds the longest window plus the current bucket. Not thread-safe.
 *
 * <p>The buckets are allocated with the first events: most of a 30-day SLO's 17 KB is its rings, and of 10,000
 * SLOs defined many have no data yet (new, or fed only while a test or a migration runs).
 */
final class BucketRing {

    private final long[] windows;
    private final int size;
    /** Null until the first events arrive. */
    private long[] good;
    private long[] total;
    private final long[] windowGood;
    private final long[] windowTotal;

    /** @param windows window lengths in buckets; the ring holds the longest and one bucket more */
    BucketRing(long... windows) {
        this.windows = windows.clone();
        this.size = Math.toIntExact(Arrays.stream(windows).max().orElseThrow() + 1);
        this.windowGood = new long[windows.length];
        this.windowTotal = new long[windows.length];
    }

    /** Whether {@code bucket} is still inside the ring when the current bucket is {@code current}. */
    boolean holds(long bucket, long current) {
        return bucket >= current - (size - 1);
    }

    /** Adds counts to {@code bucket} (at most {@code current}, and {@link #holds held}) and to the windows covering it. */
    void add(long bucket, long current, long goodEvents, long totalEvents) {
        if (totalEvents == 0 && goodEvents == 0) {
            return;
        }
        if (total == null) {
            good = new long[size];
            total = new long[size];
        }
        int slot = slot(bucket);
        good[slot] += goodEvents;
        total[slot] += totalEvents;
        for (int i = 0; i < windows.length; i++) {
            if (bucket >= current - windows[i]) {
                windowGood[i] += goodEvents;
                windowTotal[i] += totalEvents;
            }
        }
    }

    /** Moves the current bucket from {@code current} to the later {@code target}: buckets leave the windows and the ring. */
    void advance(long current, long target) {
        if (total == null) {
            return; // nothing counted yet: every sum is and stays zero
        }
        if (target - current >= size) {
            // every bucket in [target − longest, target] is newer than the old current one, hence empty: the ring is
            // given back until events come again
            good = null;
            total = null;
            Arrays.fill(windowGood, 0);
            Arrays.fill(windowTotal, 0);
            return;
        }
        for (long bucket = current + 1; bucket <= target; bucket++) {
            for (int i = 0; i < windows.length; i++) {
                // the bucket that was the oldest of [bucket − 1 − W, bucket − 1]; for the longest window it shares the
                // new bucket's slot, which is why the slot is cleared only afterwards
                int leaving = slot(bucket - windows[i] - 1);
                windowGood[i] -= good[leaving];
                windowTotal[i] -= total[leaving];
            }
            int slot = slot(bucket);
            good[slot] = 0;
            total[slot] = 0;
        }
    }

    /** The window of this many buckets' index, or -1 when the ring keeps no such window. */
    int windowIndex(long buckets) {
        for (int i = 0; i < windows.length; i++) {
            if (windows[i] == buckets) {
                return i;
            }
        }
        return -1;
    }

    long windowGood(int index) {
        return windowGood[index];
    }

    long windowTotal(int index) {
        return windowTotal[index];
    }

    /** All events in one bucket of the ring. */
    long bucketTotal(long bucket) {
        return total == null ? 0 : total[slot(bucket)];
    }

    private int slot(long bucket) {
        return (int) Math.floorMod(bucket, (long) size);
    }
}
