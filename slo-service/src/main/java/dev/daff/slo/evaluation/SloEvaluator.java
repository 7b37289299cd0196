package dev.daff.slo.evaluation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.EntityManager;

import dev.daff.events.AlertEvent;
import dev.daff.events.Topics;
import dev.daff.kit.time.SqlTimes;
import dev.daff.kit.outbox.Outbox;
import dev.daff.slo.burn.AlertEvaluator;
import dev.daff.slo.burn.AlertTransition;
import dev.daff.slo.burn.BurnCalculator;
import dev.daff.slo.burn.BurnSnapshot;
import dev.daff.slo.burn.SliWindows;
import dev.daff.slo.burn.SloAlertSettings;
import dev.daff.slo.burn.TransitionType;
import dev.daff.slo.definition.Slo;
import dev.daff.slo.definition.SloRepository;
import dev.daff.slo.definition.SloService;
import dev.daff.slo.definition.SloService.SloChanged;
import dev.daff.slo.ingest.CountedBuckets;
import dev.daff.slo.ingest.SloOwnership;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * Evaluates every SLO this replica owns on each tick: running window sums (restored from the minute buckets
 * on start, then fed by the SLI consumer) give burn rates and budget in constant time per SLO, and the
 * Workbook's alert rules turn them into FIRED/RESOLVED transitions, published through the outbox on
 * {@link Topics#SLO_ALERTS}.
 */
@ApplicationScoped
public class SloEvaluator {

    private final SloRepository slos;
    private final SloAlerts stored;
    private final EntityManager entityManager;
    private final SloOwnership ownership;
    private final Outbox outbox;
    private final Clock clock;
    private final MeterRegistry registry;
    private final AlertEvaluator alerts = new AlertEvaluator();
    private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();

    /** One SLO as the evaluator sees it: definition, window sums, last snapshot. */
    static final class Tracked {
        final Slo slo;
        final SloAlertSettings settings;
        final SliWindows windows;
        volatile BurnSnapshot snapshot;

        Tracked(Slo slo, SloAlertSettings settings, SliWindows windows) {
            this.slo = slo;
            this.settings = settings;
            this.windows = windows;
        }
    }

    public SloEvaluator(SloRepository slos, SloAlerts stored, EntityManager entityManager, SloOwnership ownership, Outbox outbox,
            Clock clock, MeterRegistry registry) {
        this.slos = slos;
        this.stored = stored;
        this.entityManager = entityManager;
        this.ownership = ownership;
        this.outbox = outbox;
        this.clock = clock;
        this.registry = registry;
    }

    void restore(@Observes StartupEvent startup) {
        QuarkusTransaction.requiringNew().run(() -> slos.listAll().forEach(this::track));
    }

    void onSloChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) SloChanged change) {
        if (change.slo() == null) {
            tracked.remove(change.name());
            alerts.forget(change.name());
        } else {
            QuarkusTransaction.requiringNew().run(() -> slos.findByIdOptional(change.name()).ifPresent(this::track));
        }
    }

    synchronized void onCounted(@Observes CountedBuckets counted) {
        counted.bySlo().forEach((slo, minutes) -> {
            Tracked target = tracked.get(slo);
            if (target != null) {
                minutes.forEach((minute, count) -> target.windows.add(minute, count.good(), count.total()));
            }
        });
    }

    @Scheduled(every = "${daff.slo.evaluation.tick:10s}", identity = "slo-evaluation",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public synchronized void tick() {
        Instant now = clock.instant();
        for (Tracked slo : tracked.values()) {
            if (!ownership.owns(slo.slo.name)) {
                continue;
            }
            slo.windows.advance(now);
            slo.snapshot = BurnCalculator.snapshot(slo.windows, slo.slo.objective, now);
            List<AlertTransition> transitions = alerts.evaluate(slo.settings, slo.windows, now);
            if (!transitions.isEmpty()) {
                QuarkusTransaction.requiringNew().run(() -> transitions.forEach(t -> announce(slo.slo, t)));
            }
        }
    }

    /** The latest burn figures of an SLO, computed now when this replica has not evaluated it yet. */
    public synchronized Optional<BurnSnapshot> snapshot(String slo) {
        Tracked found = tracked.get(slo);
        if (found == null) {
            return Optional.empty();
        }
        found.windows.advance(clock.instant());
        return Optional.of(BurnCalculator.snapshot(found.windows, found.slo.objective, clock.instant()));
    }

    private void track(Slo slo) {
        SliWindows windows = new SliWindows(slo.window().length());
        Instant now = clock.instant();
        @SuppressWarnings("unchecked")
        List<Object[]> buckets = entityManager.createNativeQuery(
                "select minute, good, total from sli_bucket where slo_name = ?1 and minute > ?2 order by minute")
                .setParameter(1, slo.name)
                .setParameter(2, OffsetDateTime.ofInstant(now.minus(slo.window().length()), ZoneOffset.UTC))
                .getResultList();
        windows.advance(now);
        for (Object[] bucket : buckets) {
            windows.add(SqlTimes.toInstant(bucket[0]), ((Number) bucket[1]).longValue(), ((Number) bucket[2]).longValue());
        }
        entityManager.detach(slo);
        SloAlertSettings settings = new SloAlertSettings(slo.name, slo.objective, SloService.tiers(slo), slo.minEvents,
                Duration.ofSeconds(slo.noDataAfterSeconds), slo.volumeDropEnabled, slo.volumeDropRatio);
        Tracked previous = tracked.put(slo.name, new Tracked(slo, settings, windows));
        if (previous == null) {
            registerGauges(slo.name);
        }
    }

    private void registerGauges(String slo) {
        for (Duration window : List.of(SliWindows.FIVE_MINUTES, SliWindows.THIRTY_MINUTES, SliWindows.ONE_HOUR,
                SliWindows.TWO_HOURS, SliWindows.SIX_HOURS, SliWindows.ONE_DAY, SliWindows.THREE_DAYS)) {
            Gauge.builder("daff.slo.burn.rate", this, self -> self.latest(slo).map(s -> s.window(window).burnRate()).orElse(0.0))
                    .tags(Tags.of("slo", slo, "window", dev.daff.slo.burn.WindowLabels.of(window))).register(registry);
        }
        Gauge.builder("daff.slo.budget.remaining", this, self -> self.latest(slo).map(BurnSnapshot::budgetRemaining).orElse(1.0))
                .tags(Tags.of("slo", slo)).register(registry);
        Gauge.builder("daff.slo.alerts.firing", this, self -> self.alerts.activeAlerts(slo).size())
                .tags(Tags.of("slo", slo)).register(registry);
    }

    private Optional<BurnSnapshot> latest(String slo) {
        Tracked found = tracked.get(slo);
        return found == null ? Optional.empty() : Optional.ofNullable(found.snapshot);
    }

    /**
     * Stores the episode and puts its event on the outbox. A FIRED for an episode already stored as
     * unresolved (this replica restarted and lost its in-memory state) announces nothing new.
     */
    private void announce(Slo slo, AlertTransition transition) {
        Optional<SloAlert> active = stored.active(slo.name, transition.severity().name(), transition.kind().name());
        SloAlert alert;
        if (transition.type() == TransitionType.FIRED) {
            if (active.isPresent()) {
                return;
            }
            alert = new SloAlert();
            alert.alertId = transition.alertId();
            alert.dedupKey = transition.dedupKey();
            alert.sloName = slo.name;
            alert.severity = transition.severity().name();
            alert.kind = transition.kind().name();
            alert.tier = transition.tier();
            alert.firedAt = transition.firedAt();
        } else {
            if (active.isEmpty()) {
                return;
            }
            alert = active.get();
            alert.resolvedAt = transition.resolvedAt();
        }
        alert.burnRateLong = transition.burnRateLong();
        alert.burnRateShort = transition.burnRateShort();
        alert.threshold = transition.threshold();
        alert.budgetRemaining = transition.budgetRemaining();
        alert.exhaustionAt = transition.exhaustionAt();
        stored.persist(alert);
        outbox.publish(Topics.SLO_ALERTS, slo.name, new AlertEvent(UUID.randomUUID().toString(),
                transition.type() == TransitionType.FIRED ? AlertEvent.FIRED : AlertEvent.RESOLVED,
                AlertEvent.CURRENT_VERSION, alert.alertId, alert.dedupKey, slo.name, slo.service, slo.team,
                alert.severity, alert.kind, alert.tier, alert.burnRateLong, alert.burnRateShort, alert.threshold,
                alert.budgetRemaining, alert.exhaustionAt, alert.firedAt, alert.resolvedAt));
    }
}
