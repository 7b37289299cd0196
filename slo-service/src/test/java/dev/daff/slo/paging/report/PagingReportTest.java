package dev.daff.slo.paging.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import dev.daff.slo.paging.pages.Page;

class PagingReportTest {

    static Page page(String slo, String service, String primary, String createdAt, Duration toAck) {
        Page page = new Page();
        page.id = UUID.randomUUID();
        page.sloName = slo;
        page.service = service;
        page.primaryHandle = primary;
        page.createdAt = Instant.parse(createdAt);
        page.acknowledgedAt = toAck == null ? null : page.createdAt.plus(toAck);
        page.state = toAck == null ? Page.RESOLVED : Page.ACKNOWLEDGED;
        return page;
    }

    /** A hand-built week (Mon 1 – Sun 7 June 2026, Europe/London, BST = UTC+1). */
    @Test
    void numbersForAHandBuiltWeek() {
        List<Page> pages = new ArrayList<>(List.of(
                page("checkout", "checkout", "alice", "2026-06-01T09:30:00Z", Duration.ofMinutes(2)), // 10:30 local
                page("checkout", "checkout", "alice", "2026-06-01T17:30:00Z", Duration.ofMinutes(4)), // 18:30: outside
                page("checkout", "checkout", "alice", "2026-06-02T02:00:00Z", Duration.ofMinutes(10)), // 03:00: outside
                page("search", "search", "bob", "2026-06-03T12:00:00Z", Duration.ofMinutes(1)),
                page("search", "search", "bob", "2026-06-06T12:00:00Z", null), // Saturday: outside, never acked
                page("login", "login", "carol", "2026-06-04T07:30:00Z", Duration.ofMinutes(30)))); // 08:30: outside
        List<PagingReport.SeenIncident> incidents = List.of(
                new PagingReport.SeenIncident("SLO_BURN", Instant.parse("2026-06-01T09:31:00Z"), List.of("checkout")),
                new PagingReport.SeenIncident("HUMAN", Instant.parse("2026-06-03T12:05:00Z"), List.of("search")),
                new PagingReport.SeenIncident("SLO_BURN", Instant.parse("2026-06-04T09:00:00Z"), List.of("login")));

        PagingReport report = PagingReport.of("sre", Instant.parse("2026-06-01T00:00:00Z"),
                Instant.parse("2026-06-08T00:00:00Z"), pages, ZoneId.of("Europe/London"), 9, 18, incidents, true);

        assertEquals(6, report.pages());
        assertEquals(Map.of("alice", 3L, "bob", 2L, "carol", 1L), report.pagesPerMember());
        assertEquals(4, report.outsideWorkingHours());
        // acknowledged: 60, 120, 240, 600, 1800 s → median 240, p90 (nearest rank, 5th of 5) 1800
        assertEquals(240L, report.medianSecondsToAcknowledge());
        assertEquals(1800L, report.p90SecondsToAcknowledge());
        // only the first checkout page has an SLO_BURN incident within −10/+30 min (login's came 90 min later)
        assertEquals(1 / 6.0, report.shareBecameIncidents(), 1e-9);
        assertEquals(1, report.flapping().size());
        assertEquals("checkout", report.flapping().get(0).slo());
        assertEquals(3, report.flapping().get(0).firings());
        assertEquals(1, report.neverAcknowledged().size());
        assertEquals("search", report.neverAcknowledged().get(0).slo());
    }

    @Test
    void becameIncidentsIsUnknownUntilAnyIncidentWasSeen() {
        PagingReport report = PagingReport.of("sre", Instant.parse("2026-06-01T00:00:00Z"),
                Instant.parse("2026-06-08T00:00:00Z"),
                List.of(page("x", "x", "alice", "2026-06-01T10:00:00Z", null)), ZoneId.of("UTC"), 9, 18, List.of(), false);
        assertNull(report.shareBecameIncidents());
        assertNull(report.medianSecondsToAcknowledge());
    }
}
