package dev.daff.slo.evaluation;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

import dev.daff.events.Topics;
import dev.daff.slo.burn.AlertEvaluator;
import dev.daff.slo.burn.AlertTransition;
import dev.daff.slo.burn.BurnCalculator;
import dev.daff.slo.burn.BurnSnapshot;
import dev.daff.slo.definition.Slo;
import dev.daff.slo.definition.SloDefinitions;
import dev.daff.slo.definition.SloService.SloChanged;
import dev.daff.slo.ingest.CountedBuckets;
import dev.daff.slo.ingest.CountedUpTo;
import dev.daff.slo.ingest.CountingLock;
import dev.daff.slo.ingest.PartitionOwners;
import dev.daff.slo.ingest.SloOwnership;
import io.quarkus.narayana.jta.QuarkusTransaction;
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
 * episode.
 */
@ApplicationScoped
public class SloEvaluator {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(SloEvaluator.class);

    private final SloDefinitions slos;
    private final AlertEpisodes episodes;
    private final SloLoader loader;
    private final SloOwnership ownership;
    private final CountingLock countingLock;
    private final CountedUpTo countedUpTo;
    private final Clock clock;
    private final AlertEvaluator alerts = new AlertEvaluator();
    private final Map<String, TrackedSlo> tracked = new ConcurrentHashMap<>();
    private final PendingCounts pendingCounts = new PendingCounts();
    /** Whether the definitions have been read once since the start: readiness. */
    private volatile boolean definitionsRead;
    /** One reader of the definitions at a time: a second finds them read instead of reading 10,000 again. */
    private final Object definitionsReader = new Object();

    public SloEvaluator(SloDefinitions slos, AlertEpisodes episodes, SloLoader loader, SloOwnership ownership,
            CountingLock countingLock, CountedUpTo countedUpTo, Clock clock) {
        this.slos = slos;
        this.episodes = episodes;
        this.loader = loader;
        this.ownership = ownership;
        this.countingLock = countingLock;
        this.countedUpTo = countedUpTo;
        this.clock = clock;
    }

    /** Reads every definition and loads what this replica owns already: at start-up (beside the boot) and each tick. */
    void readDefinitions() {
        syncDefinitions();
        loadOwned();
    }

    void onSloChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) SloChanged change) {
        readDefinitions();
    }

    void onOwnershipChanged(@Observes SloOwnership.OwnershipChanged change) {
        synchronized (this) {
            for (TrackedSlo slo : tracked.values()) {
                if (!ownership.owns(slo.slo.name)) {
                    drop(slo);
                }
            }
        }
        loadOwned();
    }

    /** Queues what the consumer counted: see {@link PendingCounts}. */
    void onCounted(@Observes CountedBuckets counted) {
        if (pendingCounts.add(counted)) {
            synchronized (this) { // evaluation has fallen behind: the consumer waits rather than the queue growing
                pendingCounts.applyTo(tracked);
            }
        }
    }

    @Scheduled(every = "${daff.slo.evaluation.tick}", identity = "slo-evaluation",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void tick() {
        readDefinitions();
        evaluateOwned(false);
    }

    /**
     * Evaluates, between ticks, the SLOs whose counts just changed: a burst of errors pages within about a second
     * of being counted instead of up to a tick later. The tick remains for what time alone changes (NO_DATA,
     * windows sliding).
     */
    @Scheduled(every = "${daff.slo.evaluation.on-change-every}", identity = "slo-evaluation-on-change",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void evaluateCounted() {
        evaluateOwned(true);
    }

    private synchronized void evaluateOwned(boolean onlyCounted) {
        pendingCounts.applyTo(tracked);
        Instant now = clock.instant();
        for (TrackedSlo slo : tracked.values()) {
            if (slo.windows == null || !ownership.owns(slo.slo.name) || (onlyCounted && !slo.counted)) {
                continue;
            }
            slo.counted = false;
            slo.windows.advance(now);
            slo.snapshot = BurnCalculator.snapshot(slo.windows, slo.slo.objective, now);
            List<AlertTransition> transitions = alerts.evaluate(slo.settings, slo.windows, now,
                    countedUpTo.complete(ownership.partitionOf(slo.slo.name)));
            if (transitions.isEmpty()) {
                continue;
            }
            try {
                QuarkusTransaction.requiringNew().run(() -> {
                    ownership.confirm(slo.slo.name);
                    if (slos.stillStored(slo.slo.name, slo.slo.revision())) {
                        transitions.forEach(t -> episodes.announce(slo.slo, t));
                    } else { // deleted, re-created or changed on another replica since read; the next tick reads it
                        drop(slo);
                    }
                });
            } catch (PartitionOwners.NotOwner e) {
                // Paused past our Kafka session: another replica counts this SLO now and our sums are stale. Drop
                // them; the rebalance that follows takes the SLO away, or reloads it if it comes back to us.
                LOG.warnf("not storing alert transitions of %s: %s", slo.slo.name, e.getMessage());
                drop(slo);
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

    /** The burn figures of an SLO this replica evaluates, brought to now; empty when another replica counts it. */
    public synchronized Optional<BurnSnapshot> liveSnapshot(String slo) {
        pendingCounts.applyTo(tracked);
        TrackedSlo found = tracked.get(slo);
        if (found == null || found.windows == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        found.windows.advance(now);
        return Optional.of(BurnCalculator.snapshot(found.windows, found.slo.objective, now));
    }

    /** Brings the known definitions in line with the database: new, changed (version) and deleted SLOs. */
    private void syncDefinitions() {
        synchronized (definitionsReader) {
            Map<String, Slo.Revision> versions = QuarkusTransaction.requiringNew().call(slos::versions);
            List<String> stale;
            synchronized (this) {
                for (String name : List.copyOf(tracked.keySet())) {
                    if (!versions.containsKey(name)) {
                        tracked.remove(name);
                        alerts.forget(name); // its episodes were resolved by the delete
                    }
                }
                stale = versions.entrySet().stream()
                        .filter(e -> !tracked.containsKey(e.getKey())
                                || !tracked.get(e.getKey()).slo.revision().equals(e.getValue()))
                        .map(Map.Entry::getKey).toList();
            }
            if (!stale.isEmpty()) {
                List<Slo> changed = QuarkusTransaction.requiringNew().call(() -> slos.detached(stale, versions.size()));
                synchronized (this) {
                    changed.forEach(slo -> tracked.put(slo.name, TrackedSlo.of(slo))); // loaded by loadOwned when owned
                }
            }
            definitionsRead = true;
        }
    }

    boolean definitionsRead() {
        return definitionsRead;
    }

    /** Loads sums and open episodes of every owned SLO not loaded yet, consistently with what the consumer counted. */
    private void loadOwned() {
        countingLock.holding(() -> {
            synchronized (this) {
                pendingCounts.applyTo(tracked); // everything counted so far, before any load reads the stored buckets
                loader.load(tracked.values().stream()
                        .filter(slo -> slo.windows == null && ownership.owns(slo.slo.name)).toList(), alerts);
            }
        });
    }

    /** Believes the database about which episodes of this SLO are open. */
    private void restoreAlerts(TrackedSlo slo) {
        alerts.restore(slo.settings, episodes.open(slo.slo.name));
    }

    /**
     * Forgets what this replica computed for an SLO someone else counts now: its sums go stale from here, its gauges
     * are the owner's to report, and the owner holds its episodes. All are reloaded if the SLO comes back.
     */
    private void drop(TrackedSlo slo) {
        slo.windows = null;
        slo.snapshot = null;
        alerts.forget(slo.slo.name);
    }

    /** An SLO this replica evaluates: definition, latest figures (null until first evaluated), alerts firing now. */
    public record Evaluated(Slo slo, BurnSnapshot snapshot, List<AlertTransition> firing) {
        public String name() {
            return slo.name;
        }
    }

    /** Every SLO this replica evaluates now: for the metrics scrape and the budget snapshots. */
    public synchronized List<Evaluated> evaluated() {
        List<Evaluated> evaluated = new ArrayList<>();
        for (TrackedSlo slo : tracked.values()) {
            if (slo.windows != null) {
                evaluated.add(new Evaluated(slo.slo, slo.snapshot, alerts.activeAlerts(slo.slo.name)));
            }
        }
        return evaluated;
    }
}
