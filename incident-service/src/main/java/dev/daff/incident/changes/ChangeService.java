package dev.daff.incident.changes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import dev.daff.incident.changes.ChangesApi.ChangeView;
import dev.daff.incident.changes.ChangesApi.ConcurrentChange;
import dev.daff.incident.changes.ChangesApi.LinkChange;
import dev.daff.incident.changes.ChangesApi.LinkView;
import dev.daff.incident.changes.ChangesApi.NewChange;
import dev.daff.incident.changes.ChangesApi.PutService;
import dev.daff.incident.changes.ChangesApi.Registered;
import dev.daff.incident.changes.ChangesApi.RelatedChange;
import dev.daff.incident.changes.ChangesApi.ServiceView;
import dev.daff.incident.changes.ChangesApi.WhatChanged;
import dev.daff.incident.lifecycle.Incident;
import dev.daff.incident.lifecycle.IncidentRepository;
import dev.daff.incident.timeline.Actor;
import dev.daff.kit.listing.PageRequest;
import dev.daff.kit.listing.Slice;
import dev.daff.incident.timeline.Timeline;
import dev.daff.kit.problem.ProblemException;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;

/** The service catalog, the change log, and "what changed?" for an incident. */
@ApplicationScoped
public class ChangeService {

    private final Catalog catalog;
    private final Changes changes;
    private final IncidentChanges links;
    private final IncidentRepository incidents;
    private final Timeline timeline;
    private final ChangeRules rules;
    private final Clock clock;

    public ChangeService(Catalog catalog, Changes changes, IncidentChanges links, IncidentRepository incidents,
            Timeline timeline, ChangeRules rules, Clock clock) {
        this.catalog = catalog;
        this.changes = changes;
        this.links = links;
        this.incidents = incidents;
        this.timeline = timeline;
        this.rules = rules;
        this.clock = clock;
    }

    // --- catalog ---------------------------------------------------------------------------------------

    /** Creates or replaces a catalog entry; answers true when it was created. */
    @Transactional
    public boolean putService(String name, @Valid @NotNull PutService request, Actor actor) {
        if (name == null || !name.matches(ChangesApi.SERVICE_NAME)) {
            throw ProblemException.invalidField("name", "must match " + ChangesApi.SERVICE_NAME);
        }
        List<String> dependsOn = request.dependsOn() == null ? List.of() : request.dependsOn().stream().distinct().toList();
        for (int i = 0; i < dependsOn.size(); i++) {
            String target = dependsOn.get(i);
            if (target.equals(name)) {
                throw ProblemException.invalidField("dependsOn[" + i + "]", "a service cannot depend on itself");
            }
            if (catalog.findByIdOptional(target).isEmpty()) {
                throw ProblemException.invalidField("dependsOn[" + i + "]",
                        "unknown service '" + target + "'; put it in the catalog first");
            }
        }
        Optional<CatalogEntry> existing = catalog.findByIdOptional(name);
        CatalogEntry entry = existing.orElseGet(CatalogEntry::new);
        entry.name = name;
        entry.team = request.team();
        entry.shared = Boolean.TRUE.equals(request.shared());
        entry.dependsOn = new ArrayList<>(dependsOn);
        entry.updatedAt = clock.instant();
        entry.updatedBy = actor.name();
        entry.updatedBySubject = actor.subject();
        if (existing.isEmpty()) {
            catalog.persist(entry);
        }
        return existing.isEmpty();
    }

    @Transactional
    public ServiceView service(String name) {
        DependencyGraph graph = catalog.graph(rules.sharedPlatformMinDependents());
        return catalog.findByIdOptional(name).map(e -> view(e, graph))
                .orElseThrow(() -> ProblemException.notFound("service", name));
    }

    /** Catalog entries by name, a page at a time. */
    @Transactional
    public Slice<ServiceView> services(PageRequest request) {
        DependencyGraph graph = catalog.graph(rules.sharedPlatformMinDependents());
        List<CatalogEntry> fetched = request.expectParts(1).isFirst()
                ? catalog.findAll(Sort.by("name")).range(0, request.limit()).list()
                : catalog.find("name > ?1", Sort.by("name"), request.text(0)).range(0, request.limit()).list();
        return Slice.of(fetched, request.limit(), e -> PageRequest.cursorAfter(e.name)).map(e -> view(e, graph));
    }

    private static ServiceView view(CatalogEntry entry, DependencyGraph graph) {
        return new ServiceView(entry.name, entry.team, List.copyOf(entry.dependsOn), graph.directDependents(entry.name),
                entry.shared, graph.isShared(entry.name), entry.updatedAt, entry.updatedBy,
                entry.updatedBySubject);
    }

    // --- changes ---------------------------------------------------------------------------------------

    /** Stores a change and answers it with the changes to related services close to it in time. */
    @Transactional
    public Registered register(@Valid @NotNull NewChange request, Actor recordedBy) {
        if (catalog.findByIdOptional(request.service()).isEmpty()) {
            throw ProblemException.invalidField("service",
                    "unknown service '" + request.service() + "'; put it in the catalog first (PUT /api/services/{name})");
        }
        if (request.endedAt() != null && request.endedAt().isBefore(request.startedAt())) {
            throw ProblemException.invalidField("endedAt", "cannot be before startedAt");
        }
        Change change = new Change();
        change.id = UUID.randomUUID();
        change.service = request.service();
        change.kind = request.kind();
        change.summary = request.summary();
        change.author = request.author();
        change.startedAt = request.startedAt();
        change.endedAt = request.endedAt();
        change.ref = request.ref();
        change.environment = request.environment();
        change.recordedAt = clock.instant();
        change.recordedBy = recordedBy.name();
        change.recordedBySubject = recordedBy.subject();
        changes.persist(change);
        return new Registered(view(change), concurrentWith(change));
    }

    private List<ConcurrentChange> concurrentWith(Change change) {
        DependencyGraph graph = catalog.graph(rules.sharedPlatformMinDependents());
        Relatedness related = new Relatedness(List.of(change.service), graph, rules.dependencyDepth());
        Duration window = rules.concurrentWindow();
        List<Change> near = changes.overlapping(related.servicesToSearch(), change.startedAt.minus(window),
                change.lastMoment().plus(window)).stream()
                .filter(other -> !other.id.equals(change.id) && other.environment.equals(change.environment))
                .toList();
        return related.rank(near, change.startedAt, "this change").stream()
                .map(r -> new ConcurrentChange(view(r.change()), r.relation(), r.reason()))
                .toList();
    }

    @Transactional
    public ChangeView change(UUID id) {
        return changes.findByIdOptional(id).map(ChangeService::view)
                .orElseThrow(() -> ProblemException.notFound("change", id.toString()));
    }

    /** Changes newest first (by start), a page at a time. */
    @Transactional
    public Slice<ChangeView> list(String service, ChangeKind kind, Instant from, Instant to, PageRequest request) {
        StringBuilder query = new StringBuilder("1 = 1");
        Parameters parameters = new Parameters();
        if (service != null) {
            query.append(" and service = :service");
            parameters.and("service", service);
        }
        if (kind != null) {
            query.append(" and kind = :kind");
            parameters.and("kind", kind);
        }
        if (from != null) {
            query.append(" and coalesce(endedAt, startedAt) >= :from");
            parameters.and("from", from);
        }
        if (to != null) {
            query.append(" and startedAt < :to");
            parameters.and("to", to);
        }
        if (!request.expectParts(2).isFirst()) {
            query.append(" and (startedAt < :afterAt or (startedAt = :afterAt and id > :afterId))");
            parameters.and("afterAt", request.instant(0)).and("afterId", request.uuid(1));
        }
        List<Change> fetched = changes.find(query.toString(), Sort.descending("startedAt").and("id"), parameters)
                .range(0, request.limit()).list();
        return Slice.of(fetched, request.limit(), c -> PageRequest.cursorAfter(c.startedAt, c.id)).map(ChangeService::view);
    }

    // --- incidents ------------------------------------------------------------------------------------

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
        Incident incident = incident(incidentId);
        Duration window = lookback == null ? rules.defaultLookback() : lookback;
        if (window.isNegative() || window.isZero() || window.compareTo(rules.maxLookback()) > 0) {
            throw ProblemException.invalidField("lookback", "must be an ISO-8601 duration above zero and at most "
                    + rules.maxLookback());
        }
        Instant impactAt = incident.impactStartedAt != null ? incident.impactStartedAt : incident.detectedAt;
        Instant from = impactAt.minus(window);
        Instant end = incident.resolvedAt != null ? incident.resolvedAt : clock.instant();
        Instant latest = impactAt.plus(rules.maxAfterImpact());
        boolean clamped = end.isAfter(latest);
        Instant until = clamped ? latest : end;
        DependencyGraph graph = catalog.graph(rules.sharedPlatformMinDependents());
        Relatedness related = new Relatedness(incident.services, graph, rules.dependencyDepth());
        Map<UUID, LinkRole> linked = links.of(incidentId).stream()
                .collect(Collectors.toMap(l -> l.changeId, l -> l.role));
        List<Relatedness.Related> ranked = related.rank(changes.overlapping(related.servicesToSearch(), from, until),
                impactAt, "impact");
        int skip = page == null || page.expectParts(1).isFirst() ? 0 : (int) Math.min(page.number(0), ranked.size());
        if (skip < 0) {
            throw ProblemException.invalidField("cursor", "is not a cursor this list gave out; start again without one");
        }
        int shown = page == null ? ranked.size() - skip : Math.min(page.limit(), ranked.size() - skip);
        List<RelatedChange> found = ranked.subList(skip, skip + shown).stream()
                .map(r -> new RelatedChange(view(r.change()), r.relation(), r.relatedTo(), r.hops(), r.reason(),
                        linked.get(r.change().id)))
                .toList();
        String nextCursor = skip + shown < ranked.size() ? PageRequest.cursorAfter(skip + shown) : null;
        return new WhatChanged(incident.id, List.copyOf(incident.services), impactAt,
                incident.impactStartedAt != null ? "impactStartedAt" : "detectedAt", window.toString(), from, until,
                clamped, ranked.size(), found, nextCursor);
    }

    @Transactional
    public LinkView link(UUID incidentId, UUID changeId, @Valid @NotNull LinkChange request, Actor actor) {
        Incident incident = incident(incidentId);
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
                view(change));
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
                view(byId.get(l.changeId)))).toList();
    }

    static String describeLink(Change change, LinkRole role) {
        String verb = role == LinkRole.CAUSED ? "caused" : "contributed to";
        return change.kind + " on " + change.service + " (" + change.summary + ") " + verb + " this incident";
    }

    private Incident incident(UUID id) {
        return incidents.findByIdOptional(id).orElseThrow(() -> ProblemException.notFound("incident", id.toString()));
    }

    static ChangeView view(Change change) {
        return new ChangeView(change.id, change.service, change.kind, change.summary, change.author, change.startedAt,
                change.endedAt, change.ref, change.environment, change.recordedAt, change.recordedBy,
                change.recordedBySubject);
    }
}
