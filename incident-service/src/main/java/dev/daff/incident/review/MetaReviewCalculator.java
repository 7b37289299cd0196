package dev.daff.incident.review;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;

import dev.daff.incident.lifecycle.DetectionSource;
import dev.daff.incident.lifecycle.IncidentStatus;
import dev.daff.incident.lifecycle.Severity;
import dev.daff.incident.review.MetaReviewApi.MetaReview;
import dev.daff.incident.review.MetaReviewApi.Overdue;
import dev.daff.incident.review.MetaReviewApi.ServiceCount;
import dev.daff.incident.review.MetaReviewApi.Share;
import dev.daff.incident.washup.CauseClass;
import dev.daff.incident.washup.Seam;

/** The meta-review's arithmetic over a set of incidents. Plain logic, no framework. */
public final class MetaReviewCalculator {

    /** What the meta-review needs to know of one incident. */
    public record Facts(UUID id, String title, Severity severity, IncidentStatus status, List<String> services,
            DetectionSource detectionSource, Instant impactStartedAt, Instant detectedAt, Instant acknowledgedAt,
            Instant resolvedAt, Instant finalisedAt, CauseClass causeClass, List<Seam> seams, boolean linkedChange) {
    }

    /** Patterns are reported once at least this many incidents share them. */
    static final int PATTERN_MIN = 2;

    /** The recurring classes and recurrences are computed elsewhere and carried into the answer. */
    public static MetaReview review(Instant from, Instant to, List<Facts> incidents, Instant now, Duration unfinalisedAfter,
            List<MetaReviewApi.RecurringClass> recurringClasses, List<MetaReviewApi.Recurrence> recurrences) {
        int n = incidents.size();
        Map<String, Integer> byCause = new TreeMap<>();
        Map<String, Integer> byService = new TreeMap<>(String.CASE_INSENSITIVE_ORDER); // "Checkout" is checkout
        Map<String, Integer> bySeam = new TreeMap<>();
        Map<String, Integer> bySource = new TreeMap<>();
        Map<String, Integer> bySeverity = new TreeMap<>();
        Map<String, Integer> byCauseAndSeam = new TreeMap<>();
        List<Duration> mttd = new ArrayList<>();
        List<Duration> mtta = new ArrayList<>();
        List<Duration> mttr = new ArrayList<>();
        Map<String, List<Duration>> mttrBySeverity = new TreeMap<>();
        List<Duration> toFinalise = new ArrayList<>();
        int linked = 0;
        List<Overdue> overdue = new ArrayList<>();
        for (Facts incident : incidents) {
            String cause = incident.causeClass() == null ? "UNSET" : incident.causeClass().name();
            byCause.merge(cause, 1, Integer::sum);
            Set<String> services = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
            services.addAll(incident.services());
            services.forEach(s -> byService.merge(s, 1, Integer::sum));
            Set<Seam> seams = new LinkedHashSet<>(incident.seams());
            seams.forEach(seam -> {
                bySeam.merge(seam.name(), 1, Integer::sum);
                if (incident.causeClass() != null) {
                    byCauseAndSeam.merge(incident.causeClass().name() + " " + seam.name(), 1, Integer::sum);
                }
            });
            bySource.merge(incident.detectionSource().name(), 1, Integer::sum);
            bySeverity.merge(incident.severity().name(), 1, Integer::sum);
            if (incident.impactStartedAt() != null) {
                mttd.add(Duration.between(incident.impactStartedAt(), incident.detectedAt()));
            }
            if (incident.acknowledgedAt() != null) {
                mtta.add(Duration.between(incident.detectedAt(), incident.acknowledgedAt()));
            }
            if (incident.resolvedAt() != null) {
                Instant start = incident.impactStartedAt() != null ? incident.impactStartedAt() : incident.detectedAt();
                Duration ttr = Duration.between(start, incident.resolvedAt());
                mttr.add(ttr);
                mttrBySeverity.computeIfAbsent(incident.severity().name(), s -> new ArrayList<>()).add(ttr);
            }
            if (incident.resolvedAt() != null && incident.finalisedAt() != null) {
                toFinalise.add(Duration.between(incident.resolvedAt(), incident.finalisedAt()));
            }
            if (incident.linkedChange()) {
                linked++;
            }
            if (incident.status() != IncidentStatus.FINALISED
                    && incident.detectedAt().plus(unfinalisedAfter).isBefore(now)) {
                overdue.add(new Overdue(incident.id(), incident.title(), incident.severity(), incident.status(),
                        incident.detectedAt(), Duration.between(incident.detectedAt(), now).toDays()));
            }
        }
        List<ServiceCount> repeats = byService.entrySet().stream().filter(e -> e.getValue() >= 2)
                .map(e -> new ServiceCount(e.getKey(), e.getValue()))
                .sorted(Comparator.comparingInt(ServiceCount::incidents).reversed().thenComparing(ServiceCount::service))
                .toList();
        overdue.sort(Comparator.comparing(Overdue::detectedAt).thenComparing(Overdue::id));
        return new MetaReview(from, to, n, byCause, byService, bySeam, bySource, bySeverity, DurationStats.of(mttd),
                DurationStats.of(mtta), DurationStats.of(mttr), stats(mttrBySeverity), DurationStats.of(toFinalise), repeats,
                patterns(n, byCause, byCauseAndSeam, bySeam, byService), new Share(linked, n == 0 ? null : linked / (double) n),
                overdue, recurringClasses, recurrences);
    }

    private static Map<String, DurationStats> stats(Map<String, List<Duration>> bySeverity) {
        Map<String, DurationStats> stats = new TreeMap<>();
        bySeverity.forEach((severity, durations) -> stats.put(severity, DurationStats.of(durations)));
        return stats;
    }

    /** "3 of 5 were self change-caused at config seams": what incidents share, most shared first. */
    static List<String> patterns(int n, Map<String, Integer> byCause, Map<String, Integer> byCauseAndSeam,
            Map<String, Integer> bySeam, Map<String, Integer> byService) {
        record Pattern(int count, String text) {
        }
        List<Pattern> found = new ArrayList<>();
        Function<String, String> causeWords = cause -> switch (cause) {
            case "CHANGE" -> "self change-caused";
            case "PROVIDER" -> "provider-caused";
            case "CUSTOMER" -> "customer-caused";
            default -> "of unknown cause";
        };
        byCause.forEach((cause, count) -> {
            if (count >= PATTERN_MIN && !cause.equals("UNSET")) {
                found.add(new Pattern(count, count + " of " + n + " were " + causeWords.apply(cause)));
            }
        });
        byCauseAndSeam.forEach((key, count) -> {
            if (count >= PATTERN_MIN) {
                String[] parts = key.split(" ");
                found.add(new Pattern(count, count + " of " + n + " were " + causeWords.apply(parts[0]) + " at "
                        + seamWords(parts[1]) + " seams"));
            }
        });
        bySeam.forEach((seam, count) -> {
            if (count >= PATTERN_MIN) {
                found.add(new Pattern(count, count + " of " + n + " sat at " + seamWords(seam) + " seams"));
            }
        });
        byService.forEach((service, count) -> {
            if (count >= PATTERN_MIN) {
                found.add(new Pattern(count, count + " of " + n + " involved " + service));
            }
        });
        return found.stream().sorted(Comparator.comparingInt(Pattern::count).reversed()).map(Pattern::text).toList();
    }

    private static String seamWords(String seam) {
        return seam.toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
