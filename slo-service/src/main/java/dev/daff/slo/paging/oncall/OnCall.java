package dev.daff.slo.paging.oncall;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAmount;
import java.util.List;

import org.jboss.logging.Logger;

/**
 * Who is on call at an instant: rotation arithmetic in the schedule's time zone (so a weekly hand-over stays at
 * 09:00 local across DST changes), then overrides, which win. Plain rules, no framework but a logger.
 */
public record OnCall(String primary, String secondary, Instant shiftStartedAt, Instant shiftEndsAt, boolean overridden) {

    private static final Logger LOG = Logger.getLogger(OnCall.class);

    /** The shortest shift a rotation may have: anything shorter is not an on-call rotation but a typo. */
    public static final Duration MIN_SHIFT = Duration.ofHours(1);
    /** The longest shift a rotation may have, in days. */
    public static final int MAX_SHIFT_DAYS = 366;
    /** The Gregorian calendar's mean month (over its 400-year cycle), for estimating calendar shifts. */
    private static final double MEAN_MONTH_SECONDS = 365.2425 * 86_400 / 12;

    public static OnCall at(TeamDefinition team, Instant at) {
        TeamDefinition.Rotation rotation = team.rotation();
        List<String> members = rotation.members();
        TemporalAmount shift = shiftLength(rotation.shiftLength());
        ZonedDateTime start = rotation.startsAt().atZone(zoneOrUtc(rotation.timeZone()));
        long index = shiftIndex(start, shift, at);
        long turn = index + rotation.turnsAheadOrNone();
        String primary = members.get(Math.floorMod(turn, members.size()));
        String secondary = nextAfter(primary, members, turn);
        Instant shiftStart = plus(start, shift, index).toInstant();
        Instant shiftEnd = plus(start, shift, index + 1).toInstant(); // or when an override begins, below
        TeamDefinition.Override covering = null; // the override that wins now
        TeamDefinition.Override under = null; // the best of the others in force: the one the winner stands in for
        Instant nextOverride = null; // the next override to begin: it wins when it does
        for (TeamDefinition.Override override : team.overridesOrNone()) {
            if (override.from().isAfter(at) && (nextOverride == null || override.from().isBefore(nextOverride))) {
                nextOverride = override.from();
            }
            if (at.isBefore(override.from()) || !at.isBefore(override.to())) {
                continue;
            }
            if (covering == null || winsOver(override, covering)) {
                under = covering;
                covering = override;
            } else if (under == null || winsOver(override, under)) {
                under = override;
            }
        }
        if (covering != null) {
            // The stand-in is primary; whoever they stand in for backs them up: the override they cover a part of
            // (carol, who took alice's week, behind bob's night), else the rotation's primary. The rotation's primary
            // backed up a night inside someone's week: alice, who had handed the week away, not carol, who had it.
            String coveringHandle = covering.handle();
            String backup = java.util.stream.Stream.of(under == null ? null : under.handle(), primary, secondary)
                    .filter(handle -> handle != null && !handle.equals(coveringHandle)).findFirst().orElse(secondary);
            return new OnCall(coveringHandle, backup, covering.from(), earlier(covering.to(), nextOverride), true);
        }
        shiftEnd = earlier(shiftEnd, nextOverride);
        return new OnCall(primary, secondary, shiftStart, shiftEnd, false);
    }

    /**
     * The first member after turn {@code turn} who is not {@code primary}: listed twice in a row (a double shift), the
     * primary was their own secondary, and the SECONDARY step paged again the one who had not answered. A rotation of
     * one has nobody else, and answers the primary.
     */
    private static String nextAfter(String primary, List<String> members, long turn) {
        for (int ahead = 1; ahead < members.size(); ahead++) {
            String next = members.get(Math.floorMod(turn + ahead, members.size()));
            if (!next.equals(primary)) {
                return next;
            }
        }
        return primary;
    }

    /**
     * {@code after} with {@code turnsAhead} set so that whoever the rotation had on call at {@code now} under
     * {@code before} still is until their shift ends, then the new order goes on. Shifts are counted from the start
     * over the members, so adding dave moved the week from bob, who was on call, to carol, who did not know, and nothing
     * said so. Someone removed hands over to whoever was to follow them. The members as before keep the turns as
     * before (a PUT sent again changes nothing); a new start, shift or zone, or a rotation not started yet, is as sent.
     * The shifts' times never move.
     */
    public static TeamDefinition.Rotation keepingWhoIsOnCall(TeamDefinition.Rotation before,
            TeamDefinition.Rotation after, Instant now) {
        TeamDefinition.Rotation sent = after.asSent();
        if (!before.startsAt().equals(sent.startsAt()) || !before.shiftLength().equals(sent.shiftLength())
                || !before.timeZone().equals(sent.timeZone())) {
            return sent;
        }
        if (before.members().equals(sent.members())) {
            return before;
        }
        long index = shiftIndex(before.startsAt().atZone(zoneOrUtc(before.timeZone())),
                shiftLength(before.shiftLength()), now);
        if (index < 0) {
            return sent; // nobody is on call by it yet: its first shift goes to its first member
        }
        List<String> was = before.members();
        long turn = index + before.turnsAheadOrNone();
        for (int next = 0; next < was.size(); next++) {
            int stays = sent.members().indexOf(was.get(Math.floorMod(turn + next, was.size())));
            if (stays >= 0) {
                int ahead = (int) Math.floorMod(stays - index, (long) sent.members().size());
                return new TeamDefinition.Rotation(sent.members(), sent.shiftLength(), sent.startsAt(), sent.timeZone(),
                        ahead == 0 ? null : ahead);
            }
        }
        return sent;
    }

    /**
     * Of overlapping overrides the one that started last wins (of two starting together, the shorter): a night's
     * cover inside a week's is the more particular arrangement, and the first listed paged the week's stand-in on the
     * night they had handed on.
     */
    private static boolean winsOver(TeamDefinition.Override override, TeamDefinition.Override other) {
        return override.from().isAfter(other.from())
                || override.from().equals(other.from()) && override.to().isBefore(other.to());
    }

    /** Until when who is on call now stays so: {@code end}, or an override's beginning before it. */
    private static Instant earlier(Instant end, Instant nextOverride) {
        return nextOverride != null && nextOverride.isBefore(end) ? nextOverride : end;
    }

    /**
     * The schedule's zone, or UTC when this JDK does not know it (a zone stored by a replica on a newer time-zone
     * database than this one's): the hand-overs shift by the zone's offset, but the page still reaches someone on
     * the rotation.
     */
    public static ZoneId zoneOrUtc(String zone) {
        try {
            return ZoneId.of(zone);
        } catch (DateTimeException e) {
            LOG.warnf("on-call schedule's time zone %s is unknown to this JDK; working out who is on call in UTC", zone);
            return ZoneOffset.UTC;
        }
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

    /** Whether a shift is long enough to be taken for a rotation (every positive calendar period is: P1D and up). */
    public static boolean atLeastMinimum(TemporalAmount shift) {
        return !(shift instanceof Duration duration) || duration.compareTo(MIN_SHIFT) >= 0;
    }

    /**
     * Whether a shift is at most a year ({@link #MAX_SHIFT_DAYS}): longer is a typo, and one of a billion years
     * overflowed the calendar at paging time, so its team was never paged.
     */
    public static boolean atMostMaximum(TemporalAmount shift) {
        double days = shift instanceof Duration duration ? duration.toSeconds() / 86_400.0
                : ((Period) shift).toTotalMonths() * (MEAN_MONTH_SECONDS / 86_400) + ((Period) shift).getDays();
        return days <= MAX_SHIFT_DAYS;
    }

    /**
     * The largest k with start + k·shift ≤ at (negative before the rotation starts), by arithmetic: the same few
     * steps for a rotation that started an hour ago or in year 1.
     */
    static long shiftIndex(ZonedDateTime start, TemporalAmount shift, Instant at) {
        if (shift instanceof Duration exact) {
            Duration elapsed = Duration.between(start.toInstant(), at);
            long k = elapsed.dividedBy(exact); // towards zero; before the start we want the floor
            return elapsed.isNegative() && !exact.multipliedBy(k).equals(elapsed) ? k - 1 : k;
        }
        // A calendar shift varies in length (months, DST), but its mean does not: estimate with the mean, then step.
        // The calendar never drifts from its mean by more than a few days, so this takes one or two steps at most.
        Period period = (Period) shift;
        double meanSeconds = period.toTotalMonths() * MEAN_MONTH_SECONDS + period.getDays() * 86_400.0;
        long k = (long) Math.floor((at.getEpochSecond() - start.toEpochSecond()) / meanSeconds);
        while (plus(start, shift, k).toInstant().isAfter(at)) {
            k--;
        }
        while (!plus(start, shift, k + 1).toInstant().isAfter(at)) {
            k++;
        }
        return k;
    }

    /** start + times·shift; a calendar shift is added in local time, keeping the start's offset where it can. */
    static ZonedDateTime plus(ZonedDateTime start, TemporalAmount shift, long times) {
        if (shift instanceof Period period) {
            return ZonedDateTime.ofLocal(start.toLocalDateTime()
                    .plusMonths(Math.multiplyExact(period.toTotalMonths(), times))
                    .plusDays(Math.multiplyExact((long) period.getDays(), times)), start.getZone(), start.getOffset());
        }
        return start.plus(((Duration) shift).multipliedBy(times));
    }
}
