package dev.daff.slo.status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.daff.slo.burn.BurnCalculator;
import dev.daff.slo.burn.BurnSnapshot;
import dev.daff.slo.burn.SliWindows;
import dev.daff.slo.definition.Slo;
import dev.daff.slo.definition.SloService.SloDeleted;
import dev.daff.slo.ingest.SliBuckets;

/**
 * Burn figures of an SLO that another replica evaluates, computed from the stored buckets. Kept for one evaluation
 * tick, so a dashboard polling every replica behind a load balancer costs one read per SLO and tick, not one per
 * request; within that tick they trail the owner's by at most what it counted since.
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
    private final Clock clock;
    private final Duration freshFor;
    private final Map<String, Loaded> loaded = new ConcurrentHashMap<>();

    public StoredBurn(SliBuckets buckets, Clock clock,
            @ConfigProperty(name = "daff.slo.evaluation.tick") Duration freshFor) {
        this.buckets = buckets;
        this.clock = clock;
        this.freshFor = freshFor;
    }

    void forgetDeleted(@Observes SloDeleted deleted) {
        loaded.remove(deleted.name());
    }

    /** In the caller's transaction when it reads the buckets. */
    BurnSnapshot snapshot(Slo slo) {
        Instant now = clock.instant();
        Loaded found = loaded.get(slo.name);
        if (found == null || found.at.plus(freshFor).isBefore(now)
                || !found.windows.sloWindow().equals(slo.window().length())) {
            // Read outside any map lock: two requests racing here both read, and either result is as fresh.
            found = new Loaded(buckets.windows(slo.name, slo.window().length(), now), now);
            loaded.put(slo.name, found);
        }
        synchronized (found) {
            found.windows.advance(now);
            return BurnCalculator.snapshot(found.windows, slo.objective, now);
        }
    }
}
