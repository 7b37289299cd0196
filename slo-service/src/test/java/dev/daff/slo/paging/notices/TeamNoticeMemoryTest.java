package dev.daff.slo.paging.notices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.daff.events.TeamNotice;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A notice's team is whatever action-service (or anyone writing the topic) put there: a stream of notices naming ever
 * new, long team names must not grow what this replica remembers of the teams it told of.
 */
@QuarkusTest
class TeamNoticeMemoryTest {

    @Inject
    TeamNoticeDelivery delivery;

    @Test
    void teamsToldOfAreBoundedInNumberAndLength() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        int notices = TeamNoticeDelivery.TOLD_AT_MOST + 50;
        String padding = "x".repeat(5_000);
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < notices; i++) {
                delivery.queue(notice(team(run, i) + padding));
            }
        });

        List<String> told = delivery.toldNoChannel();
        assertEquals(TeamNoticeDelivery.TOLD_AT_MOST, told.size(), "at most this many teams remembered");
        assertTrue(told.stream().allMatch(name -> name.length() <= TeamNoticeDelivery.NAME_AT_MOST),
                "each cut to a team name's longest");
        assertTrue(told.get(told.size() - 1).startsWith(team(run, notices - 1)), "the latest stays remembered: told once");
        assertFalse(told.stream().anyMatch(name -> name.startsWith(team(run, 0))), "the least recent is forgotten");
    }

    private static String team(String run, int i) {
        return "unknown-" + run + "-" + i + "-";
    }

    private static TeamNotice notice(String team) {
        return new TeamNotice(UUID.randomUUID().toString(), TeamNotice.ACTION_DUE_SOON, TeamNotice.CURRENT_VERSION,
                Instant.now(), team, "due soon", null, null, "a title", null, null, null);
    }
}
