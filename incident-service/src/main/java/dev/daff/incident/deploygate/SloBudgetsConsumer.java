package dev.daff.incident.deploygate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.events.SloBudgetSnapshot;
import dev.daff.kit.messaging.IdempotentConsumer;
import dev.daff.kit.problem.TransientFailures;
import io.quarkus.runtime.ApplicationLifecycleManager;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.Record;

/**
 * Keeps the newest {@link SloBudgetSnapshot} per SLO from the compacted {@code daff.slo-budgets}; a tombstone
 * forgets the SLO. A snapshot that cannot be read is logged and skipped rather than dead-lettered: it is state, not
 * an event anyone waits for, and the SLO's next snapshot replaces it within a minute. For the same reason a snapshot
 * that cannot be stored (the database restarting) is logged and passed over rather than retried; a tombstone, which
 * nothing replaces, is retried.
 */
@ApplicationScoped
public class SloBudgetsConsumer {

    private static final Logger LOG = Logger.getLogger(SloBudgetsConsumer.class);

    private final SloBudgets budgets;
    private final ObjectMapper json;
    private final Clock clock;
    private final Duration maxClockSkew;

    public SloBudgetsConsumer(SloBudgets budgets, ObjectMapper json, Clock clock,
            @ConfigProperty(name = "daff.events.max-clock-skew", defaultValue = "PT5M") Duration maxClockSkew) {
        this.budgets = budgets;
        this.json = json;
        this.clock = clock;
        this.maxClockSkew = maxClockSkew;
    }

    @Incoming("slo-budgets")
    @Blocking
    public void on(Record<String, String> record) {
        if (record.value() == null) {
            if (record.key() != null) {
                forget(record.key());
            }
            return;
        }
        SloBudgetSnapshot snapshot;
        try {
            snapshot = json.readValue(record.value(), SloBudgetSnapshot.class);
        } catch (Exception e) {
            LOG.warnf("skipped an unreadable budget snapshot (key %s): %s", record.key(), e.getClass().getSimpleName());
            return;
        }
        if (snapshot.slo() == null || snapshot.service() == null || snapshot.occurredAt() == null
                || snapshot.version() > SloBudgetSnapshot.CURRENT_VERSION) {
            LOG.warnf("skipped a budget snapshot this version cannot use (key %s)", record.key());
            return;
        }
        Instant latestPlausible = clock.instant().plus(maxClockSkew);
        if (snapshot.occurredAt().isAfter(latestPlausible)) {
            // Kept, it would outrank every true snapshot after it (newest wins) and never look stale: a replica whose
            // clock ran ahead, or a forged date, would freeze the gate's view of this budget.
            LOG.warnf("skipped a budget snapshot of %s dated %s, more than %s ahead of this service's clock",
                    snapshot.slo(), snapshot.occurredAt(), maxClockSkew);
            return;
        }
        try {
            budgets.keep(snapshot, latestPlausible);
        } catch (RuntimeException e) {
            // The database is away (a restart, a failover): a failed record would stop this channel for good and take
            // readiness with it, while the SLO's next snapshot, a minute later, says the same or newer.
            LOG.warnf("budget snapshot of %s not kept, the next one replaces it: %s", snapshot.slo(), e.toString());
        }
    }

    /**
     * A tombstone is said once, and nothing replaces it a minute later: while the database refuses for a moment (a
     * restart, a failover) it is tried again, the partition waiting, rather than passed over and the deleted SLO's
     * budget left in the gate for good (a lasting BUDGET_UNKNOWN warning).
     */
    private void forget(String slo) {
        try {
            TransientFailures.retried(() -> budgets.forget(slo), Integer.MAX_VALUE, Duration.ofSeconds(10),
                    e -> LOG.warnf("deleted SLO %s not forgotten yet, tried again: %s", slo, e.toString()));
        } catch (RuntimeException e) {
            if (ApplicationLifecycleManager.isVmShuttingDown() || Thread.currentThread().isInterrupted()) {
                // Stopping while the database refused: thrown, the tombstone would be acknowledged unapplied (this
                // channel ignores failures); left unacknowledged, the partition's next owner forgets the SLO.
                LOG.infof("deleted SLO %s is left to the next consumer; this service is stopping", slo);
                IdempotentConsumer.awaitTheEnd();
            }
            throw e;
        }
    }
}
