package dev.daff.slo.paging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

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
}
