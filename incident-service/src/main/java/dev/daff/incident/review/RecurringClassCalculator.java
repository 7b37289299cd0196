package dev.daff.incident.review;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import dev.daff.incident.review.MetaReviewApi.ClassAction;
import dev.daff.incident.review.MetaReviewApi.RecurringClass;
import dev.daff.incident.review.MetaReviewCalculator.Facts;
import dev.daff.incident.washup.Seam;

/**
 * Recurring classes: a service, a cause class and a seam shared by at least two incidents of the period; for each, the
 * SYSTEMIC actions of its incidents and, for each done one, the class's incident rate (incidents per 30 days) in
 * the period before and after it was done; and the class's incidents detected after its first done SYSTEMIC action.
 * Plain logic, no framework.
 */
public final class RecurringClassCalculator {

    /** A SYSTEMIC action of an incident of the period. */
    public record Action(UUID incidentId, String title, String status, Instant doneAt) {
    }

    static final int CLASS_MIN = 2;
    static final double RATE_DAYS = 30;

    private RecurringClassCalculator() {
    }

    public static List<RecurringClass> classes(Instant from, Instant to, List<Facts> incidents, List<Action> actions) {
        // Keyed by the three values, not a joined string: a service's name may hold any character, the separator too.
        // A service is one whatever its case, as everywhere else ("Checkout" in one incident, "checkout" in the next).
        Map<List<String>, List<Facts>> byClass = new TreeMap<>(Comparator.comparing((List<String> key) -> key.get(0),
                String.CASE_INSENSITIVE_ORDER)
                .thenComparing(key -> key.get(1)).thenComparing(key -> key.get(2)));
        for (Facts incident : incidents) {
            if (incident.causeClass() == null) {
                continue;
            }
            Set<String> services = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
            services.addAll(incident.services());
            for (String service : services) {
                for (Seam seam : new TreeSet<>(incident.seams())) {
                    byClass.computeIfAbsent(List.of(service, incident.causeClass().name(), seam.name()),
                            k -> new ArrayList<>()).add(incident);
                }
            }
        }
        List<RecurringClass> classes = new ArrayList<>();
        byClass.forEach((key, members) -> {
            if (members.size() < CLASS_MIN) {
                return;
            }
            List<Facts> sorted = members.stream().sorted(Comparator.comparing(Facts::detectedAt).thenComparing(Facts::id))
                    .toList();
            Set<UUID> ids = new TreeSet<>(sorted.stream().map(Facts::id).toList());
            List<ClassAction> systemic = actions.stream().filter(a -> ids.contains(a.incidentId()))
                    .sorted(Comparator.comparing(Action::doneAt, Comparator.nullsLast(Comparator.naturalOrder()))
                            .thenComparing(Action::title))
                    .map(a -> rates(a, sorted, from, to)).toList();
            Instant firstFix = systemic.stream().map(ClassAction::doneAt).filter(Objects::nonNull).min(Instant::compareTo)
                    .orElse(null);
            List<UUID> afterFix = firstFix == null ? List.of()
                    : sorted.stream().filter(f -> f.detectedAt().isAfter(firstFix)).map(Facts::id).toList();
            classes.add(new RecurringClass(key.get(0), key.get(1), key.get(2), sorted.size(), sorted.stream().map(Facts::id).toList(),
                    systemic, afterFix));
        });
        classes.sort(Comparator.comparingInt(RecurringClass::incidents).reversed().thenComparing(RecurringClass::service)
                .thenComparing(RecurringClass::causeClass).thenComparing(RecurringClass::seam));
        return classes;
    }

    /** Incidents before [from, doneAt) and after [doneAt, to) the action was done, and as rates per 30 days. */
    static ClassAction rates(Action action, List<Facts> members, Instant from, Instant to) {
        Instant done = action.doneAt();
        if (done == null) {
            return new ClassAction(action.incidentId(), action.title(), action.status(), null, null, null, null, null);
        }
        Integer before = done.isAfter(from)
                ? (int) members.stream().filter(f -> f.detectedAt().isBefore(done)).count() : null;
        Integer after = done.isBefore(to)
                ? (int) members.stream().filter(f -> !f.detectedAt().isBefore(done)).count() : null;
        return new ClassAction(action.incidentId(), action.title(), action.status(), done, before, after,
                before == null ? null : rate(before, from, done.isBefore(to) ? done : to),
                after == null ? null : rate(after, done.isAfter(from) ? done : from, to));
    }

    /** {@code count} incidents over [start, end) as incidents per 30 days. */
    static double rate(int count, Instant start, Instant end) {
        double days = Duration.between(start, end).toMillis() / 86_400_000.0;
        return count / days * RATE_DAYS;
    }
}
