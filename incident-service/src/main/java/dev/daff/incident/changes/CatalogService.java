package dev.daff.incident.changes;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import dev.daff.incident.changes.ChangesApi.PutService;
import dev.daff.incident.changes.ChangesApi.ServiceView;
import dev.daff.incident.timeline.Actor;
import dev.daff.kit.http.OutboundAddresses;
import dev.daff.kit.listing.PageRequest;
import dev.daff.kit.listing.Slice;
import dev.daff.kit.problem.ProblemException;
import io.quarkus.panache.common.Sort;

/** The service catalog ({@code catalog_service}): which services exist, who owns them, what they depend on. */
@ApplicationScoped
public class CatalogService {

    private final Catalog catalog;
    private final OutboundAddresses outbound;
    private final ChangeConfig config;
    private final Clock clock;

    public CatalogService(Catalog catalog, ChangeConfig config, Clock clock, HookLookup hookLookup) {
        this.outbound = config.rollbackHookAddresses(hookLookup);
        this.catalog = catalog;
        this.config = config;
        this.clock = clock;
    }

    /** Creates or replaces a catalog entry; answers true when it was created. */
    @Transactional
    public boolean putService(String name, @Valid @NotNull PutService request, Actor actor) {
        if (name == null || !name.matches(ChangesApi.SERVICE_NAME)) {
            throw ProblemException.invalidField("name", "must match " + ChangesApi.SERVICE_NAME);
        }
        catalog.lockName(name);
        Optional<String> spelled = catalog.spelling(name);
        if (spelled.isPresent() && !spelled.get().equals(name)) { // one service, whatever its case: one entry
            throw ProblemException.conflict("service-name-taken", "A service of that name is in the catalog",
                    "The catalog has '" + spelled.get() + "', which differs from '" + name + "' only in case; PUT"
                            + " /api/services/" + spelled.get() + " changes it.");
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
        if (request.rollbackHook() != null) {
            outbound.refusalToStore(request.rollbackHook())
                    .ifPresent(why -> { throw ProblemException.invalidField("rollbackHook", why); });
        }
        Optional<CatalogEntry> existing = catalog.findByIdOptional(name);
        CatalogEntry entry = existing.orElseGet(CatalogEntry::new);
        entry.name = name;
        entry.team = request.team();
        entry.shared = Boolean.TRUE.equals(request.shared());
        entry.rollbackHook = request.rollbackHook();
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
        DependencyGraph graph = catalog.graph(config.sharedPlatformMinDependents());
        return catalog.findByIdOptional(name).map(e -> view(e, graph))
                .orElseThrow(() -> ProblemException.notFound("service", name));
    }

    /** Catalog entries by name, a page at a time. */
    @Transactional
    public Slice<ServiceView> services(PageRequest request) {
        DependencyGraph graph = catalog.graph(config.sharedPlatformMinDependents());
        List<CatalogEntry> fetched = request.expectParts(1).isFirst()
                ? catalog.findAll(Sort.by("name")).range(0, request.limit()).list()
                : catalog.find("name > ?1", Sort.by("name"), request.text(0)).range(0, request.limit()).list();
        return Slice.of(fetched, request.limit(), e -> PageRequest.cursorAfter(e.name)).map(e -> view(e, graph));
    }

    private static ServiceView view(CatalogEntry entry, DependencyGraph graph) {
        return new ServiceView(entry.name, entry.team, List.copyOf(entry.dependsOn), graph.directDependents(entry.name),
                entry.shared, graph.isShared(entry.name), entry.rollbackHook, entry.updatedAt, entry.updatedBy,
                entry.updatedBySubject);
    }
}
