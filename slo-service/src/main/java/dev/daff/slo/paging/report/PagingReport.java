package dev.daff.slo.paging.report;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import dev.daff.slo.paging.pages.Page;

/**
 * The alert-fatigue report for one team and period. Plain arithmetic over pages, no framework:
 * <ul>
 * <li>pages per on-call member: by the primary paged first;</li>
 * <li>outside working hours: created on a weekend or outside [start, end) hours in the schedule's zone;</li>
 * <li>time to acknowledge: median and p90 (nearest rank) over acknowledged pages, in seconds;</li>
 * <li>became incidents: share of pages for which an SLO_BURN incident on the page's service was detected from 10
 * minutes before to 30 minutes after the page; null while no incident has ever been seen;</li>
 * <li>flapping: SLOs that paged 3 or more times within some 24 hours of the period;</li>
 * <li>never acknowledged: pages with no acknowledgement (still open, or resolved by the alert clearing).</li>
 * </ul>
 */
public record PagingReport(String team, Instant from, Instant to, int pages, Map<String, Long> pagesPerMember,
        int outsideWorkingHours, Long medianSecondsToAcknowledge, Long p90SecondsToAcknowledge,
        Double shareBecameIncidents, List<Flapping> flapping, List<Unacknowledged> neverAcknowledged) {

    public static final int FLAPPING_FIRINGS = 3;
    static final Duration FLAPPING_SPAN = Duration.ofHours(24);
    static final Duration INCIDENT_BEFORE = Duration.ofMinutes(10);
    static final Duration INCIDENT_AFTER = Duration.ofMinutes(30);

    public record Flapping(String slo, int firings, Instant first, Instant last) {
    }

    public record Unacknowledged(java.util.UUID pageId, String slo, Instant createdAt, String state) {
    }

    /** An incident as far as this report cares. */
    public record SeenIncident(String detectionSource, Instant detectedAt, List<String> services) {
    }

    public static PagingReport of(String team, Instant from, Instant to, List<Page> pages, ZoneId zone,
            int workdayStartHour, int workdayEndHour, List<SeenIncident> incidents, boolean anyIncidentSeen) {
        Map<String, Long> perMember = pages.stream().filter(page -> page.primaryHandle != null)
                .collect(Collectors.groupingBy(page -> page.primaryHandle, TreeMap::new, Collectors.counting()));
        int outside = (int) pages.stream()
                .filter(page -> outsideWorkingHours(page.createdAt.atZone(zone), workdayStartHour, workdayEndHour))
                .count();
        List<Long> toAck = pages.stream().filter(page -> page.acknowledgedAt != null)
                .map(page -> Duration.between(page.createdAt, page.acknowledgedAt).toSeconds()).sorted().toList();
        Double becameIncidents = null;
        if (anyIncidentSeen && !pages.isEmpty()) {
            long matched = pages.stream().filter(page -> incidents.stream().anyMatch(incident -> "SLO_BURN"
                    .equals(incident.detectionSource()) && incident.services().contains(page.service)
                    && !incident.detectedAt().isBefore(page.createdAt.minus(INCIDENT_BEFORE))
                    && !incident.detectedAt().isAfter(page.createdAt.plus(INCIDENT_AFTER)))).count();
            becameIncidents = matched / (double) pages.size();
        }
        List<Unacknowledged> unacknowledged = pages.stream().filter(page -> page.acknowledgedAt == null)
                .map(page -> new Unacknowledged(page.id, page.sloName, page.createdAt, page.state)).toList();
        return new PagingReport(team, from, to, pages.size(), perMember, outside, percentile(toAck, 50),
                percentile(toAck, 90), becameIncidents, flapping(pages), unacknowledged);
    }

    static boolean outsideWorkingHours(ZonedDateTime at, int startHour, int endHour) {
        DayOfWeek day = at.getDayOfWeek();
        return day == DayOfWeek.SATURDAY || day == DayOfWeek.SUNDAY || at.getHour() < startHour || at.getHour() >= endHour;
    }

    /** Nearest rank: the smallest value with at least p % of the values at or below it. */
    static Long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return null;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    static List<Flapping> flapping(List<Page> pages) {
        Map<String, List<Instant>> bySlo = new TreeMap<>();
        pages.forEach(page -> bySlo.computeIfAbsent(page.sloName, slo -> new ArrayList<>()).add(page.createdAt));
        List<Flapping> flapping = new ArrayList<>();
        bySlo.forEach((slo, times) -> {
            List<Instant> sorted = times.stream().sorted().toList();
            int most = 0;
            for (int start = 0, end = 0; end < sorted.size(); end++) {
                while (Duration.between(sorted.get(start), sorted.get(end)).compareTo(FLAPPING_SPAN) > 0) {
                    start++;
                }
                most = Math.max(most, end - start + 1);
            }
            if (most >= FLAPPING_FIRINGS) {
                flapping.add(new Flapping(slo, most, sorted.get(0), sorted.get(sorted.size() - 1)));
            }
        });
        return flapping;
    }
}
