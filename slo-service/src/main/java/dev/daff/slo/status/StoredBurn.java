package dev.daff.slo.status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.daff.slo.burn.BurnCalculator;
import dev.daff.slo.burn.BurnSnapshot;
import dev.daff.slo.burn.SliWindows;
import dev.daff.slo.definition.Slo;
import dev.daff.slo.definition.SloDefinitions;
import dev.daff.slo.definition.SloService.SloDeleted;
import dev.daff.slo.ingest.SliBuckets;
import dev.daff.slo.ingest.SloOwnership;
import dev.daff.slo.ingest.SloOwnership.OwnershipChanged;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Burn figures of an SLO that another replica evaluates, computed from the stored buckets. Kept for one evaluation
 * tick, so a dashboard polling every replica behind a load balancer costs one read per SLO and tick, not one per
 * request; within that tick they trail the owner's by at most what it counted since.
 *
 * <p>Each kept entry is an SLO's whole window sums (9-15 KB), beside the replica's own, so they are bounded: at most
 * {@code daff.slo.status.stored-burn-max}, dropped by the trim each tick once stale or once their SLO is deleted through
 * another replica, and at once when it is deleted here or this replica comes to evaluate it. Kept until the SLO's
 * delete on this replica, 10,000 SLOs read once each held about 150 MiB of a 384 MiB heap for good.
 */
@ApplicationScoped
public class StoredBurn {

    /** Sums as read, and when; one reader at a time (the sums are not thread-safe). */
    private static final class Loaded {
        final SliWindows windows;
        final Instant at;

        Loaded(SliWindows windows, Instant at) {
            this.windows = windows;
            this.at = at;
        }
    }

    private final SliBuckets buckets;
    private final SloDefinitions definitions;
    private final SloOwnership ownership;
    private final Clock clock;
    private final Duration freshFor;
    private final int keptAtMost;
    private final Map<String, Loaded> loaded = new ConcurrentHashMap<>();

    public StoredBurn(SliBuckets buckets, SloDefinitions definitions, SloOwnership ownership, Clock clock,
            @ConfigProperty(name = "daff.slo.evaluation.tick") Duration freshFor,
            @ConfigProperty(name = "daff.slo.status.stored-burn-max") int keptAtMost) {
        this.buckets = buckets;
        this.definitions = definitions;
        this.ownership = ownership;
        this.clock = clock;
        this.freshFor = freshFor;
        this.keptAtMost = keptAtMost;
    }

    void forgetDeleted(@Observes SloDeleted deleted) {
        loaded.remove(deleted.name());
    }

    /** Taken over: this replica evaluates these SLOs itself now, and answers from its live sums. */
    void forgetOwned(@Observes OwnershipChanged changed) {
        loaded.keySet().removeIf(ownership::owns);
    }

    /**
     * Drops what a read would load again anyway (older than a tick), then what belongs to SLOs no longer defined:
     * deleted through another replica, which fires no event here.
     */
    @Scheduled(every = "${daff.slo.evaluation.tick}", identity = "stored-burn-trim",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void trim() {
        Instant now = clock.instant();
        loaded.values().removeIf(found -> stale(found, now));
        List<String> kept = List.copyOf(loaded.keySet());
        if (kept.isEmpty()) {
            return;
        }
        Set<String> defined = QuarkusTransaction.requiringNew().call(() -> definitions.windowDays(kept)).keySet();
        kept.stream().filter(name -> !defined.contains(name)).forEach(loaded::remove);
    }

    /** The SLOs whose sums are kept now. */
    Set<String> kept() {
        return Set.copyOf(loaded.keySet());
    }

    /** In the caller's transaction when it reads the buckets. */
    BurnSnapshot snapshot(Slo slo) {
        Instant now = clock.instant();
        Loaded found = loaded.get(slo.name);
        if (found == null || stale(found, now) || !found.windows.sloWindow().equals(slo.window().length())) {
            // Read outside any map lock: two requests racing here both read, and either result is as fresh.
            found = new Loaded(buckets.windows(slo.name, slo.window().length(), now), now);
            if (loaded.size() >= keptAtMost && !loaded.containsKey(slo.name)) {
                loaded.values().removeIf(kept -> stale(kept, now));
            }
            if (loaded.size() < keptAtMost || loaded.containsKey(slo.name)) {
                loaded.put(slo.name, found);
            } // else answered, not kept: past the cap within a tick, each such read costs a query, not memory
        }
        synchronized (found) {
            found.windows.advance(now);
            return BurnCalculator.snapshot(found.windows, slo.objective, now);
        }
    }

    private boolean stale(Loaded found, Instant now) {
        return found.at.plus(freshFor).isBefore(now);
    }
}
