package dev.daff.slo.burn;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Good and total event counts of one SLO over the alerting windows (5m, 30m, 1h, 2h, 6h, 1d, 3d and the full
 * SLO window), kept as running sums so that reading a window costs O(1) however long it is.
 *
 * <p><b>Why two resolutions.</b> The short windows decide when to page, where a minute matters: the 1h/5m
 * tier must fire within about a minute of a total outage, so windows up to 6h are kept per minute (a ring of
 * 361 minutes). The 1d, 3d and SLO windows feed tickets and the budget, where an hour of edge blur moves the
 * result by at most 1/24 of the 1d window; keeping them per minute would cost 43,200 buckets per SLO for a
 * 30-day window, which with 10,000 SLOs is several gigabytes. Hour buckets (one ring of days × 24 + 1 hours)
 * keep an SLO at about (361 + 721) × 2 ints, ~9 KB (longs, ~17 KB, for a ring once a bucket passes 2^31 events).
 *
 * <p><b>Edges.</b> A window of length W at the current minute bucket {@code c} (the minute containing the
 * last {@code advance} or the newest {@code add}) covers the buckets {@code [c − W, c]} at its resolution:
 * the current, still filling bucket plus W worth of complete buckets before it. A window therefore never
 * covers less than W and at most one bucket more (W to W + 1 minute for 5m…6h, W to W + 1 hour for 1d, 3d
 * and the SLO window). We chose "never shorter" so that the data which made an alert fire stays in the window
 * for at least W: a one-minute outage leaves the 5m window five minutes after it ended, as the Workbook
 * expects.
 *
 * <p><b>Time.</b> Time only moves forward. {@link #add} for a minute after the current one moves time to that
 * minute (clocks of producers run a little ahead; dropping their data would hide errors). Data for a bucket
 * that has left the SLO-window ring is ignored. Advancing costs O(elapsed buckets × windows), capped by the
 * ring sizes: a jump longer than a ring clears it at once.
 *
 * <p>Not thread-safe: one owner per SLO.
 */
public final class SliWindows {

    public static final Duration FIVE_MINUTES = Duration.ofMinutes(5);
    public static final Duration THIRTY_MINUTES = Duration.ofMinutes(30);
    public static final Duration ONE_HOUR = Duration.ofHours(1);
    public static final Duration TWO_HOURS = Duration.ofHours(2);
    public static final Duration SIX_HOURS = Duration.ofHours(6);
    public static final Duration ONE_DAY = Duration.ofDays(1);
    public static final Duration THREE_DAYS = Duration.ofDays(3);

    /**
     * The most events one call may add for one minute. Bounded inputs are what keep every running sum exact: a
     * 30-day window of full minutes holds 43,200 × 10^12 events, far below {@code Long.MAX_VALUE}.
     */
    public static final long MAX_EVENTS_PER_MINUTE = 1_000_000_000_000L;

    /** Window lengths in minutes, kept at minute resolution (the 30-minute one is second). */
    private static final long[] MINUTE_WINDOWS = { 5, 30, 60, 120, 360 };
    private static final int THIRTY_MINUTE_INDEX = 1;
    private static final long UNSET = Long.MIN_VALUE;

    private final Duration sloWindow;
    /** Minute buckets for 5m to 6h; hour buckets for 1d, 3d and the SLO window (index 0 is the day). */
    private final BucketRing minutes = new BucketRing(MINUTE_WINDOWS);
    private final BucketRing hours;

    /** Epoch minute of the current bucket; UNSET until the first add or advance. */
    private long currentMinute = UNSET;
    private long firstEventMinute = UNSET;
    private long lastEventMinute = UNSET;

    /** @param sloWindow the SLO period, whole days and at least the 3-day ticket window (7, 28 or 30 days) */
    public SliWindows(Duration sloWindow) {
        if (sloWindow == null || sloWindow.toSeconds() % 86_400 != 0 || sloWindow.toDays() < 3) {
            throw new IllegalArgumentException("SLO window must be whole days, at least 3: " + sloWindow);
        }
        this.sloWindow = sloWindow;
        this.hours = new BucketRing(24, 72, sloWindow.toHours());
    }

    public Duration sloWindow() {
        return sloWindow;
    }

    /** The windows {@link #good} and {@link #total} can read. */
    public List<Duration> windows() {
        return List.of(FIVE_MINUTES, THIRTY_MINUTES, ONE_HOUR, TWO_HOURS, SIX_HOURS, ONE_DAY, THREE_DAYS,
                sloWindow);
    }

    /**
     * Adds counts to the minute bucket starting at {@code minute}; repeated calls for one minute accumulate.
     */
    public void add(Instant minute, long good, long total) {
        add(minute, good, total, MAX_EVENTS_PER_MINUTE);
    }

    /**
     * Adds a bucket of stored history as {@code SliBuckets} reads it: a minute, or, at the start of an hour, an hour
     * older than the minute resolution summed from its minutes — which may hold sixty minutes' limit. (Two full
     * minutes of one such hour once kept the SLO from being loaded at all, so from being evaluated.)
     */
    public void addStored(Instant at, long good, long total) {
        add(at, good, total, at.getEpochSecond() % 3_600 == 0 ? 60 * MAX_EVENTS_PER_MINUTE : MAX_EVENTS_PER_MINUTE);
    }

    /** Sums stay exact with buckets up to 60 × {@link #MAX_EVENTS_PER_MINUTE}: 43,200 of them are below 2^62. */
    private void add(Instant minute, long good, long total, long limit) {
        long epochSecond = minute.getEpochSecond();
        if (epochSecond % 60 != 0 || minute.getNano() != 0) {
            throw new IllegalArgumentException("not the start of a minute: " + minute);
        }
        if (good < 0 || total < good || total > limit) {
            throw new IllegalArgumentException("need 0 <= good <= total <= " + limit + ", got good=" + good
                    + " total=" + total);
        }
        long bucketMinute = epochSecond / 60;
        if (currentMinute == UNSET) {
            currentMinute = bucketMinute;
        } else if (bucketMinute > currentMinute) {
            moveTo(bucketMinute);
        }
        long bucketHour = Math.floorDiv(bucketMinute, 60);
        long currentHour = Math.floorDiv(currentMinute, 60);
        if (!hours.holds(bucketHour, currentHour)) {
            return; // older than the SLO window: no window will ever read it
        }
        hours.add(bucketHour, currentHour, good, total);
        if (minutes.holds(bucketMinute, currentMinute)) {
            minutes.add(bucketMinute, currentMinute, good, total);
        }
        if (total > 0) {
            lastEventMinute = lastEventMinute == UNSET ? bucketMinute : Math.max(lastEventMinute, bucketMinute);
            firstEventMinute = firstEventMinute == UNSET ? bucketMinute : Math.min(firstEventMinute, bucketMinute);
        }
    }

    /**
     * Notes that the SLO had events in {@code minute}, stored outside what the windows hold to the minute (within an
     * hour's bucket, or before the SLO window): when it was last heard from, for NO_DATA.
     */
    public void heardAt(Instant minute) {
        long epochMinute = Math.floorDiv(minute.getEpochSecond(), 60);
        lastEventMinute = lastEventMinute == UNSET ? epochMinute : Math.max(lastEventMinute, epochMinute);
    }

    /** Moves time forward to the minute containing {@code now}; earlier instants change nothing. */
    public void advance(Instant now) {
        long minute = Math.floorDiv(now.getEpochSecond(), 60);
        if (currentMinute == UNSET) {
            currentMinute = minute;
        } else if (minute > currentMinute) {
            moveTo(minute);
        }
    }

    /** Good events in {@code window} (one of {@link #windows()}), O(1). */
    public long good(Duration window) {
        int index = minuteWindowIndex(window);
        return index >= 0 ? minutes.windowGood(index) : hours.windowGood(hourWindowIndex(window));
    }

    /** All events in {@code window} (one of {@link #windows()}), O(1). */
    public long total(Duration window) {
        int index = minuteWindowIndex(window);
        return index >= 0 ? minutes.windowTotal(index) : hours.windowTotal(hourWindowIndex(window));
    }

    /** Start of the current minute bucket, or null before the first add or advance. */
    public Instant currentMinute() {
        return currentMinute == UNSET ? null : Instant.ofEpochSecond(currentMinute * 60);
    }

    /** Start of the latest minute that had at least one event, or null if none ever had. */
    public Instant lastEventMinute() {
        return lastEventMinute == UNSET ? null : Instant.ofEpochSecond(lastEventMinute * 60);
    }

    /**
     * Start of the earliest minute with events since the counts last expired entirely (a silence longer than
     * the SLO window), or null: the start of this SLO's usable history.
     */
    public Instant firstEventMinute() {
        return firstEventMinute == UNSET ? null : Instant.ofEpochSecond(firstEventMinute * 60);
    }

    /**
     * Recent traffic against the day before, for the VOLUME_DROP alarm, O(1).
     *
     * <p>The recent count is the 30 <em>complete</em> minutes before the current one: the current minute is
     * still filling and would make every evaluation early in a minute look like a drop. The baseline is the 24
     * complete hours before the current hour, divided by the hours of history inside them (a service that
     * started 8 hours ago is compared with its 8 hours, not with a day diluted by 16 empty hours).
     */
    public VolumeSample volume() {
        if (currentMinute == UNSET) {
            return new VolumeSample(0, 0, 0);
        }
        long lastThirty = minutes.windowTotal(THIRTY_MINUTE_INDEX) - minutes.bucketTotal(currentMinute);
        long currentHour = Math.floorDiv(currentMinute, 60);
        long completeDay = hours.windowTotal(0) - hours.bucketTotal(currentHour);
        long historyHours = firstEventMinute == UNSET ? 0
                : Math.max(0, Math.min(24, currentHour - Math.floorDiv(firstEventMinute, 60)));
        double averagePerThirtyMinutes = historyHours == 0 ? 0.0 : completeDay / (historyHours * 2.0);
        return new VolumeSample(lastThirty, averagePerThirtyMinutes, historyHours);
    }

    /**
     * The complete minutes before the current one since the latest silence of at least {@code silence} (minutes
     * without events) ended, at most {@code limit} (also when none ended within it). O(limit + silence).
     */
    public long minutesSinceSilence(Duration silence, long limit) {
        long needed = Math.max(1, silence.toMinutes());
        long zeros = 0;
        for (long minute = currentMinute - 1; currentMinute != UNSET && minutes.holds(minute, currentMinute)
                && currentMinute - 1 - minute < limit + needed; minute--) {
            if (minutes.bucketTotal(minute) > 0) {
                zeros = 0;
            } else if (++zeros >= needed) {
                return Math.min(limit, currentMinute - minute - zeros); // the minutes after the silence's last one
            }
        }
        return limit;
    }

    /**
     * @param lastThirtyMinutes       events in the 30 complete minutes before the current minute
     * @param averagePerThirtyMinutes events per 30 minutes over the complete hours of the previous 24 h
     * @param historyHours            complete hours of history behind that average (0 to 24)
     */
    public record VolumeSample(long lastThirtyMinutes, double averagePerThirtyMinutes, long historyHours) {
    }

    private void moveTo(long targetMinute) {
        long currentHour = Math.floorDiv(currentMinute, 60);
        long targetHour = Math.floorDiv(targetMinute, 60);
        minutes.advance(currentMinute, targetMinute);
        if (targetHour > currentHour) {
            hours.advance(currentHour, targetHour);
            if (hours.empty()) {
                firstEventMinute = UNSET; // everything counted has left the SLO window, and the rings were given back
            }
        }
        currentMinute = targetMinute;
    }

    private int minuteWindowIndex(Duration window) {
        return window.toSeconds() % 60 == 0 ? minutes.windowIndex(window.toSeconds() / 60) : -1;
    }

    private int hourWindowIndex(Duration window) {
        int index = window.toSeconds() % 3_600 == 0 ? hours.windowIndex(window.toSeconds() / 3_600) : -1;
        if (index < 0) {
            throw new IllegalArgumentException("no running sum for window " + window + "; supported: " + windows());
        }
        return index;
    }
}
