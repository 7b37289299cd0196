package dev.daff.slo.paging;

import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAmount;
import java.util.List;

/**
 * Who is on call at an instant: rotation arithmetic in the schedule's time zone (so a weekly hand-over stays at
 * 09:00 local across DST changes), then overrides, which win. Plain rules, no framework.
 */
public record OnCall(String primary, String secondary, Instant shiftStartedAt, Instant shiftEndsAt, boolean overridden) {

    public static OnCall at(TeamDefinition team, Instant at) {
        TeamDefinition.Rotation rotation = team.rotation();
        List<String> members = rotation.members();
        TemporalAmount shift = shiftLength(rotation.shiftLength());
        ZonedDateTime start = rotation.startsAt().atZone(ZoneId.of(rotation.timeZone()));
        long index = shiftIndex(start, shift, at);
        String primary = members.get(Math.floorMod(index, members.size()));
        String secondary = members.get(Math.floorMod(index + 1, members.size()));
        Instant shiftStart = plus(start, shift, index).toInstant();
        Instant shiftEnd = plus(start, shift, index + 1).toInstant();
        for (TeamDefinition.Override override : team.overridesOrNone()) {
            if (!at.isBefore(override.from()) && at.isBefore(override.to())) {
                // The stand-in is primary; the rotation's primary backs them up (unless they are the same person).
                String backup = override.handle().equals(primary) ? secondary : primary;
                return new OnCall(override.handle(), backup, override.from(), override.to(), true);
            }
        }
        return new OnCall(primary, secondary, shiftStart, shiftEnd, false);
    }

    /** ISO-8601: a date-based period (P7D) follows the local calendar; a time-based duration (PT12H) is exact. */
    public static TemporalAmount shiftLength(String iso) {
        TemporalAmount amount = iso.contains("T") ? Duration.parse(iso) : Period.parse(iso);
        boolean positive = amount instanceof Duration duration ? !duration.isNegative() && !duration.isZero()
                : !((Period) amount).isNegative() && !((Period) amount).isZero();
        if (!positive) {
            throw new IllegalArgumentException("shift length must be positive: " + iso);
        }
        return amount;
    }

    /** The largest k with start + k·shift ≤ at (negative before the rotation starts). */
    static long shiftIndex(ZonedDateTime start, TemporalAmount shift, Instant at) {
        long approximateSeconds = plus(start, shift, 1).toEpochSecond() - start.toEpochSecond();
        long k = Math.floorDiv(at.getEpochSecond() - start.toEpochSecond(), Math.max(1, approximateSeconds));
        while (plus(start, shift, k).toInstant().isAfter(at)) {
            k--;
        }
        while (!plus(start, shift, k + 1).toInstant().isAfter(at)) {
            k++;
        }
        return k;
    }

    private static ZonedDateTime plus(ZonedDateTime start, TemporalAmount shift, long times) {
        if (shift instanceof Period period) {
            return start.plus(period.multipliedBy(Math.toIntExact(times)));
        }
        return start.plus(((Duration) shift).multipliedBy(times));
    }
}
