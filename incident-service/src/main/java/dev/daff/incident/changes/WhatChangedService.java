package dev.daff.incident.changes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import dev.daff.incident.changes.ChangesApi.LinkChange;
import dev.daff.incident.changes.ChangesApi.LinkView;
import dev.daff.incident.changes.ChangesApi.RelatedChange;
import dev.daff.incident.changes.ChangesApi.RollbackAdvice;
import dev.daff.incident.changes.ChangesApi.WhatChanged;
import dev.daff.incident.changes.Relatedness.RankKey;
import dev.daff.incident.lifecycle.Incident;
import dev.daff.incident.lifecycle.Incidents;
import dev.daff.incident.timeline.Actor;
import dev.daff.kit.listing.PageRequest;
import dev.daff.incident.timeline.Timeline;
import dev.daff.kit.problem.ProblemException;

/** "What changed?" for an incident, and the changes people linked to it ({@code incident_change}). */
@ApplicationScoped
public class WhatChangedService {

    private final Catalog catalog;
    private final Changes changes;
    private final IncidentChanges links;
    private final Incidents incidents;
    private final Timeline timeline;
    private final ChangeConfig config;
    private final Clock clock;

    public WhatChangedService(Catalog catalog, Changes changes, IncidentChanges links, Incidents incidents, Timeline timeline, ChangeConfig config, Clock clock) {
        this.catalog = catalog;
        this.changes = changes;
        this.links = links;
        this.incidents = incidents;
        this.timeline = timeline;
        this.config = config;
        this.clock = clock;
    }

    /**
     * Changes to the incident's services, their dependencies and dependents (bounded depth), and infrastructure
     * changes to shared platforms, from {@code lookback} before impact until resolution (or now), ranked. The
     * range never runs more than {@code daff.changes.max-after-impact} past impact, so an impact start edited to
     * long ago still searches a bounded stretch of the change log (and the answer says it was clamped).
     */
    @Transactional
    public WhatChanged whatChanged(UUID incidentId, Duration lookback) {
        return whatChanged(incidentId, lookback, null);
    }

    /** As {@link #whatChanged(UUID, Duration)}, ranked changes a page at a time (all of them when page is null). */
    @Transactional
    public WhatChanged whatChanged(UUID incidentId, Duration lookback, PageRequest page) {
        Incident incident = incidents.require(incidentId);
        Duration window = lookback == null ? config.defaultLookback() : lookback;
        if (window.isNegative() || window.isZero() || window.compareTo(config.maxLookback()) > 0) {
            throw ProblemException.invalidField("lookback", "must be an ISO-8601 duration above zero and at most "
                    + config.maxLookback());
        }
        Instant impactAt = incident.impactStartedAt != null ? incident.impactStartedAt : incident.detectedAt;
        Instant from = impactAt.minus(window);
        Instant end = incident.resolvedAt != null ? incident.resolvedAt : clock.instant();
        Instant latest = impactAt.plus(config.maxAfterImpact());
        boolean clamped = end.isAfter(latest);
        Instant until = clamped ? latest : end;
        DependencyGraph graph = catalog.graph(config.sharedPlatformMinDependents());
        // As the catalog spells them: changes are stored so, and an incident's services are as people typed them.
        Relatedness related = new Relatedness(incident.services.stream().map(name -> catalog.spelling(name).orElse(name))
                .toList(), graph, config.dependencyDepth());
        Map<UUID, LinkRole> linked = links.of(incidentId).stream()
                .collect(Collectors.toMap(l -> l.changeId, l -> l.role));
        List<Relatedness.Related> ranked = related.rank(changes.overlapping(related.servicesToSearch(), from, until),
                impactAt, "impact", true);
        int skip = page == null || page.expectParts(5).isFirst() ? 0 : after(ranked, rankKey(page));
        int shown = page == null ? ranked.size() - skip : Math.min(page.limit(), ranked.size() - skip);
        List<RelatedChange> found = ranked.subList(skip, skip + shown).stream()
                .map(r -> new RelatedChange(ChangeLogService.view(r.change()), r.relation(), r.relatedTo(), r.hops(),
                        r.reason(), linked.get(r.change().id)))
                .toList();
        String nextCursor = null;
        if (skip + shown < ranked.size()) {
            RankKey last = ranked.get(skip + shown - 1).rankKey();
            nextCursor = PageRequest.cursorAfter(last.tier(), last.distance(), last.hops(), last.startedAt(), last.id());
        }
        return new WhatChanged(incident.id, List.copyOf(incident.services), impactAt,
                incident.impactStartedAt != null ? "impactStartedAt" : "detectedAt", window.toString(), from, until,
                clamped, ranked.size(), found, nextCursor, rollbackAdvice(incidentId, impactAt));
    }

    /**
     * How many of the ranked changes rank at or before the cursor's. By rank, not by position: a change reported
     * during the incident that ranks among those already shown would have moved every later one a place down, and the
     * next page repeated one change and never showed another.
     */
    private static int after(List<Relatedness.Related> ranked, RankKey cursor) {
        int first = 0;
        while (first < ranked.size() && ranked.get(first).rankKey().compareTo(cursor) <= 0) {
            first++;
        }
        return first;
    }

    private static RankKey rankKey(PageRequest page) {
        try {
            return new RankKey((int) page.number(0), Duration.parse(page.text(1)), (int) page.number(2), page.instant(3),
                    page.uuid(4));
        } catch (java.time.format.DateTimeParseException e) {
            throw ProblemException.invalidField("cursor", "is not a cursor this list gave out; start again without one");
        }
    }

    /** For each change linked as CAUSED or CONTRIBUTED, what to roll back, most recent change first. */
    private List<RollbackAdvice> rollbackAdvice(UUID incidentId, Instant impactAt) {
        Map<UUID, LinkRole> linked = links.of(incidentId).stream().collect(Collectors.toMap(l -> l.changeId, l -> l.role));
        if (linked.isEmpty()) {
            return List.of();
        }
        return changes.list("id in ?1 order by startedAt desc, id", linked.keySet()).stream()
                .map(change -> new RollbackAdvice(change.id, linked.get(change.id), change.service, change.ref,
                        "roll back " + (change.ref == null ? "the " + change.kind + " change" : change.ref) + " on "
                                + change.service + " (changed " + change.kind + " " + Relatedness.when(change, impactAt, "impact")
                                + ")", change.rollbackUrl))
                .toList();
    }

    @Transactional
    public LinkView link(UUID incidentId, UUID changeId, @Valid @NotNull LinkChange request, Actor actor) {
        Incident incident = incidents.require(incidentId);
        Change change = changes.findByIdOptional(changeId)
                .orElseThrow(() -> ProblemException.notFound("change", changeId.toString()));
        IncidentChange link = links.findByIdOptional(new IncidentChange.Key(incidentId, changeId)).orElse(null);
        LinkRole before = link == null ? null : link.role;
        if (link == null) {
            link = new IncidentChange();
            link.incidentId = incidentId;
            link.changeId = changeId;
        }
        link.role = request.role();
        link.linkedAt = clock.instant();
        link.linkedBy = actor.name();
        link.linkedBySubject = actor.subject();
        if (before == null) {
            links.persist(link);
        }
        if (before != request.role()) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("changeId", change.id);
            data.put("role", request.role());
            data.put("service", change.service);
            data.put("kind", change.kind);
            if (before != null) {
                data.put("previousRole", before);
            }
            timeline.record(incident.id, null, Timeline.CHANGE_LINKED, null, actor, describeLink(change, request.role())
                    + (before == null ? "" : " (was " + before + ")"), data);
        }
        return new LinkView(incidentId, changeId, link.role, link.linkedAt, link.linkedBy, link.linkedBySubject,
                ChangeLogService.view(change));
    }

    /** The changes linked to an incident, for the washup record. */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<LinkView> linksOf(UUID incidentId) {
        List<IncidentChange> found = links.of(incidentId);
        // A subquery, not an IN list of ids: the number of bind parameters stays fixed however many links there are.
        Map<UUID, Change> byId = found.isEmpty() ? Map.of()
                : changes.list("id in (select l.changeId from IncidentChange l where l.incidentId = ?1)", incidentId)
                        .stream().collect(Collectors.toMap(c -> c.id, Function.identity()));
        return found.stream().map(l -> new LinkView(l.incidentId, l.changeId, l.role, l.linkedAt, l.linkedBy, l.linkedBySubject,
                ChangeLogService.view(byId.get(l.changeId)))).toList();
    }

    static String describeLink(Change change, LinkRole role) {
        String verb = role == LinkRole.CAUSED ? "caused" : "contributed to";
        return change.kind + " on " + change.service + " (" + change.summary + ") " + verb + " this incident";
    }
}
