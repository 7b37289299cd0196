package dev.daff.slo.definition;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import dev.daff.kit.problem.ProblemException;
import dev.daff.slo.burn.AlertTiers;
import dev.daff.slo.definition.SloApi.AlertBudgets;
import dev.daff.slo.definition.SloApi.Prometheus;
import dev.daff.slo.definition.SloApi.SloRequest;
import dev.daff.slo.definition.SloApi.SloView;
import dev.daff.slo.definition.SloApi.TierView;
import dev.daff.slo.definition.SloApi.VolumeDrop;

/** Creates, changes and removes SLO definitions; tells the rest of the service through {@link SloChanged}. */
@ApplicationScoped
public class SloService {

    static final Duration DEFAULT_NO_DATA_AFTER = Duration.ofMinutes(10);
    static final double DEFAULT_VOLUME_DROP_RATIO = 0.1;

    private final SloDefinitions slos;
    private final Clock clock;
    private final Event<SloChanged> changes;
    private final Event<SloDeleted> deleted;

    public SloService(SloDefinitions slos, Clock clock, Event<SloChanged> changes, Event<SloDeleted> deleted) {
        this.deleted = deleted;
        this.slos = slos;
        this.clock = clock;
        this.changes = changes;
    }

    /** Fired after an SLO is created, replaced or deleted ({@code slo} is null then). */
    public record SloChanged(String name, SloView slo) {
    }

    /** Fired inside the deleting transaction, so what ends with the SLO (its open alerts) ends in the same commit. */
    public record SloDeleted(String name, String service, String team) {
    }

    @Transactional
    public SloView create(@Valid @NotNull SloRequest request) {
        if (request.name() == null) {
            throw ProblemException.invalidField("name", "is required");
        }
        if (slos.findByIdOptional(request.name()).isPresent()) {
            throw ProblemException.conflict("duplicate-slo", "SLO already exists",
                    "An SLO named '" + request.name() + "' already exists; PUT /api/slos/" + request.name()
                            + " changes it.");
        }
        Slo slo = new Slo();
        slo.name = request.name();
        slo.createdAt = clock.instant();
        apply(slo, request);
        slos.persist(slo);
        SloView view = toView(slo);
        changes.fire(new SloChanged(slo.name, view));
        return view;
    }

    @Transactional
    public SloView replace(String name, @Valid @NotNull SloRequest request) {
        if (request.name() != null && !request.name().equals(name)) {
            throw ProblemException.invalidField("name", "cannot be changed (the path names the SLO)");
        }
        Slo slo = slos.findByIdOptional(name).orElseThrow(() -> ProblemException.notFound("SLO", name));
        apply(slo, request);
        slos.flush();
        SloView view = toView(slo);
        changes.fire(new SloChanged(slo.name, view));
        return view;
    }

    @Transactional
    public boolean delete(String name) {
        Optional<Slo> existing = slos.findByIdOptional(name);
        existing.ifPresent(slo -> deleted.fire(new SloDeleted(slo.name, slo.service, slo.team)));
        boolean deleted = slos.deleteById(name);
        if (deleted) {
            changes.fire(new SloChanged(name, null));
        }
        return deleted;
    }

    @Transactional
    public Optional<SloView> find(String name) {
        return slos.findByIdOptional(name).map(SloService::toView);
    }

    @Transactional
    public List<SloView> list() {
        return slos.listAll(io.quarkus.panache.common.Sort.by("name")).stream().map(SloService::toView).toList();
    }

    /**
     * The SLO this definition would make, without storing anything: what an import compares with the stored one to
     * say created, changed or unchanged. The same defaults and checks as {@link #create}.
     */
    public SloView preview(String name, @Valid @NotNull SloRequest request) {
        Slo slo = new Slo();
        slo.name = name;
        slo.createdAt = clock.instant();
        apply(slo, request);
        return toView(slo);
    }

    private void apply(Slo slo, SloRequest request) {
        slo.service = request.service();
        slo.team = request.team();
        slo.description = request.description();
        slo.objective = request.objective();
        slo.windowDays = SloWindow.parse(request.window()).orElseThrow().days();
        slo.minEvents = request.minEvents() == null ? 1 : request.minEvents();
        Duration noDataAfter = request.noDataAfter() == null ? DEFAULT_NO_DATA_AFTER : request.noDataAfter();
        if (noDataAfter.compareTo(Duration.ofMinutes(1)) < 0 || noDataAfter.compareTo(Duration.ofDays(1)) > 0) {
            throw ProblemException.invalidField("noDataAfter", "must be between PT1M and P1D");
        }
        slo.noDataAfterSeconds = noDataAfter.toSeconds();
        VolumeDrop volumeDrop = request.volumeDrop();
        slo.volumeDropEnabled = volumeDrop == null || volumeDrop.enabled() == null || volumeDrop.enabled();
        slo.volumeDropRatio = volumeDrop == null || volumeDrop.ratio() == null ? DEFAULT_VOLUME_DROP_RATIO
                : volumeDrop.ratio();
        AlertBudgets budgets = request.alertBudgets();
        slo.pageFastBudget = percentOr(budgets == null ? null : budgets.pageFast(), AlertTiers.DEFAULT_PAGE_FAST);
        slo.pageSlowBudget = percentOr(budgets == null ? null : budgets.pageSlow(), AlertTiers.DEFAULT_PAGE_SLOW);
        slo.ticketFastBudget = percentOr(budgets == null ? null : budgets.ticketFast(), AlertTiers.DEFAULT_TICKET_FAST);
        slo.ticketSlowBudget = percentOr(budgets == null ? null : budgets.ticketSlow(), AlertTiers.DEFAULT_TICKET_SLOW);
        Prometheus prometheus = request.prometheus();
        slo.prometheusErrorQuery = prometheus == null ? null : prometheus.errorQuery();
        slo.prometheusTotalQuery = prometheus == null ? null : prometheus.totalQuery();
        slo.updatedAt = clock.instant();
    }

    private static double percentOr(Double percent, double defaultFraction) {
        return percent == null ? defaultFraction : percent / 100.0;
    }

    public static AlertTiers tiers(Slo slo) {
        return AlertTiers.forPeriod(slo.window().length(), slo.pageFastBudget, slo.pageSlowBudget, slo.ticketFastBudget,
                slo.ticketSlowBudget);
    }

    static SloView toView(Slo slo) {
        double budget = slo.errorBudget();
        List<TierView> tiers = tiers(slo).all().stream()
                .map(tier -> new TierView(tier.severity(), tier.label(), tier.budgetFraction() * 100, tier.burnFactor(),
                        tier.threshold(budget)))
                .toList();
        return new SloView(slo.name, slo.service, slo.team, slo.description, slo.objective, slo.window().label(),
                slo.minEvents, Duration.ofSeconds(slo.noDataAfterSeconds),
                new VolumeDrop(slo.volumeDropEnabled, slo.volumeDropRatio),
                new AlertBudgets(slo.pageFastBudget * 100, slo.pageSlowBudget * 100, slo.ticketFastBudget * 100,
                        slo.ticketSlowBudget * 100),
                tiers, slo.prometheusErrorQuery == null ? null
                        : new Prometheus(slo.prometheusErrorQuery, slo.prometheusTotalQuery),
                slo.createdAt, slo.updatedAt, slo.version);
    }

}
