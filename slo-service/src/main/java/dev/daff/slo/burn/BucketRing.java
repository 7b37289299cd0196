package dev.daff.slo.burn;

import java.util.Arrays;

/**
 * Good and total counts in a ring of equal time buckets (minutes or hours), with running sums for a few window
 * lengths counted in buckets. A window of length W at the current bucket {@code c} covers {@code [c − W, c]}; the
 * ring holds the longest window plus the current bucket. Not thread-safe.
 *
 * <p>The buckets are allocated with the first events: most of a 30-day SLO's 9 KB is its rings, and of 10,000
 * SLOs defined many have no data yet (new, or fed only while a test or a migration runs).
 */
final class BucketRing {

    private final long[] windows;
    private final int size;
    /** The index of the longest window, which covers the whole ring. */
    private final int longest;
    /**
     * The buckets as ints while every bucket's total fits one, which is half the memory of longs: a replica holds the
     * rings of every SLO it owns with data (10,000 of them were 170 MiB as longs, most of a loaded heap, and made the
     * collector run full collections under load). Null until the first events arrive, and once the ring is wide.
     */
    private int[] good;
    private int[] total;
    /** The buckets as longs, from the first bucket whose total passes {@link Integer#MAX_VALUE} on. */
    private long[] wideGood;
    private long[] wideTotal;
    private final long[] windowGood;
    private final long[] windowTotal;

    /** @param windows window lengths in buckets; the ring holds the longest and one bucket more */
    BucketRing(long... windows) {
        this.windows = windows.clone();
        this.size = Math.toIntExact(Arrays.stream(windows).max().orElseThrow() + 1);
        int longestIndex = 0;
        for (int i = 1; i < windows.length; i++) {
            longestIndex = windows[i] > windows[longestIndex] ? i : longestIndex;
        }
        this.longest = longestIndex;
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
        if (empty()) {
            good = new int[size];
            total = new int[size];
        }
        int slot = slot(bucket);
        if (wideTotal == null && total[slot] + totalEvents <= Integer.MAX_VALUE) {
            // good <= total in every bucket, so good fits wherever total does
            good[slot] += (int) goodEvents;
            total[slot] += (int) totalEvents;
        } else {
            if (wideTotal == null) {
                widen();
            }
            wideGood[slot] += goodEvents;
            wideTotal[slot] += totalEvents;
        }
        for (int i = 0; i < windows.length; i++) {
            if (bucket >= current - windows[i]) {
                windowGood[i] += goodEvents;
                windowTotal[i] += totalEvents;
            }
        }
    }

    /** Moves the current bucket from {@code current} to the later {@code target}: buckets leave the windows and the ring. */
    void advance(long current, long target) {
        if (empty()) {
            return; // nothing counted yet: every sum is and stays zero
        }
        if (target - current >= size) {
            // every bucket in [target − longest, target] is newer than the old current one, hence empty
            giveBack();
            return;
        }
        for (long bucket = current + 1; bucket <= target; bucket++) {
            for (int i = 0; i < windows.length; i++) {
                // the bucket that was the oldest of [bucket − 1 − W, bucket − 1]; for the longest window it shares the
                // new bucket's slot, which is why the slot is cleared only afterwards
                int leaving = slot(bucket - windows[i] - 1);
                windowGood[i] -= goodAt(leaving);
                windowTotal[i] -= totalAt(leaving);
            }
            int slot = slot(bucket);
            if (wideTotal == null) {
                good[slot] = 0;
                total[slot] = 0;
            } else {
                wideGood[slot] = 0;
                wideTotal[slot] = 0;
            }
        }
        if (windowTotal[longest] == 0) {
            giveBack(); // the longest window is the whole ring: its last events have left it
        }
    }

    /** The ring is given back until events come again (as ints: the wide buckets go with it). */
    private void giveBack() {
        good = null;
        total = null;
        wideGood = null;
        wideTotal = null;
        Arrays.fill(windowGood, 0);
        Arrays.fill(windowTotal, 0);
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
        return empty() ? 0 : totalAt(slot(bucket));
    }

    /** No buckets allocated: nothing counted since the ring was made or last emptied. */
    boolean empty() {
        return total == null && wideTotal == null;
    }

    private long goodAt(int slot) {
        return wideTotal == null ? good[slot] : wideGood[slot];
    }

    private long totalAt(int slot) {
        return wideTotal == null ? total[slot] : wideTotal[slot];
    }

    /** From ints to longs, for good: a ring that once held such a bucket is likely to again. */
    private void widen() {
        wideGood = new long[size];
        wideTotal = new long[size];
        for (int slot = 0; slot < size; slot++) {
            wideGood[slot] = good[slot];
            wideTotal[slot] = total[slot];
        }
        good = null;
        total = null;
    }

    private int slot(long bucket) {
        return (int) Math.floorMod(bucket, (long) size);
    }
}
