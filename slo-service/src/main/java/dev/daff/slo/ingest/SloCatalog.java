package dev.daff.slo.ingest;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

import dev.daff.slo.definition.Slo;
import dev.daff.slo.definition.SloApi;
import dev.daff.slo.definition.SloDefinitions;
import dev.daff.slo.definition.SloService.SloChanged;
import dev.daff.slo.definition.SloWindow;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Which SLOs exist and how long their windows are, kept in memory for the ingest hot path. Names not known yet are
 * read from the database, so an SLO made on another replica is found too — all of a batch's in one query: one
 * query per event cost the consumer a transaction for each new SLO after a start, and would have for every event
 * naming an SLO that does not exist.
 */
@ApplicationScoped
public class SloCatalog {

    private static final Pattern POSSIBLE_NAME = Pattern.compile(SloApi.SLUG);

    private final SloDefinitions slos;
    private final Map<String, Duration> windows = new ConcurrentHashMap<>();
    /** Each SLO's revision when {@link #follow} last read them. */
    private volatile Map<String, Slo.Revision> followed = Map.of();
    /**
     * How many times {@link #follow} has forgotten changes, guarded by itself: a window read before another replica's
     * change and cached after the follow that forgot it would have been kept until the SLO next changed (for a deleted
     * SLO, counted for good). What a follow finished meanwhile is answered, not cached; the next read asks again.
     */
    private long follows;

    public SloCatalog(SloDefinitions slos) {
        this.slos = slos;
    }

    public Optional<Duration> window(String slo) {
        return Optional.ofNullable(windows(List.of(slo)).get(slo));
    }

    /** The window of each named SLO that exists; the names of SLOs that do not are absent. */
    public Map<String, Duration> windows(Collection<String> names) {
        Map<String, Duration> found = new HashMap<>();
        Set<String> unknown = new LinkedHashSet<>();
        for (String name : names) {
            Duration known = windows.get(name);
            if (known != null) {
                found.put(name, known);
            } else if (POSSIBLE_NAME.matcher(name).matches()) {
                unknown.add(name); // anything else cannot name an SLO, and is never sent to the database
            }
        }
        if (!unknown.isEmpty()) {
            long followsBefore = follows();
            Map<String, Integer> stored = QuarkusTransaction.joiningExisting()
                    .call(() -> slos.windowDays(List.copyOf(unknown)));
            Map<String, Duration> read = new HashMap<>();
            stored.forEach((name, days) -> read.put(name, SloWindow.ofDays(days).length()));
            found.putAll(read);
            cacheUnlessFollowedSince(followsBefore, read);
        }
        return found;
    }

    /**
     * Reads these SLOs' windows from the database again, whatever is known of them; answers whether any of them
     * changed: what to do when this replica's judgement differs from another's, before the next {@link #follow}.
     */
    public boolean reread(Collection<String> names) {
        // Only what could name an SLO: a record's key may be null, or hold a NUL that PostgreSQL refuses, and a
        // query that fails on it would fail its whole poll on every retry (the consumer resumes from the same offset).
        List<String> possible = names.stream().filter(name -> name != null && POSSIBLE_NAME.matcher(name).matches())
                .toList();
        if (possible.isEmpty()) {
            return false;
        }
        long followsBefore = follows();
        Map<String, Integer> stored = QuarkusTransaction.joiningExisting().call(() -> slos.windowDays(possible));
        boolean changed = false;
        Map<String, Duration> read = new HashMap<>();
        for (String name : possible) {
            Duration current = stored.containsKey(name) ? SloWindow.ofDays(stored.get(name)).length() : null;
            Duration known = current == null ? windows.remove(name) : windows.get(name);
            if (current != null) {
                read.put(name, current);
            }
            changed |= !Objects.equals(known, current);
        }
        cacheUnlessFollowedSince(followsBefore, read);
        return changed;
    }

    /**
     * Forgets what changed through another replica, as often as the evaluator reads the definitions: a deleted SLO is
     * no longer counted here (its events are dead-lettered as unknown, 404 over HTTP) and a changed one's window is
     * read again when next named. Without this the owner of a deleted SLO's partition went on counting it for good.
     * The replica that made the change knows at once ({@link #onChange}).
     */
    @Scheduled(every = "${daff.slo.evaluation.tick}", identity = "slo-catalog-follow",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void follow() {
        Map<String, Slo.Revision> current = QuarkusTransaction.requiringNew().call(slos::versions);
        synchronized (this) {
            Map<String, Slo.Revision> before = followed;
            windows.keySet().removeIf(name -> !current.containsKey(name) || !current.get(name).equals(before.get(name)));
            followed = current;
            follows++;
        }
    }

    private synchronized long follows() {
        return follows;
    }

    private synchronized void cacheUnlessFollowedSince(long followsBefore, Map<String, Duration> read) {
        if (follows == followsBefore) {
            windows.putAll(read);
        }
    }

    void onChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) SloChanged change) {
        if (change.slo() == null) {
            windows.remove(change.name());
        } else {
            windows.put(change.name(), SloWindow.parse(change.slo().window()).orElseThrow().length());
        }
    }
}
