package dev.daff.slo.burn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.ToLongFunction;

import org.junit.jupiter.api.Test;

class SliWindowsTest {

    private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

    private static Instant minute(long epochMinute) {
        return Instant.ofEpochSecond(epochMinute * 60);
    }

    /** One accepted add, for the brute-force recomputation. */
    private record Added(long minute, long good, long total) {
    }

    @Test
    void runningSumsEqualBruteForceOverRandomisedInput() {
        for (int days : new int[] { 7, 28, 30 }) {
            checkAgainstBruteForce(Duration.ofDays(days), new Random(20260301L + days), random -> random.nextInt(40));
        }
    }

    /**
     * The rings keep buckets as ints until one passes {@link Integer#MAX_VALUE}: minutes and hours that cross it by
     * one huge add or by several large ones, at any point of a ring's life, keep every sum exact.
     */
    @Test
    void runningSumsStayExactWhenBucketsPassTheIntRange() {
        for (int days : new int[] { 7, 30 }) {
            checkAgainstBruteForce(Duration.ofDays(days), new Random(20261204L + days), random -> switch (random.nextInt(50)) {
                case 0 -> random.nextLong(SliWindows.MAX_EVENTS_PER_MINUTE + 1);
                case 1, 2 -> (1L << 30) + random.nextInt(40); // two or three in one hour pass 2^31
                default -> random.nextInt(40);
            });
        }
    }

    @Test
    void aBucketJustPastTheIntRangeIsCountedWhole() {
        SliWindows windows = new SliWindows(Duration.ofDays(30));
        windows.add(T, Integer.MAX_VALUE, Integer.MAX_VALUE);
        windows.add(T, 0, 1);
        windows.add(T.plusSeconds(60), 5, 7);
        assertEquals(Integer.MAX_VALUE + 8L, windows.total(SliWindows.FIVE_MINUTES));
        assertEquals(Integer.MAX_VALUE + 5L, windows.good(Duration.ofDays(30)));
        windows.advance(T.plus(Duration.ofMinutes(6)));
        assertEquals(7, windows.total(SliWindows.FIVE_MINUTES), "the wide minute left the window, the next stays");
        assertEquals(Integer.MAX_VALUE + 8L, windows.total(SliWindows.ONE_HOUR));
    }

    /** @param totals how many events one add of the randomised comparison counts */
    private static void checkAgainstBruteForce(Duration period, Random random, ToLongFunction<Random> totals) {
        SliWindows windows = new SliWindows(period);
        long sloHours = period.toHours();
        long clock = T.getEpochSecond() / 60;
        windows.advance(T);
        List<Added> added = new ArrayList<>();
        Long lastEvent = null;
        for (int step = 0; step < 6_000; step++) {
            int choice = random.nextInt(100);
            if (choice < 60) {
                long minute = clock - randomAge(random);
                long total = totals.applyAsLong(random);
                long good = total == 0 ? 0 : random.nextLong(total + 1);
                windows.add(minute(minute), good, total);
                clock = Math.max(clock, minute);
                boolean accepted = Math.floorDiv(minute, 60) >= Math.floorDiv(clock, 60) - sloHours;
                if (accepted) {
                    added.add(new Added(minute, good, total));
                    if (total > 0) {
                        lastEvent = lastEvent == null ? minute : Math.max(lastEvent, minute);
                    }
                }
            } else {
                long seconds = choice < 93 ? random.nextInt(180)
                        : choice < 99 ? random.nextInt(4 * 3_600) : random.nextInt(12 * 86_400);
                long nowSecond = clock * 60 + random.nextInt(60) + seconds;
                windows.advance(Instant.ofEpochSecond(nowSecond));
                clock = Math.max(clock, Math.floorDiv(nowSecond, 60));
            }
            long horizon = clock - (sloHours + 2) * 60;
            added.removeIf(a -> a.minute() < horizon);
            for (Duration window : windows.windows()) {
                long[] expected = bruteForce(added, window, clock);
                assertEquals(expected[0], windows.good(window), () -> "good " + window + " " + period);
                assertEquals(expected[1], windows.total(window), () -> "total " + window + " " + period);
            }
            assertEquals(lastEvent == null ? null : minute(lastEvent), windows.lastEventMinute());
        }
    }

    /** Mostly recent minutes, some a few hours old, some older than the SLO window, some slightly ahead. */
    private static long randomAge(Random random) {
        int kind = random.nextInt(100);
        if (kind < 60) {
            return random.nextInt(8);
        }
        if (kind < 80) {
            return random.nextInt(400);
        }
        if (kind < 92) {
            return random.nextInt(32 * 1_440);
        }
        return -random.nextInt(5); // producer clock ahead: moves time
    }

    /** The documented edge: buckets [c − W, c] at the window's resolution (minutes up to 6h, hours beyond). */
    private static long[] bruteForce(List<Added> added, Duration window, long currentMinute) {
        long good = 0;
        long total = 0;
        boolean minuteResolution = window.toMinutes() <= 360;
        for (Added a : added) {
            boolean inside = minuteResolution
                    ? a.minute() >= currentMinute - window.toMinutes() && a.minute() <= currentMinute
                    : Math.floorDiv(a.minute(), 60) >= Math.floorDiv(currentMinute, 60) - window.toHours();
            if (inside) {
                good += a.good();
                total += a.total();
            }
        }
        return new long[] { good, total };
    }

    @Test
    void fiveMinuteWindowIsTheCurrentMinutePlusFiveCompleteOnes() {
        SliWindows windows = new SliWindows(Duration.ofDays(30));
        long start = T.getEpochSecond() / 60;
        windows.advance(T);
        for (long m = start; m < start + 10; m++) {
            windows.add(minute(m), 1, 1);
        }
        windows.advance(minute(start + 9).plusSeconds(30));
        // covers minutes start+4 .. start+9: the current one and five before it
        assertEquals(6, windows.total(SliWindows.FIVE_MINUTES));
        assertEquals(10, windows.total(SliWindows.THIRTY_MINUTES));
        windows.advance(minute(start + 10));
        assertEquals(5, windows.total(SliWindows.FIVE_MINUTES));
    }

    @Test
    void dayWindowsUseWholeHours() {
        SliWindows windows = new SliWindows(Duration.ofDays(7));
        windows.advance(T);
        windows.add(T.minus(Duration.ofHours(24)), 5, 5); // the hour bucket 24 h before the current one
        windows.add(T.minus(Duration.ofHours(25)), 7, 7);
        assertEquals(5, windows.total(SliWindows.ONE_DAY));
        assertEquals(12, windows.total(SliWindows.THREE_DAYS));
        windows.advance(T.plus(Duration.ofMinutes(59)));
        assertEquals(5, windows.total(SliWindows.ONE_DAY));
        windows.advance(T.plus(Duration.ofHours(1)));
        assertEquals(0, windows.total(SliWindows.ONE_DAY));
        assertEquals(12, windows.total(Duration.ofDays(7)));
    }

    @Test
    void dataOlderThanTheSloWindowIsIgnoredAndAJumpEmptiesEverything() {
        SliWindows windows = new SliWindows(Duration.ofDays(7));
        windows.advance(T);
        windows.add(T.minus(Duration.ofDays(8)), 3, 3);
        assertEquals(0, windows.total(Duration.ofDays(7)));
        assertNull(windows.lastEventMinute());
        windows.add(T, 9, 10);
        assertEquals(T, windows.lastEventMinute());
        windows.advance(T.plus(Duration.ofDays(400)));
        for (Duration window : windows.windows()) {
            assertEquals(0, windows.total(window));
            assertEquals(0, windows.good(window));
        }
        assertEquals(T, windows.lastEventMinute()); // still known: NO_DATA needs it
        // The emptied rings were given back; events after the silence are counted in fresh ones.
        Instant later = T.plus(Duration.ofDays(400));
        windows.add(later, 4, 5);
        for (Duration window : windows.windows()) {
            assertEquals(5, windows.total(window), window.toString());
            assertEquals(4, windows.good(window), window.toString());
        }
    }

    /**
     * A live replica moves time an evaluation at a time, never by a whole ring: once the last events have left the SLO
     * window, everything is forgotten as after a jump, and traffic coming back starts a history of its own (the
     * volume alert's 6 hours of history count from it). Before, only a jump past the ring did that.
     */
    @Test
    void steppingPastTheSloWindowForgetsEverythingAsAJumpDoes() {
        SliWindows windows = new SliWindows(Duration.ofDays(7));
        windows.add(T, 9, 10);
        for (int hour = 1; hour <= 8 * 24; hour++) {
            windows.advance(T.plus(Duration.ofHours(hour)));
            assertEquals(hour <= 7 * 24 ? T : null, windows.firstEventMinute(), "hour " + hour);
        }
        Instant back = T.plus(Duration.ofDays(8));
        windows.add(back, 5, 5);
        assertEquals(back, windows.firstEventMinute());
        assertEquals(0, windows.volume().historyHours(), "a history of its own");
        for (Duration window : windows.windows()) {
            assertEquals(5, windows.total(window), window.toString());
        }
    }

    @Test
    void addAheadOfTimeMovesTime() {
        SliWindows windows = new SliWindows(Duration.ofDays(7));
        windows.advance(T);
        windows.add(T.plus(Duration.ofMinutes(3)), 1, 2);
        assertEquals(T.plus(Duration.ofMinutes(3)), windows.currentMinute());
        assertEquals(2, windows.total(SliWindows.FIVE_MINUTES));
        assertEquals(1, windows.good(SliWindows.FIVE_MINUTES));
    }

    @Test
    void volumeComparesThirtyCompleteMinutesWithTheDayBefore() {
        SliWindows windows = new SliWindows(Duration.ofDays(30));
        long start = T.getEpochSecond() / 60;
        windows.advance(T);
        for (long m = start; m < start + 2 * 1_440; m++) {
            windows.advance(minute(m));
            windows.add(minute(m), 100, 100);
        }
        SliWindows.VolumeSample volume = windows.volume();
        assertEquals(3_000, volume.lastThirtyMinutes()); // the current minute is not counted
        assertEquals(3_000.0, volume.averagePerThirtyMinutes(), 1e-9);
        assertEquals(24, volume.historyHours());
    }

    @Test
    void volumeAveragesOnlyOverHoursWithHistory() {
        SliWindows windows = new SliWindows(Duration.ofDays(30));
        long start = T.getEpochSecond() / 60;
        for (long m = start; m < start + 8 * 60; m++) {
            windows.advance(minute(m));
            windows.add(minute(m), 10, 10);
        }
        windows.advance(minute(start + 8 * 60));
        SliWindows.VolumeSample volume = windows.volume();
        assertEquals(8, volume.historyHours());
        assertEquals(300.0, volume.averagePerThirtyMinutes(), 1e-9);
        assertEquals(300, volume.lastThirtyMinutes());
    }

    @Test
    void rejectsWhatItCannotCount() {
        SliWindows windows = new SliWindows(Duration.ofDays(7));
        assertThrows(IllegalArgumentException.class, () -> windows.add(T.plusSeconds(1), 1, 1));
        assertThrows(IllegalArgumentException.class, () -> windows.add(T, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> windows.total(Duration.ofMinutes(7)));
        assertThrows(IllegalArgumentException.class, () -> new SliWindows(Duration.ofHours(36)));
    }
}
