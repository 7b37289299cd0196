package dev.daff.slo.evaluation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.daff.slo.burn.AlertEvaluator;
import dev.daff.slo.burn.AlertTransition;
import dev.daff.slo.burn.SliWindows;
import dev.daff.slo.ingest.SliBuckets;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Loads the stored sums and open episodes of SLOs a replica has just come to own — all of them at start-up, half of
 * them when a replica dies — {@value #CHUNK} SLOs per transaction. One transaction per SLO kept the consumer thread
 * (which loads on assignment) from counting for seconds with 10,000 SLOs: the pause a failover adds to paging.
 */
@ApplicationScoped
class SloLoader {

    private static final Logger LOG = Logger.getLogger(SloLoader.class);
    /** SLOs per statement: a 30-day SLO's sums are about 1,100 rows. */
    static final int CHUNK = 200;

    private final SliBuckets buckets;
    private final AlertEpisodes episodes;
    private final Clock clock;
    private final AtomicBoolean collectedAfterStart = new AtomicBoolean();

    SloLoader(SliBuckets buckets, AlertEpisodes episodes, Clock clock) {
        this.buckets = buckets;
        this.episodes = episodes;
        this.clock = clock;
    }

    /**
     * Sets each SLO's sums and restores its open episodes into {@code alerts}. A chunk that cannot be read is
     * loaded again SLO by SLO, so that one SLO whose stored data cannot be read does not keep the others from being
     * evaluated; that one stays unloaded (null sums) and is tried again at the next load.
     */
    void load(List<TrackedSlo> slos, AlertEvaluator alerts) {
        long started = System.nanoTime();
        for (int from = 0; from < slos.size(); from += CHUNK) {
            List<TrackedSlo> chunk = slos.subList(from, Math.min(slos.size(), from + CHUNK));
            try {
                QuarkusTransaction.requiringNew().run(() -> loadChunk(chunk, alerts));
            } catch (RuntimeException e) {
                LOG.warnf("%d SLOs could not be loaded together (%s); loading them one by one", chunk.size(), e.getMessage());
                for (TrackedSlo slo : chunk) {
                    try {
                        QuarkusTransaction.requiringNew().run(() -> loadChunk(List.of(slo), alerts));
                    } catch (RuntimeException alone) {
                        slo.windows = null;
                        LOG.errorf(alone, "SLO %s could not be loaded and is not evaluated yet", slo.slo.name);
                    }
                }
            }
        }
        if (slos.size() >= CHUNK) { // a start or a takeover, not an SLO made or changed
            LOG.infof("loaded the sums and open episodes of %d SLOs in %d ms", slos.size(),
                    (System.nanoTime() - started) / 1_000_000);
            if (collectedAfterStart.compareAndSet(false, true)) {
                // Reading thousands of definitions and sums right after the start promotes tens of megabytes that
                // die soon after into the old generation, where no young collection frees them; ParallelGC gives
                // heap back to the system only after a full collection. One now, while the replica has only just
                // started, instead of holding that memory for as long as the replica stays quiet.
                System.gc();
            }
        }
    }

    private void loadChunk(List<TrackedSlo> chunk, AlertEvaluator alerts) {
        Instant now = clock.instant();
        Map<String, Duration> windows = new LinkedHashMap<>();
        chunk.forEach(slo -> windows.put(slo.slo.name, slo.slo.window().length()));
        Map<String, SliWindows> sums = buckets.windows(windows, now);
        Map<String, List<AlertTransition>> open = episodes.open(windows.keySet());
        for (TrackedSlo slo : chunk) {
            slo.windows = sums.get(slo.slo.name);
            alerts.restore(slo.settings, open.getOrDefault(slo.slo.name, List.of()));
        }
    }
}
