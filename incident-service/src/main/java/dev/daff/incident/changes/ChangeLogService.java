package dev.daff.incident.changes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import dev.daff.incident.changes.ChangesApi.ChangeView;
import dev.daff.incident.changes.ChangesApi.ConcurrentChange;
import dev.daff.incident.changes.ChangesApi.NewChange;
import dev.daff.incident.changes.ChangesApi.Registered;
import dev.daff.incident.timeline.Actor;
import dev.daff.kit.http.IdempotentCreates;
import dev.daff.kit.http.IdempotentCreates.Created;
import dev.daff.kit.http.IdempotentCreates.Made;
import dev.daff.kit.listing.PageRequest;
import dev.daff.kit.listing.Slice;
import dev.daff.kit.problem.ProblemException;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;

/** The change log ({@code change_event}): changes reported by people and pipelines, and those concurrent with each. */
@ApplicationScoped
public class ChangeLogService {

    private final Catalog catalog;
    private final Changes changes;
    private final ChangeConfig config;
    private final IdempotentCreates creates;
    private final Clock clock;

    public ChangeLogService(Catalog catalog, Changes changes, ChangeConfig config, IdempotentCreates creates,
            Clock clock) {
        this.catalog = catalog;
        this.changes = changes;
        this.config = config;
        this.creates = creates;
        this.clock = clock;
    }

    /**
     * Stores a change and answers it with the changes to related services close to it in time: the
     * {@code concurrent-limit} most related, and how many there were. The same change reported again by the same
     * caller within a day, with the same key or both without one, is answered as the first and stored once, whatever
     * the case its service is written in (as a Kafka change event sent again is).
     */
    @Transactional
    public Made<Registered> register(@Valid @NotNull NewChange request, Actor recordedBy, String idempotencyKey) {
        NewChange asStored = catalog.spelling(request.service()).map(request::withService).orElse(request);
        Created created = creates.onceAlike("POST /api/changes", recordedBy.subject(), idempotencyKey, asStored,
                () -> store(asStored, recordedBy).id);
        Change change = changes.findById(created.id());
        List<Relatedness.Related> concurrent = concurrentWith(change);
        List<ConcurrentChange> shown = concurrent.stream().limit(config.concurrentLimit())
                .map(r -> new ConcurrentChange(view(r.change()), r.relation(), r.reason()))
                .toList();
        return created.as(new Registered(view(change), shown, concurrent.size()));
    }

    /** Stores a change reported where nobody reads an answer (Kafka). */
    @Transactional
    public ChangeView record(@Valid @NotNull NewChange request, Actor recordedBy) {
        return view(store(request, recordedBy));
    }

    /** How far ahead a reported change may start or end: a planned maintenance window, not a typo'd year. */
    static final Duration FURTHEST_AHEAD = Duration.ofDays(30);

    private Change store(NewChange request, Actor recordedBy) {
        // As the catalog spells it: a pipeline that writes "Checkout" (as the gate and incidents may) means checkout.
        String service = catalog.spelling(request.service()).orElseThrow(() -> ProblemException.invalidField("service",
                "unknown service '" + request.service() + "'; put it in the catalog first (PUT /api/services/{name})"));
        if (request.endedAt() != null && request.endedAt().isBefore(request.startedAt())) {
            throw ProblemException.invalidField("endedAt", "cannot be before startedAt");
        }
        // A change ending in a typo'd year would be "under way" beside every deploy for good and rank first in "what
        // changed?" for every later incident; one reported years ahead likewise, once its time comes.
        Instant furthest = clock.instant().plus(FURTHEST_AHEAD);
        if (request.startedAt().isAfter(furthest)) {
            throw ProblemException.invalidField("startedAt", "must be at most 30 days ahead");
        }
        if (request.endedAt() != null && request.endedAt().isAfter(furthest)) {
            throw ProblemException.invalidField("endedAt", "must be at most 30 days ahead; report when it ends then");
        }
        Change change = new Change();
        change.id = UUID.randomUUID();
        change.service = service;
        change.kind = request.kind();
        change.summary = request.summary();
        change.author = request.author();
        change.startedAt = request.startedAt();
        change.endedAt = request.endedAt();
        change.ref = request.ref();
        change.environment = request.environment();
        change.rollbackUrl = request.rollbackUrl();
        change.recordedAt = clock.instant();
        change.recordedBy = recordedBy.name();
        change.recordedBySubject = recordedBy.subject();
        changes.persist(change);
        return change;
    }

    /** Changes to related services close to {@code change} in time, the most related first. */
    private List<Relatedness.Related> concurrentWith(Change change) {
        DependencyGraph graph = catalog.graph(config.sharedPlatformMinDependents());
        Relatedness related = new Relatedness(List.of(change.service), graph, config.dependencyDepth());
        Duration window = config.concurrentWindow();
        List<Change> near = changes.overlapping(related.servicesToSearch(), change.startedAt.minus(window),
                change.lastMoment().plus(window)).stream()
                .filter(other -> !other.id.equals(change.id) && other.environment.equals(change.environment))
                .toList();
        return related.rank(near, change.startedAt, "this change", false);
    }

    @Transactional
    public ChangeView change(UUID id) {
        return changes.findByIdOptional(id).map(ChangeLogService::view)
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
        return Slice.of(fetched, request.limit(), c -> PageRequest.cursorAfter(c.startedAt, c.id)).map(ChangeLogService::view);
    }

    static ChangeView view(Change change) {
        return new ChangeView(change.id, change.service, change.kind, change.summary, change.author, change.startedAt,
                change.endedAt, change.ref, change.environment, change.recordedAt, change.recordedBy,
                change.recordedBySubject, change.rollbackUrl);
    }
}
