package dev.daff.incident.review;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.daff.incident.actions.ActionItems;
import dev.daff.incident.changes.IncidentChanges;
import dev.daff.incident.lifecycle.Incident;
import dev.daff.incident.lifecycle.IncidentStatus;
import dev.daff.incident.lifecycle.Incidents;
import dev.daff.incident.review.MetaReviewApi.MetaReview;
import dev.daff.incident.review.MetaReviewApi.Recurrence;
import dev.daff.incident.similar.Recurrences;
import dev.daff.incident.washup.Causes;
import dev.daff.incident.washup.IncidentCause;
import dev.daff.incident.washup.Seam;
import dev.daff.kit.problem.ProblemException;

/** Reads the incidents of a period with their causes and linked changes, and reviews them together. */
@ApplicationScoped
public class MetaReviewService {

    private final Incidents incidents;
    private final Causes causes;
    private final IncidentChanges links;
    private final ActionItems actions;
    private final Recurrences recurrences;
    private final MetaReviewConfig config;
    private final Clock clock;

    public MetaReviewService(Incidents incidents, Causes causes, IncidentChanges links, ActionItems actions,
            Recurrences recurrences, MetaReviewConfig config, Clock clock) {
        this.incidents = incidents;
        this.causes = causes;
        this.links = links;
        this.actions = actions;
        this.recurrences = recurrences;
        this.config = config;
        this.clock = clock;
    }

    /** Incidents detected in [from, to); to defaults to now, from to {@code daff.meta-review.default-period} before. */
    @Transactional
    public MetaReview review(Instant from, Instant to) {
        return review(from, to, config.defaultPeriod());
    }

    @Transactional
    public MetaReview review(Instant from, Instant to, java.time.Duration defaultPeriod) {
        Instant end = to == null ? clock.instant() : to;
        Instant start = from == null ? end.minus(defaultPeriod) : from;
        if (!start.isBefore(end)) {
            throw ProblemException.invalidField("from", "must be before to");
        }
        if (start.plus(config.maxPeriod()).isBefore(end)) {
            throw ProblemException.invalidField("from", "the period may be at most " + config.maxPeriod());
        }
        List<MetaReviewCalculator.Facts> facts = facts(start, end);
        List<RecurringClassCalculator.Action> systemic = actions.systemicOfDetectedIn(start, end).stream()
                .map(a -> new RecurringClassCalculator.Action(a.incidentId(), a.title(), a.status(), a.doneAt())).toList();
        Map<UUID, MetaReviewCalculator.Facts> byId = facts.stream()
                .collect(Collectors.toMap(MetaReviewCalculator.Facts::id, Function.identity()));
        List<Recurrence> recurred = recurrences.detectedIn(start, end).stream().filter(r -> byId.containsKey(r.incidentId))
                .map(r -> new Recurrence(r.incidentId, byId.get(r.incidentId).title(), byId.get(r.incidentId).detectedAt(),
                        r.earlierIncidentId, r.actionTitle, r.actionDoneAt))
                .toList();
        return MetaReviewCalculator.review(start, end, facts, clock.instant(), config.unfinalisedAfter(),
                RecurringClassCalculator.classes(start, end, facts, systemic), recurred);
    }

    /**
     * Incidents not FINALISED {@code unfinalised-after} after their detection, however long ago that was: the
     * backlog of unfinished incidents grows older, it does not slide out of a window.
     */
    @Transactional
    public long unfinalisedOverdue() {
        return incidents.count("status <> ?1 and detectedAt < ?2", IncidentStatus.FINALISED,
                clock.instant().minus(config.unfinalisedAfter()));
    }

    @Transactional
    public List<MetaReviewCalculator.Facts> facts(Instant from, Instant to) {
        List<Incident> found = incidents.list("select i from Incident i left join fetch i.services"
                + " where i.detectedAt >= ?1 and i.detectedAt < ?2 order by i.detectedAt, i.id", from, to);
        if (found.isEmpty()) {
            return List.of();
        }
        // Causes and links are read by the same period, never by an IN list of the incidents' ids: a period may
        // hold more incidents than one statement takes bind parameters (65,535 in PostgreSQL's protocol, and
        // Hibernate pads an IN list to the next power of two, so 32,769 ids already make 65,536).
        Map<UUID, IncidentCause> causeOf = causes.list(
                "incidentId in (select i.id from Incident i where i.detectedAt >= ?1 and i.detectedAt < ?2)", from, to)
                .stream().collect(Collectors.toMap(c -> c.incidentId, Function.identity()));
        Set<UUID> linked = links.list(
                "incidentId in (select i.id from Incident i where i.detectedAt >= ?1 and i.detectedAt < ?2)", from, to)
                .stream().map(l -> l.incidentId).collect(Collectors.toSet());
        return found.stream().map(i -> {
            IncidentCause cause = causeOf.get(i.id);
            return new MetaReviewCalculator.Facts(i.id, i.title, i.severity, i.status, List.copyOf(i.services),
                    i.detectionSource, i.impactStartedAt, i.detectedAt, i.acknowledgedAt, i.resolvedAt, i.finalisedAt,
                    cause == null ? null : cause.causeClass,
                    cause == null ? List.of() : cause.seams.stream().map(Seam::valueOf).toList(), linked.contains(i.id));
        }).toList();
    }
}
