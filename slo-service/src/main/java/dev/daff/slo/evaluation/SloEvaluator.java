package dev.daff.slo.evaluation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
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
import dev.daff.slo.ingest.CountingLock;
import dev.daff.slo.ingest.SliRules;
import dev.daff.slo.ingest.SloOwnership;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * Evaluates every SLO this replica owns on each tick: running window sums give burn rates and budget in constant
 * time per SLO, and the Workbook's alert rules turn them into FIRED/RESOLVED transitions, published through the
 * outbox on {@link Topics#SLO_ALERTS}.
 *
 * <p><b>Replicas.</b> Every replica knows every SLO definition (re-read from PostgreSQL each tick, so a change made
 * through another replica takes effect within one tick) but keeps running sums only for the SLOs it owns
 * ({@link SloOwnership}). Whenever it gains an SLO (partition assignment, a new or changed definition) it loads the
 * sums from the stored minute buckets and the unresolved episodes from {@code slo_alert} before evaluating it, under
 * {@link CountingLock}, so nothing is counted twice or missed and an episode that was open elsewhere stays one
 * episode. A status asked of a replica that does not own the SLO is computed from the stored buckets.
 */
@ApplicationScoped
public class SloEvaluator {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(SloEvaluator.class);

    private final SloRepository slos;
    private final SloAlerts stored;
    private final EntityManager entityManager;
    private final SloOwnership ownership;
    private final CountingLock countingLock;
    private final Outbox outbox;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Duration tickInterval;
    private final AlertEvaluator alerts = new AlertEvaluator();
    private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();

    /** One SLO as the evaluator sees it: definition, window sums (only while owned and loaded), last snapshot. */
    static final class Tracked {
        final Slo slo;
        final SloAlertSettings settings;
        /** Live running sums: set once loaded while this replica owns the SLO, null otherwise. */
        SliWindows windows;
        volatile BurnSnapshot snapshot;
        /** For a status asked of a replica that does not own the SLO: sums read from the database, and when. */
        SliWindows readOnly;
        Instant readOnlyAt;
        /** Counts arrived since its last evaluation: evaluated within a second, not at the next tick. */
        boolean counted;

        Tracked(Slo slo, SloAlertSettings settings) {
            this.slo = slo;
            this.settings = settings;
        }
    }

    public SloEvaluator(SloRepository slos, SloAlerts stored, EntityManager entityManager, SloOwnership ownership,
            CountingLock countingLock, Outbox outbox, Clock clock, MeterRegistry registry,
            @ConfigProperty(name = "daff.slo.evaluation.tick", defaultValue = "10s") String tick) {
        this.slos = slos;
        this.stored = stored;
        this.entityManager = entityManager;
        this.ownership = ownership;
        this.countingLock = countingLock;
        this.outbox = outbox;
        this.clock = clock;
        this.registry = registry;
        this.tickInterval = parseTick(tick);
    }

    private static Duration parseTick(String tick) {
        try {
            return tick.startsWith("P") ? Duration.parse(tick) : Duration.parse("PT" + tick.toUpperCase());
        } catch (RuntimeException e) {
            return Duration.ofSeconds(10);
        }
    }

    void restore(@Observes StartupEvent startup) {
        syncDefinitions();
    }

    void onSloChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) SloChanged change) {
        syncDefinitions();
        loadOwned();
    }

    /**
     * A deleted SLO's open episodes end with it, in the deleting transaction: their AlertResolved goes out through
     * the outbox (and resolves their pages), whichever replica served the delete.
     */
    void resolveAlertsOfDeleted(@Observes SloService.SloDeleted deleted) {
        Instant now = clock.instant();
        for (SloAlert alert : stored.list("sloName = ?1 and resolvedAt is null", deleted.name())) {
            alert.resolvedAt = now;
            publish(alert, AlertEvent.RESOLVED, deleted.service(), deleted.team());
        }
    }

    void onOwnershipChanged(@Observes SloOwnership.OwnershipChanged change) {
        synchronized (this) {
            for (Tracked slo : tracked.values()) {
                if (!ownership.owns(slo.slo.name)) {
                    slo.windows = null; // someone else counts it now: our sums go stale from here
                    slo.snapshot = null; // and its gauges are the owner's to report
                    alerts.forget(slo.slo.name); // the owner holds its episodes; we reload them if it comes back
                }
            }
        }
        loadOwned();
    }

    synchronized void onCounted(@Observes CountedBuckets counted) {
        counted.bySlo().forEach((slo, minutes) -> {
            Tracked target = tracked.get(slo);
            if (target != null && target.windows != null) {
                minutes.forEach((minute, count) -> target.windows.add(minute, count.good(), count.total()));
                target.counted = true;
            }
        });
    }

    @Scheduled(every = "${daff.slo.evaluation.tick:10s}", identity = "slo-evaluation",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void tick() {
        syncDefinitions();
        loadOwned();
        evaluateOwned(false);
    }

    /**
     * Evaluates, between ticks, the SLOs whose counts just changed: a burst of errors pages within about a second
     * of being counted instead of up to a tick later. The tick remains for what time alone changes (NO_DATA,
     * windows sliding).
     */
    @Scheduled(every = "${daff.slo.evaluation.on-change-every:1s}", identity = "slo-evaluation-on-change",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void evaluateCounted() {
        evaluateOwned(true);
    }

    private synchronized void evaluateOwned(boolean onlyCounted) {
        Instant now = clock.instant();
        for (Tracked slo : tracked.values()) {
            if (slo.windows == null || !ownership.owns(slo.slo.name) || (onlyCounted && !slo.counted)) {
                continue;
            }
            slo.counted = false;
            slo.windows.advance(now);
            slo.snapshot = BurnCalculator.snapshot(slo.windows, slo.slo.objective, now);
            List<AlertTransition> transitions = alerts.evaluate(slo.settings, slo.windows, now);
            if (transitions.isEmpty()) {
                continue;
            }
            try {
                QuarkusTransaction.requiringNew().run(() -> transitions.forEach(t -> announce(slo.slo, t)));
            } catch (RuntimeException e) {
                // Nothing was stored: believe the database, not the transitions we could not write, and retry next tick.
                LOG.warnf("alert transitions of %s not stored, retried at the next tick: %s", slo.slo.name, e.getMessage());
                try {
                    QuarkusTransaction.requiringNew().run(() -> restoreAlerts(slo));
                } catch (RuntimeException again) {
                    alerts.forget(slo.slo.name);
                    slo.windows = null; // reloaded whole once the database answers
                }
            }
        }
    }

    /** The latest burn figures of an SLO: live when this replica counts it, else from the stored buckets. */
    public synchronized Optional<BurnSnapshot> snapshot(String slo) {
        Tracked found = tracked.get(slo);
        if (found == null) {
            syncDefinitions();
            found = tracked.get(slo);
            if (found == null) {
                return Optional.empty();
            }
        }
        Instant now = clock.instant();
        if (found.windows != null) {
            found.windows.advance(now);
            return Optional.of(BurnCalculator.snapshot(found.windows, found.slo.objective, now));
        }
        if (found.readOnly == null || found.readOnlyAt.plus(tickInterval).isBefore(now)) {
            Tracked target = found;
            target.readOnly = QuarkusTransaction.requiringNew().call(() -> loadWindows(target.slo));
            target.readOnlyAt = now;
        }
        found.readOnly.advance(now);
        return Optional.of(BurnCalculator.snapshot(found.readOnly, found.slo.objective, now));
    }

    /** Brings the known definitions in line with the database: new, changed (version) and deleted SLOs. */
    private void syncDefinitions() {
        Map<String, Long> versions = new java.util.HashMap<>();
        QuarkusTransaction.requiringNew().run(() -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = entityManager.createNativeQuery("select name, version from slo").getResultList();
            rows.forEach(row -> versions.put((String) row[0], ((Number) row[1]).longValue()));
        });
        List<String> stale;
        synchronized (this) {
            for (String name : List.copyOf(tracked.keySet())) {
                if (!versions.containsKey(name)) {
                    tracked.remove(name);
                    alerts.forget(name); // its episodes were resolved by the delete
                }
            }
            stale = versions.entrySet().stream()
                    .filter(e -> !tracked.containsKey(e.getKey()) || tracked.get(e.getKey()).slo.version != e.getValue())
                    .map(Map.Entry::getKey).toList();
        }
        if (stale.isEmpty()) {
            return;
        }
        List<Slo> changed = new java.util.ArrayList<>();
        for (int from = 0; from < stale.size(); from += 1_000) { // far below the JDBC parameter limit
            List<String> chunk = stale.subList(from, Math.min(stale.size(), from + 1_000));
            changed.addAll(QuarkusTransaction.requiringNew().call(() -> {
                List<Slo> found = slos.list("name in ?1", chunk);
                found.forEach(entityManager::detach);
                return found;
            }));
        }
        synchronized (this) {
            for (Slo slo : changed) {
                SloAlertSettings settings = new SloAlertSettings(slo.name, slo.objective, SloService.tiers(slo),
                        slo.minEvents, Duration.ofSeconds(slo.noDataAfterSeconds), slo.volumeDropEnabled,
                        slo.volumeDropRatio);
                Tracked previous = tracked.put(slo.name, new Tracked(slo, settings)); // loaded by loadOwned when owned
                if (previous == null) {
                    registerGauges(slo.name);
                }
            }
        }
    }

    /** Loads sums and open episodes of every owned SLO not loaded yet, consistently with what the consumer counted. */
    private void loadOwned() {
        countingLock.holding(() -> {
            synchronized (this) {
                for (Tracked slo : tracked.values()) {
                    if (slo.windows == null && ownership.owns(slo.slo.name)) {
                        try {
                            QuarkusTransaction.requiringNew().run(() -> {
                                slo.windows = loadWindows(slo.slo);
                                restoreAlerts(slo);
                            });
                        } catch (RuntimeException e) {
                            // One SLO whose stored data cannot be read must not keep all the others from being evaluated.
                            slo.windows = null;
                            LOG.errorf(e, "SLO %s could not be loaded and is not evaluated yet", slo.slo.name);
                        }
                    }
                }
            }
        });
    }

    /**
     * The running sums of an SLO from its stored minute buckets: the last six hours minute by minute (the paging
     * windows need minutes), everything older summed per hour, so a 30-day SLO costs about 1,100 rows, not 43,200.
     */
    private SliWindows loadWindows(Slo slo) {
        SliWindows windows = new SliWindows(slo.window().length());
        Instant now = clock.instant();
        Instant minuteCutoff = SliRules.minuteOf(now).minus(Duration.ofMinutes(361)).truncatedTo(ChronoUnit.HOURS);
        @SuppressWarnings("unchecked")
        List<Object[]> buckets = entityManager.createNativeQuery("""
                select date_trunc('hour', minute) as at, sum(good), sum(total) from sli_bucket
                where slo_name = ?1 and minute > ?2 and minute < ?3 group by 1
                union all
                select minute, good, total from sli_bucket where slo_name = ?1 and minute >= ?3
                order by 1
                """)
                .setParameter(1, slo.name)
                .setParameter(2, OffsetDateTime.ofInstant(now.minus(slo.window().length()), ZoneOffset.UTC))
                .setParameter(3, OffsetDateTime.ofInstant(minuteCutoff, ZoneOffset.UTC))
                .getResultList();
        windows.advance(now);
        for (Object[] bucket : buckets) {
            windows.add(SqlTimes.toInstant(bucket[0]), ((Number) bucket[1]).longValue(), ((Number) bucket[2]).longValue());
        }
        return windows;
    }

    /** Believes the database about which episodes of this SLO are open. */
    private void restoreAlerts(Tracked slo) {
        List<AlertTransition> open = stored.list("sloName = ?1 and resolvedAt is null", slo.slo.name).stream()
                .map(alert -> new AlertTransition(TransitionType.FIRED, alert.alertId, alert.dedupKey, alert.sloName,
                        dev.daff.slo.burn.Severity.valueOf(alert.severity), dev.daff.slo.burn.AlertKind.valueOf(alert.kind),
                        alert.tier, alert.burnRateLong, alert.burnRateShort, alert.threshold, alert.budgetRemaining,
                        alert.exhaustionAt, alert.firedAt, null))
                .toList();
        alerts.restore(slo.settings, open);
    }

    private void registerGauges(String slo) {
        for (Duration window : List.of(SliWindows.FIVE_MINUTES, SliWindows.THIRTY_MINUTES, SliWindows.ONE_HOUR,
                SliWindows.TWO_HOURS, SliWindows.SIX_HOURS, SliWindows.ONE_DAY, SliWindows.THREE_DAYS)) {
            Gauge.builder("daff.slo.burn.rate", this, self -> self.latest(slo).map(s -> s.window(window).burnRate()).orElse(Double.NaN))
                    .tags(Tags.of("slo", slo, "window", dev.daff.slo.burn.WindowLabels.of(window))).register(registry);
        }
        Gauge.builder("daff.slo.budget.remaining", this, self -> self.latest(slo).map(BurnSnapshot::budgetRemaining).orElse(Double.NaN))
                .tags(Tags.of("slo", slo)).register(registry);
        Gauge.builder("daff.slo.alerts.firing", this, self -> self.firing(slo))
                .tags(Tags.of("slo", slo)).register(registry);
    }

    private synchronized double firing(String slo) {
        Tracked found = tracked.get(slo);
        return found == null || found.windows == null ? Double.NaN : alerts.activeAlerts(slo).size();
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
        publish(alert, transition.type() == TransitionType.FIRED ? AlertEvent.FIRED : AlertEvent.RESOLVED, slo.service,
                slo.team);
    }

    private void publish(SloAlert alert, String type, String service, String team) {
        outbox.publish(Topics.SLO_ALERTS, alert.sloName, new AlertEvent(UUID.randomUUID().toString(), type,
                AlertEvent.CURRENT_VERSION, AlertEvent.FIRED.equals(type) ? alert.firedAt : alert.resolvedAt,
                alert.alertId, alert.dedupKey, alert.sloName, service, team, alert.severity, alert.kind, alert.tier, alert.burnRateLong,
                alert.burnRateShort, alert.threshold, alert.budgetRemaining, alert.exhaustionAt, alert.firedAt,
                alert.resolvedAt));
    }
}
