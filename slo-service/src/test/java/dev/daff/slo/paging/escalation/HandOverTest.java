package dev.daff.slo.paging.escalation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.daff.slo.paging.oncall.OnCall;
import dev.daff.slo.paging.oncall.TeamDefinition;
import dev.daff.slo.paging.pages.Page;

/** Whom an escalation step pages once the page's first recipient is not the on-call any more. */
class HandOverTest {

    static final Instant STARTS = Instant.parse("2026-01-05T09:00:00Z");

    static TeamDefinition team(String... rotation) {
        List<TeamDefinition.Member> members = List.of(rotation).stream()
                .map(handle -> new TeamDefinition.Member(handle, handle, List.of())).toList();
        return new TeamDefinition(members, null, new TeamDefinition.Rotation(List.of(rotation), "P7D", STARTS, "UTC"), null,
                null);
    }

    static Page pageFirstTo(String handle, int level) {
        Page page = new Page();
        page.primaryHandle = handle;
        page.escalationLevel = level;
        return page;
    }

    @Test
    void aRecipientRenamedWhileThePageWaitsIsNoHandOver() {
        // alice was paged; the team was then stored with alice as alice.smith. The SECONDARY step pages bob: taken for
        // a hand-over, it paged alice.smith (alice again) in bob's place, and bob heard only at TEAM (helper-60).
        TeamDefinition renamed = team("alice.smith", "bob", "carol");
        OnCall now = OnCall.at(renamed, STARTS.plusSeconds(3_600));
        assertEquals(List.of("bob"), List.copyOf(Escalator.recipients(pageFirstTo("alice", 1), renamed, now)));
        assertEquals(List.of("alice.smith"), List.copyOf(Escalator.recipients(pageFirstTo("alice", 0), renamed, now)));
    }

    @Test
    void aRealHandOverStillPagesWhoeverCameOnCall() {
        TeamDefinition team = team("alice", "bob", "carol");
        OnCall bobsWeek = OnCall.at(team, STARTS.plusSeconds(8 * 86_400));
        assertEquals(List.of("bob"), List.copyOf(Escalator.recipients(pageFirstTo("alice", 1), team, bobsWeek)));
        assertEquals(List.of("alice", "bob"), List.copyOf(Escalator.recipients(pageFirstTo("alice", 0), team, bobsWeek)));
    }
}
