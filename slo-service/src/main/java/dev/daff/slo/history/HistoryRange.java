package dev.daff.slo.history;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

import dev.daff.kit.problem.ProblemException;

/**
 * The steps a history request asks for: every {@code step} (whole minutes) back from {@code to} as far as {@code from}
 * (both truncated to the minute), oldest first, so the newest point is always {@code to}. At most {@link #MAX_POINTS} points and {@link #MAX_RANGE} of range, so one request
 * reads a bounded number of buckets. Without {@code to} it ends now, without {@code from} one SLO window earlier,
 * and without {@code step} the service picks the smallest whole-minute step that fits in {@link #MAX_POINTS}
 * points (reported as {@code stepWidened}); an explicit step that would need more points is refused, not changed.
 */
public record HistoryRange(Instant from, Instant to, Duration step, boolean stepWidened) {

    public static final int MAX_POINTS = 500;
    public static final Duration MAX_RANGE = Duration.ofDays(30);
    private static final Duration LATEST_AHEAD = Duration.ofDays(1);
    /** What retention keeps beyond two windows ({@code BucketRetention.GRACE}). */
    private static final Duration RETENTION_SLACK = Duration.ofHours(1);

    public int points() {
        return (int) (Duration.between(from, to).toMinutes() / step.toMinutes()) + 1;
    }

    /** The {@code index}th point, oldest first; the last one is {@code to}. */
    public Instant at(int index) {
        return to.minus(step.multipliedBy(points() - 1L - index));
    }

    /** Parses the query parameters; each refusal is a 400 naming the parameter. */
    public static HistoryRange parse(String fromParam, String toParam, String stepParam, Duration sloWindow,
            Instant now) {
        Instant to = blank(toParam) ? now : instant("to", toParam, now);
        to = to.truncatedTo(ChronoUnit.MINUTES);
        // Retention keeps two windows of minutes and an hour (BucketRetention), and a point reads the window before
        // it: a point older than that read part of its window and showed what an older outage spent as unspent. The
        // hour is slack for a client whose "a window ago" is a little behind this clock.
        Instant oldest = now.truncatedTo(ChronoUnit.MINUTES).minus(sloWindow).minus(RETENTION_SLACK);
        if (to.isBefore(oldest)) {
            throw ProblemException.invalidField("to", "may reach back one SLO window (" + sloWindow.toDays()
                    + " days) at most: older minutes are not kept, and each point reads the window before it");
        }
        Instant from = blank(fromParam) ? latest(to.minus(sloWindow), oldest) : instant("from", fromParam, now);
        from = from.truncatedTo(ChronoUnit.MINUTES);
        if (from.isBefore(oldest)) {
            throw ProblemException.invalidField("from", "may reach back one SLO window (" + sloWindow.toDays()
                    + " days) at most: older minutes are not kept, and each point reads the window before it");
        }
        if (from.isAfter(to)) {
            throw ProblemException.invalidField("from", "must not be after to");
        }
        Duration range = Duration.between(from, to);
        if (range.compareTo(MAX_RANGE) > 0) {
            throw ProblemException.invalidField("from", "the range may be at most " + MAX_RANGE.toDays() + " days");
        }
        long minimumMinutes = Math.max(1, ceilDiv(range.toMinutes(), MAX_POINTS - 1));
        if (blank(stepParam)) {
            return new HistoryRange(from, to, Duration.ofMinutes(minimumMinutes), true);
        }
        Duration step = duration(stepParam);
        if (step.toMinutes() < minimumMinutes) {
            throw ProblemException.invalidField("step", "gives more than " + MAX_POINTS + " points for this range; use "
                    + minimumMinutes + " minutes or more, or leave step out");
        }
        return new HistoryRange(from, to, step, false);
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Duration duration(String value) {
        Duration step;
        try {
            step = value.chars().allMatch(Character::isDigit) ? Duration.ofSeconds(Long.parseLong(value))
                    : Duration.parse(value);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw ProblemException.invalidField("step", "must be an ISO-8601 duration (PT5M) or seconds (300)");
        }
        // The fraction too: toSeconds() drops it, and PT1M0.5S was taken for a minute while the points stepped by 60.5 s.
        if (step.toSeconds() < 60 || step.toSeconds() % 60 != 0 || step.getNano() != 0) {
            throw ProblemException.invalidField("step", "must be whole minutes, at least one");
        }
        return step;
    }

    /**
     * Bounded to the epoch and a day ahead: Java parses instants a billion years away, which no history holds and
     * whose arithmetic (a window before them) overflows.
     */
    private static Instant instant(String name, String value, Instant now) {
        Instant instant;
        try {
            instant = Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ProblemException.invalidField(name, "must be an ISO-8601 instant (2026-12-01T10:00:00Z)");
        }
        if (instant.isBefore(Instant.EPOCH) || instant.isAfter(now.plus(LATEST_AHEAD))) {
            throw ProblemException.invalidField(name, "must lie between 1970-01-01T00:00:00Z and a day from now");
        }
        return instant;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static long ceilDiv(long dividend, long divisor) {
        return -Math.floorDiv(-dividend, divisor);
    }
}
