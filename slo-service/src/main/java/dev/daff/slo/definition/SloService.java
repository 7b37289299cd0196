package dev.daff.slo.definition;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import dev.daff.kit.problem.ProblemException;
import dev.daff.slo.burn.AlertTiers;
import dev.daff.slo.burn.BudgetAlerts;
import dev.daff.slo.burn.Severity;
import dev.daff.slo.definition.SloApi.AlertBudgets;
import dev.daff.slo.definition.SloApi.BudgetDropAlert;
import dev.daff.slo.definition.SloApi.ExhaustionAlerts;
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

    /** Fired after an SLO is created ({@code created}), replaced or deleted ({@code slo} is null then). */
    public record SloChanged(String name, SloView slo, boolean created) {
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
        slo.version = slos.firstVersion();
        apply(slo, request);
        slos.persist(slo);
        SloView view = toView(slo);
        changes.fire(new SloChanged(slo.name, view, true));
        return view;
    }

    @Transactional
    public SloView replace(String name, @Valid @NotNull SloRequest request) {
        if (request.name() != null && !request.name().equals(name)) {
            throw ProblemException.invalidField("name", "cannot be changed (the path names the SLO)");
        }
        // Locked, so that of two edits made from one read the second waits for the first and then sees it.
        Slo slo = slos.findByIdOptional(name, LockModeType.PESSIMISTIC_WRITE)
                .orElseThrow(() -> ProblemException.notFound("SLO", name));
        slo.requireRead(request.version());
        apply(slo, request);
        slos.flush();
        SloView view = toView(slo);
        changes.fire(new SloChanged(slo.name, view, false));
        return view;
    }

    @Transactional
    public boolean delete(String name) {
        // Locked first: an evaluation storing an alert of this SLO (SloDefinitions.stillStored) finishes before its
        // open episodes are resolved below, or finds the SLO gone and stores nothing.
        Optional<Slo> existing = slos.findByIdOptional(name, LockModeType.PESSIMISTIC_WRITE);
        existing.ifPresent(slo -> deleted.fire(new SloDeleted(slo.name, slo.service, slo.team)));
        boolean deleted = slos.deleteById(name);
        if (deleted) {
            changes.fire(new SloChanged(name, null, false));
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
        refuseUnpageable(slo);
        applyBudgetAlerts(slo, request, SloWindow.parse(request.window()).orElseThrow().length());
        Prometheus prometheus = request.prometheus();
        slo.prometheusErrorQuery = prometheus == null ? null : prometheus.errorQuery();
        slo.prometheusTotalQuery = prometheus == null ? null : prometheus.totalQuery();
        slo.updatedAt = clock.instant();
    }

    /** The optional budget alerts; what a request leaves out keeps its default, and a disabled alert keeps its settings. */
    private static void applyBudgetAlerts(Slo slo, SloRequest request, Duration period) {
        ExhaustionAlerts exhaustion = request.exhaustionAlerts();
        slo.exhaustionAlertsEnabled = exhaustion != null && Boolean.TRUE.equals(exhaustion.enabled());
        Duration rateWindow = exhaustion == null || exhaustion.rateWindow() == null ? BudgetAlerts.DEFAULT_RATE_WINDOW
                : exhaustion.rateWindow();
        if (!BudgetAlerts.RATE_WINDOWS.contains(rateWindow)) {
            throw ProblemException.invalidField("exhaustionAlerts.rateWindow", RATE_WINDOWS_MESSAGE);
        }
        Duration ticketWithin = horizon(exhaustion == null ? null : exhaustion.ticketWithin(),
                BudgetAlerts.DEFAULT_TICKET_WITHIN, "exhaustionAlerts.ticketWithin", period);
        Duration pageWithin = horizon(exhaustion == null ? null : exhaustion.pageWithin(),
                BudgetAlerts.DEFAULT_PAGE_WITHIN, "exhaustionAlerts.pageWithin", period);
        slo.exhaustionRateWindowSeconds = rateWindow.toSeconds();
        slo.exhaustionTicketWithinSeconds = ticketWithin.toSeconds();
        slo.exhaustionPageWithinSeconds = pageWithin.toSeconds();

        BudgetDropAlert drop = request.budgetDropAlert();
        slo.budgetDropEnabled = drop != null && Boolean.TRUE.equals(drop.enabled());
        Duration dropWindow = drop == null || drop.window() == null ? BudgetAlerts.DEFAULT_DROP_WINDOW : drop.window();
        if (!BudgetAlerts.RATE_WINDOWS.contains(dropWindow)) {
            throw ProblemException.invalidField("budgetDropAlert.window", RATE_WINDOWS_MESSAGE);
        }
        slo.budgetDropWindowSeconds = dropWindow.toSeconds();
        slo.budgetDropFraction = drop == null || drop.percent() == null ? BudgetAlerts.DEFAULT_DROP_FRACTION
                : drop.percent() / 100.0;
        slo.budgetDropSeverity = drop == null || drop.severity() == null ? BudgetAlerts.DEFAULT_DROP_SEVERITY.name()
                : drop.severity();
    }

    private static final String RATE_WINDOWS_MESSAGE = "must be one of PT5M, PT30M, PT1H, PT2H, PT6H, P1D, P3D";

    private static Duration horizon(Duration requested, Duration defaultHorizon, String field, Duration period) {
        Duration horizon = requested == null ? defaultHorizon : requested;
        if (horizon.compareTo(Duration.ofMinutes(1)) < 0 || horizon.compareTo(period) > 0) {
            throw ProblemException.invalidField(field, "must be between PT1M and the SLO window");
        }
        return horizon;
    }

    /** The budget alerts a stored definition asks for. */
    public static BudgetAlerts budgetAlerts(Slo slo) {
        return new BudgetAlerts(slo.exhaustionAlertsEnabled, Duration.ofSeconds(slo.exhaustionRateWindowSeconds),
                Duration.ofSeconds(slo.exhaustionTicketWithinSeconds), Duration.ofSeconds(slo.exhaustionPageWithinSeconds),
                slo.budgetDropEnabled, slo.budgetDropFraction, Duration.ofSeconds(slo.budgetDropWindowSeconds),
                Severity.valueOf(slo.budgetDropSeverity));
    }

    /** An SLO whose budget not even a total outage burns fast enough for a page tier could never page: refused. */
    private static void refuseUnpageable(Slo slo) {
        double factor = tiers(slo).slowestPagingBurn();
        if (factor * slo.errorBudget() >= 1) {
            throw ProblemException.invalidField("objective", String.format(Locale.ROOT, "no outage could page: a total"
                    + " outage burns a %s%% objective's budget at most %.3g times as fast as the %s window allows, and"
                    + " the page tiers need more than %.3g; raise the objective above %.4g%% or lower alertBudgets.pageFast"
                    + " and pageSlow", BigDecimal.valueOf(slo.objective).stripTrailingZeros().toPlainString(),
                    1 / slo.errorBudget(), slo.window().label(), factor, 100 * (1 - 1 / factor)));
        }
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
                tiers,
                new ExhaustionAlerts(slo.exhaustionAlertsEnabled, Duration.ofSeconds(slo.exhaustionRateWindowSeconds),
                        Duration.ofSeconds(slo.exhaustionTicketWithinSeconds),
                        Duration.ofSeconds(slo.exhaustionPageWithinSeconds)),
                new BudgetDropAlert(slo.budgetDropEnabled, slo.budgetDropFraction * 100,
                        Duration.ofSeconds(slo.budgetDropWindowSeconds), slo.budgetDropSeverity),
                slo.prometheusErrorQuery == null ? null
                        : new Prometheus(slo.prometheusErrorQuery, slo.prometheusTotalQuery),
                slo.createdAt, slo.updatedAt, slo.version);
    }

}
