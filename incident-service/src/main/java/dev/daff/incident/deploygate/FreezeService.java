package dev.daff.incident.deploygate;

import java.time.Clock;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.daff.incident.deploygate.DeployGateApi.FreezeRequest;
import dev.daff.incident.deploygate.DeployGateApi.FreezeView;
import dev.daff.incident.lifecycle.ServiceNames;
import dev.daff.incident.timeline.Actor;
import dev.daff.kit.problem.ProblemException;

/** Freeze windows: made or replaced by id, listed while not over, and lifted. */
@ApplicationScoped
public class FreezeService {

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,99}");
    private static final Pattern SERVICE = Pattern.compile("[^,\\s]{1,200}");

    private final Freezes freezes;
    private final Clock clock;

    public FreezeService(Freezes freezes, Clock clock) {
        this.freezes = freezes;
        this.clock = clock;
    }

    /** Makes the freeze, or replaces the one with its id; answers whether it was new. */
    @Transactional
    public boolean put(FreezeRequest request, Actor actor) {
        if (request == null) {
            throw ProblemException.badRequest("A body with id, start, end, services or all, and reason is required.");
        }
        if (request.id() == null || !ID.matcher(request.id()).matches()) {
            throw ProblemException.invalidField("id", "must be 1 to 100 lower-case letters, digits and dashes");
        }
        if (request.start() == null || request.end() == null || !request.end().isAfter(request.start())) {
            throw ProblemException.invalidField("end", "start and end are required, and end must be after start");
        }
        boolean all = Boolean.TRUE.equals(request.all());
        List<String> services = request.services() == null ? List.of() : ServiceNames.tidy(request.services());
        if (all == !services.isEmpty()) {
            throw ProblemException.invalidField("services", "name the services, or set all: true (not both)");
        }
        if (services.stream().anyMatch(service -> service == null || !SERVICE.matcher(service).matches())) {
            throw ProblemException.invalidField("services", "each must be a service name (no commas or spaces)");
        }
        String reason = DeployGate.required("reason", request.reason(), 2000);
        Freeze freeze = freezes.findByIdOptional(request.id()).orElse(null);
        boolean created = freeze == null;
        if (created) {
            freeze = new Freeze();
            freeze.id = request.id();
        }
        freeze.startsAt = request.start();
        freeze.endsAt = request.end();
        freeze.allServices = all;
        freeze.services = String.join(",", services);
        freeze.reason = reason;
        freeze.createdBy = actor.name();
        freeze.createdBySubject = actor.subject();
        freeze.createdAt = clock.instant();
        if (created) {
            freezes.persist(freeze);
        }
        return created;
    }

    @Transactional
    public List<FreezeView> notOver() {
        return freezes.notOverAt(clock.instant()).stream().map(FreezeService::view).toList();
    }

    @Transactional
    public FreezeView get(String id) {
        return freezes.findByIdOptional(id).map(FreezeService::view)
                .orElseThrow(() -> ProblemException.notFound("freeze", id));
    }

    @Transactional
    public void lift(String id) {
        if (!freezes.deleteById(id)) {
            throw ProblemException.notFound("freeze", id);
        }
    }

    private static FreezeView view(Freeze freeze) {
        return new FreezeView(freeze.id, freeze.startsAt, freeze.endsAt, freeze.allServices, freeze.serviceList(),
                freeze.reason, freeze.createdBy, freeze.createdAt);
    }
}
