package dev.daff.slo.paging.oncall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAmount;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class OnCallTest {

    static TeamDefinition weekly(String startsAt, String zone, List<TeamDefinition.Override> overrides) {
        List<TeamDefinition.Member> members = List.of("alice", "bob", "carol").stream()
                .map(handle -> new TeamDefinition.Member(handle, handle, List.of())).toList();
        return new TeamDefinition(members, null,
                new TeamDefinition.Rotation(List.of("alice", "bob", "carol"), "P7D", Instant.parse(startsAt), zone),
                overrides, null);
    }

    @Test
    void weeklyHandOverStaysAtNineLocalAcrossTheSpringDstChange() {
        // Monday 23 March 2026 09:00 GMT; the clocks go forward on Sunday 29 March. The next hand-over is Monday 30
        // March 09:00 BST = 08:00 UTC — seven calendar days, but only 167 hours, later.
        TeamDefinition team = weekly("2026-03-23T09:00:00Z", "Europe/London", List.of());
        assertEquals("alice", OnCall.at(team, Instant.parse("2026-03-30T07:59:59Z")).primary());
        OnCall afterHandOver = OnCall.at(team, Instant.parse("2026-03-30T08:15:00Z"));
        assertEquals("bob", afterHandOver.primary(), "a naive 7 × 24 h shift would still say alice until 09:00 UTC");
        assertEquals("carol", afterHandOver.secondary());
        assertEquals(Instant.parse("2026-03-30T08:00:00Z"), afterHandOver.shiftStartedAt());
        assertEquals(Instant.parse("2026-04-06T08:00:00Z"), afterHandOver.shiftEndsAt());
    }

    /** helper-104's case: bob's week, mid-March in London, when dave joins, or carol or bob leaves. */
    @Test
    void aRotationWhoseMembersChangeKeepsWhoeverIsOnCallUntilTheirShiftEnds() {
        Instant now = Instant.parse("2025-03-20T12:00:00Z");
        TeamDefinition.Rotation before = weekly("2025-01-06T09:00:00Z", "Europe/London", List.of()).rotation();
        OnCall was = OnCall.at(teamOf(before), now);
        assertEquals("bob", was.primary());

        TeamDefinition.Rotation withDave = OnCall.keepingWhoIsOnCall(before, rotation(before, "alice", "bob", "carol",
                "dave"), now);
        OnCall is = OnCall.at(teamOf(withDave), now);
        assertEquals("bob", is.primary(), "as sent, carol would have been on call at once");
        assertEquals("carol", is.secondary());
        assertEquals(was.shiftStartedAt(), is.shiftStartedAt());
        assertEquals(was.shiftEndsAt(), is.shiftEndsAt());
        assertEquals(List.of("carol", "dave", "alice", "bob"), List.of(1, 2, 3, 4).stream()
                .map(week -> OnCall.at(teamOf(withDave), now.plus(Duration.ofDays(7L * week))).primary()).toList(),
                "then on in the new order, at the same local hand-over across the clocks going forward");

        assertEquals("bob", OnCall.at(teamOf(OnCall.keepingWhoIsOnCall(before, rotation(before, "alice", "bob"), now)),
                now).primary(), "carol left: bob still has his week");
        assertEquals("carol", OnCall.at(teamOf(OnCall.keepingWhoIsOnCall(before, rotation(before, "alice", "carol"),
                now)), now).primary(), "bob left: whoever was to follow him takes over");
        TeamDefinition.Rotation restarted = new TeamDefinition.Rotation(List.of("alice", "bob", "carol", "dave"), "P7D",
                Instant.parse("2025-03-17T09:00:00Z"), "Europe/London");
        assertEquals(restarted, OnCall.keepingWhoIsOnCall(before, restarted, now), "a new start is as sent");

        // Sent again (a retry, a configuration re-applied), the same members keep the turns they have.
        assertEquals(withDave, OnCall.keepingWhoIsOnCall(withDave, rotation(before, "alice", "bob", "carol", "dave"),
                now.plus(Duration.ofDays(3))));
        assertEquals(before.startsAt(), withDave.startsAt(), "the start stays as the team wrote it");
        TeamDefinition.Rotation notYet = rotation(new TeamDefinition.Rotation(List.of("alice", "bob", "carol"), "P7D",
                Instant.parse("2025-03-24T09:00:00Z"), "Europe/London"), "alice", "bob", "carol", "dave");
        assertEquals(notYet, OnCall.keepingWhoIsOnCall(new TeamDefinition.Rotation(List.of("alice", "bob", "carol"), "P7D",
                Instant.parse("2025-03-24T09:00:00Z"), "Europe/London"), notYet, now), "not started: its first is first");
    }

    /** Month-long shifts from the 30th: turns move, shifts do not, so no month's end shortens one. */
    @Test
    void aMonthlyRotationFromTheThirtiethKeepsItsOnCallAndItsHandOversThroughAMemberChange() {
        TeamDefinition.Rotation before = new TeamDefinition.Rotation(List.of("alice", "bob"), "P1M",
                Instant.parse("2023-03-30T09:00:00Z"), "UTC");
        Instant now = Instant.parse("2023-05-29T12:00:00Z");
        OnCall was = OnCall.at(teamOf(before), now);
        assertEquals("bob", was.primary());
        OnCall is = OnCall.at(teamOf(OnCall.keepingWhoIsOnCall(before, rotation(before, "alice", "carol", "bob"), now)),
                now);
        assertEquals("bob", is.primary());
        assertEquals(was.shiftStartedAt(), is.shiftStartedAt());
        assertEquals(Instant.parse("2023-05-30T09:00:00Z"), is.shiftEndsAt());
    }

    private static TeamDefinition.Rotation rotation(TeamDefinition.Rotation like, String... members) {
        return new TeamDefinition.Rotation(List.of(members), like.shiftLength(), like.startsAt(), like.timeZone());
    }

    private static TeamDefinition teamOf(TeamDefinition.Rotation rotation) {
        return new TeamDefinition(rotation.members().stream().distinct().map(handle -> new TeamDefinition.Member(handle,
                handle, List.of())).toList(), null, rotation, null, null);
    }

    /**
     * A rotation listing someone twice in a row (a double shift) made them their own secondary: the SECONDARY step paged
     * again the one who had not answered, and the next person heard of it only at TEAM. The secondary is the next one
     * along who is someone else; a rotation of one has nobody else.
     */
    @Test
    void theSecondaryIsTheNextMemberAlongWhoIsSomeoneElse() {
        TeamDefinition team = teamOf(new TeamDefinition.Rotation(List.of("alice", "alice", "bob"), "P7D",
                Instant.parse("2026-01-05T09:00:00Z"), "UTC"));
        OnCall firstWeek = OnCall.at(team, Instant.parse("2026-01-06T10:00:00Z"));
        assertEquals(List.of("alice", "bob"), List.of(firstWeek.primary(), firstWeek.secondary()));
        OnCall secondWeek = OnCall.at(team, Instant.parse("2026-01-13T10:00:00Z"));
        assertEquals(List.of("alice", "bob"), List.of(secondWeek.primary(), secondWeek.secondary()));
        OnCall thirdWeek = OnCall.at(team, Instant.parse("2026-01-20T10:00:00Z"));
        assertEquals(List.of("bob", "alice"), List.of(thirdWeek.primary(), thirdWeek.secondary()));
        OnCall alone = OnCall.at(teamOf(rotation(team.rotation(), "alice")), Instant.parse("2026-01-06T10:00:00Z"));
        assertEquals(List.of("alice", "alice"), List.of(alone.primary(), alone.secondary()));
    }

    @Test
    void autumnDstChangeGivesAnHourLongerShift() {
        TeamDefinition team = weekly("2026-10-19T08:00:00Z", "Europe/London", List.of()); // 09:00 BST
        assertEquals("alice", OnCall.at(team, Instant.parse("2026-10-26T08:30:00Z")).primary(), "08:30 GMT is before 09:00 local");
        assertEquals("bob", OnCall.at(team, Instant.parse("2026-10-26T09:00:00Z")).primary());
    }

    @Test
    void rotationWrapsAndExactHourShiftsIgnoreTheCalendar() {
        TeamDefinition team = weekly("2026-01-05T09:00:00Z", "UTC", List.of());
        assertEquals("alice", OnCall.at(team, Instant.parse("2026-01-26T10:00:00Z")).primary());
        TeamDefinition twelveHours = new TeamDefinition(team.members(), null,
                new TeamDefinition.Rotation(List.of("alice", "bob"), "PT12H", Instant.parse("2026-03-29T00:00:00Z"),
                        "Europe/London"), null, null);
        assertEquals("bob", OnCall.at(twelveHours, Instant.parse("2026-03-29T12:00:00Z")).primary());
        assertEquals("bob", OnCall.at(twelveHours, Instant.parse("2026-03-28T23:59:00Z")).primary(),
                "before the start the rotation runs backwards: the shift before alice's first is bob's");
    }

    @Test
    void anOverrideBeatsTheRotation() {
        TeamDefinition team = weekly("2026-01-05T09:00:00Z", "UTC",
                List.of(new TeamDefinition.Override("carol", Instant.parse("2026-01-06T18:00:00Z"),
                        Instant.parse("2026-01-07T08:00:00Z"))));
        OnCall during = OnCall.at(team, Instant.parse("2026-01-06T22:00:00Z"));
        assertEquals("carol", during.primary());
        assertEquals("alice", during.secondary(), "the rotation's primary backs the stand-in up");
        assertTrue(during.overridden());
        OnCall after = OnCall.at(team, Instant.parse("2026-01-07T08:00:00Z"));
        assertEquals("alice", after.primary());
        assertFalse(after.overridden());
    }

    /**
     * Carol covers alice's week and hands one night of it to bob, listed after hers: on that night bob is on call. Before,
     * the first override listed won, and carol was paged on the night she had handed on.
     */
    @Test
    void ofOverlappingOverridesTheOneThatStartedLastWins() {
        TeamDefinition team = weekly("2026-01-05T09:00:00Z", "UTC", List.of(
                override("carol", "2026-01-05T09:00:00Z", "2026-01-12T09:00:00Z"),
                override("bob", "2026-01-07T18:00:00Z", "2026-01-08T08:00:00Z"),
                override("alice", "2026-01-07T18:00:00Z", "2026-01-09T08:00:00Z")));
        OnCall night = OnCall.at(team, Instant.parse("2026-01-07T22:00:00Z"));
        assertEquals("bob", night.primary(), "of two starting together, the shorter");
        assertEquals(Instant.parse("2026-01-08T08:00:00Z"), night.shiftEndsAt());
        assertEquals("alice", OnCall.at(team, Instant.parse("2026-01-08T12:00:00Z")).primary());
        assertEquals("carol", OnCall.at(team, Instant.parse("2026-01-10T12:00:00Z")).primary());
    }

    @Test
    void aTeamWithoutAnEscalationPolicyGetsTheOneTheReadmeGives() {
        TeamDefinition.Escalation escalation = weekly("2026-01-05T09:00:00Z", "UTC", List.of()).escalationOrDefault();
        assertEquals(List.of("PRIMARY", "SECONDARY", "TEAM"), escalation.levels());
        assertEquals(Duration.ofMinutes(5), escalation.ackTimeout());
        assertEquals(2, escalation.repeat());
    }

    @Test
    void aNightCoveredInsideSomeonesWeekIsBackedUpByWhoeverHasTheWeek() {
        // carol took alice's week; bob covers one night of it. The night's backup is carol, who holds the week's
        // pager, not alice, who handed it away (helper-60: the SECONDARY step paged alice).
        TeamDefinition team = weekly("2026-01-05T09:00:00Z", "UTC", List.of(
                override("carol", "2026-01-05T09:00:00Z", "2026-01-12T09:00:00Z"),
                override("bob", "2026-01-07T18:00:00Z", "2026-01-08T08:00:00Z")));
        OnCall night = OnCall.at(team, Instant.parse("2026-01-07T22:00:00Z"));
        assertEquals(List.of("bob", "carol"), List.of(night.primary(), night.secondary()));
        OnCall week = OnCall.at(team, Instant.parse("2026-01-06T12:00:00Z"));
        assertEquals(List.of("carol", "alice"), List.of(week.primary(), week.secondary()), "the week's: alice behind carol");
        assertEquals(Instant.parse("2026-01-07T18:00:00Z"), week.shiftEndsAt(), "carol is on call until bob's night");
        OnCall before = OnCall.at(team, Instant.parse("2026-01-05T08:00:00Z"));
        assertEquals(Instant.parse("2026-01-05T09:00:00Z"), before.shiftEndsAt(), "the rotation's shift until carol's week");
    }

    private static TeamDefinition.Override override(String handle, String from, String to) {
        return new TeamDefinition.Override(handle, Instant.parse(from), Instant.parse(to));
    }

    static TeamDefinition rotation(String shift, String startsAt, String zone) {
        List<TeamDefinition.Member> members = List.of("alice", "bob", "carol").stream()
                .map(handle -> new TeamDefinition.Member(handle, handle, List.of())).toList();
        return new TeamDefinition(members, null,
                new TeamDefinition.Rotation(List.of("alice", "bob", "carol"), shift, Instant.parse(startsAt), zone), null, null);
    }

    @Test
    void aRotationFromYearOneAnswersAtOnceEvenForShiftsTooShortToBeAcceptedNow() {
        // Before the PT1H minimum a team could store half-second shifts: stepping from year 1 to now would take
        // 10^11 steps. Division takes one, so even such a stored team answers.
        TeamDefinition halfSeconds = rotation("PT0.5S", "0001-01-01T00:00:00Z", "UTC");
        OnCall onCall = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> OnCall.at(halfSeconds, Instant.parse("2026-06-01T10:00:00.7Z")));
        assertEquals(Instant.parse("2026-06-01T10:00:00.5Z"), onCall.shiftStartedAt());
        assertEquals(Instant.parse("2026-06-01T10:00:01Z"), onCall.shiftEndsAt());

        TeamDefinition hourly = rotation("PT1H", "0001-01-01T00:00:00Z", "Europe/London");
        // 17,754,418 whole hours from 0001-01-01T00:00Z to 2026-06-01T10:00Z; 17,754,418 mod 3 = 1: bob.
        OnCall now = OnCall.at(hourly, Instant.parse("2026-06-01T10:59:59Z"));
        assertEquals("bob", now.primary());
        assertEquals("carol", now.secondary());
        assertEquals(Instant.parse("2026-06-01T10:00:00Z"), now.shiftStartedAt());
    }

    @Test
    void calendarShiftsFromYearOneMatchCountingShiftByShift() {
        Random random = new Random(42);
        for (String shift : List.of("P7D", "P1M", "P1M3D", "P1Y", "P10D")) {
            // Lord Howe Island moves its clocks by half an hour.
            for (String zone : List.of("Europe/London", "Australia/Lord_Howe")) {
                TeamDefinition team = rotation(shift, "0001-01-31T09:00:00Z", zone);
                ZonedDateTime start = team.rotation().startsAt().atZone(ZoneId.of(zone));
                TemporalAmount length = OnCall.shiftLength(shift);
                for (int i = 0; i < 3; i++) {
                    Instant at = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(random.nextInt(366 * 86_400));
                    long counted = countShifts(start, length, at);
                    OnCall onCall = OnCall.at(team, at);
                    assertEquals(OnCall.plus(start, length, counted).toInstant(), onCall.shiftStartedAt(), shift + " " + zone + " " + at);
                    assertEquals(OnCall.plus(start, length, counted + 1).toInstant(), onCall.shiftEndsAt());
                    assertEquals(List.of("alice", "bob", "carol").get((int) (counted % 3)), onCall.primary());
                }
            }
        }
    }

    /** The obvious way, slow from year 1: hand over shift after shift until the next would start after {@code at}. */
    static long countShifts(ZonedDateTime start, TemporalAmount shift, Instant at) {
        long k = 0;
        while (!OnCall.plus(start, shift, k + 1).toInstant().isAfter(at)) {
            k++;
        }
        return k;
    }

    @Test
    void shiftsShorterThanAnHourAreNotTakenForARotation() {
        assertFalse(OnCall.atLeastMinimum(OnCall.shiftLength("PT59M")));
        assertTrue(OnCall.atLeastMinimum(OnCall.shiftLength("PT1H")));
        assertTrue(OnCall.atLeastMinimum(OnCall.shiftLength("P1D")));
        assertThrows(IllegalArgumentException.class, () -> OnCall.shiftLength("PT0S"));
        assertThrows(IllegalArgumentException.class, () -> OnCall.shiftLength("-P7D"));
    }
}
