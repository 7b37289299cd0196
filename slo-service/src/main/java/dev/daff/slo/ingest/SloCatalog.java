package dev.daff.slo.ingest;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

import dev.daff.slo.definition.SloDefinitions;
import dev.daff.slo.definition.SloService.SloChanged;
import dev.daff.slo.definition.SloWindow;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Which SLOs exist and how long their windows are, kept in memory for the ingest hot path. A miss reads
 * the database, so an SLO made on another replica is found too.
 */
@ApplicationScoped
public class SloCatalog {

    private final SloDefinitions slos;
    private final Map<String, Duration> windows = new ConcurrentHashMap<>();

    public SloCatalog(SloDefinitions slos) {
        this.slos = slos;
    }

    public Optional<Duration> window(String slo) {
        Duration known = windows.get(slo);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<Duration> stored = QuarkusTransaction.joiningExisting()
                .call(() -> slos.findByIdOptional(slo).map(found -> found.window().length()));
        stored.ifPresent(window -> windows.put(slo, window));
        return stored;
    }

    void onChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) SloChanged change) {
        if (change.slo() == null) {
            windows.remove(change.name());
        } else {
            windows.put(change.name(), SloWindow.parse(change.slo().window()).orElseThrow().length());
        }
    }

}
