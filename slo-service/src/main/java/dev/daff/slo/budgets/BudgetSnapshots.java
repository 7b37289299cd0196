package dev.daff.slo.budgets;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.events.SloBudgetSnapshot;
import dev.daff.events.Topics;
import dev.daff.kit.kafka.KafkaClients;
import dev.daff.kit.outbox.Outbox;
import dev.daff.slo.burn.BurnSnapshot;
import dev.daff.slo.burn.Severity;
import dev.daff.slo.burn.SliWindows;
import dev.daff.slo.definition.SloDefinitions;
import dev.daff.slo.definition.SloService.SloDeleted;
import dev.daff.slo.evaluation.SloEvaluator;
import dev.daff.slo.evaluation.SloEvaluator.Evaluated;
import dev.daff.slo.ingest.CountedUpTo;
import dev.daff.slo.ingest.SloOwnership;
import dev.daff.slo.paging.pages.PageQueries;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Publishes where each SLO this replica evaluates stands ({@link SloBudgetSnapshot}) on the compacted
 * {@link Topics#SLO_BUDGETS} every {@code daff.slo.budget-snapshots.every}, and a tombstone for a deleted SLO: what
 * incident-service's deploy gate reads instead of calling slo-service. Snapshots are not sent through the outbox: one
 * that is lost is replaced by the next a minute later, and readers treat an old one as unknown. Tombstones are.
 */
@ApplicationScoped
public class BudgetSnapshots {

    private final SloEvaluator evaluator;
    private final SloDefinitions definitions;
    private final PageQueries pages;
    private final KafkaClients kafkaClients;
    private final Outbox outbox;
    private final ObjectMapper json;
    private final CountedUpTo countedUpTo;
    private final SloOwnership ownership;
    private final Clock clock;
    private volatile KafkaProducer<String, String> producer;

    public BudgetSnapshots(SloEvaluator evaluator, SloDefinitions definitions, PageQueries pages,
            KafkaClients kafkaClients, Outbox outbox, ObjectMapper json, CountedUpTo countedUpTo, SloOwnership ownership,
            Clock clock) {
        this.evaluator = evaluator;
        this.definitions = definitions;
        this.pages = pages;
        this.kafkaClients = kafkaClients;
        this.outbox = outbox;
        this.json = json;
        this.countedUpTo = countedUpTo;
        this.ownership = ownership;
        this.clock = clock;
    }

    @Scheduled(every = "${daff.slo.budget-snapshots.every}", identity = "slo-budget-snapshots",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void publish() {
        KafkaProducer<String, String> kafka = producer();
        List<String> published = new ArrayList<>();
        for (SloBudgetSnapshot snapshot : current()) {
            kafka.send(new ProducerRecord<>(Topics.SLO_BUDGETS, snapshot.slo(), write(snapshot)));
            published.add(snapshot.slo());
        }
        kafka.flush();
        // This replica learns of a delete at its next tick: a snapshot of an SLO deleted since went out after its
        // tombstone and would stand for it for good. Deleted before this read: tombstoned again here, after the
        // snapshot; deleted after it: the delete's own tombstone follows the snapshot, already on the log.
        Set<String> stored = QuarkusTransaction.requiringNew().call(() -> definitions.windowDays(published).keySet());
        for (String name : published) {
            if (!stored.contains(name)) {
                kafka.send(new ProducerRecord<>(Topics.SLO_BUDGETS, name, null));
            }
        }
        kafka.flush();
    }

    /** Where each SLO this replica has evaluated stands now: what {@link #publish()} sends. */
    private List<SloBudgetSnapshot> current() {
        Map<String, Integer> unacknowledged = pages.unacknowledgedBySlo();
        Instant now = clock.instant();
        List<SloBudgetSnapshot> snapshots = new ArrayList<>();
        for (Evaluated evaluated : evaluator.evaluated()) {
            BurnSnapshot burn = evaluated.snapshot();
            if (burn == null) {
                continue; // not evaluated yet: the next round has it
            }
            // The budget and burn rates are as old as the counts behind them: while counting works through a backlog
            // (after a broker stall) the deploy gate is told so, and takes them as unknown; the page facts are as of now.
            Instant counted = countedUpTo.countedAt(now, ownership.partitionOf(evaluated.name()));
            boolean pageFiring = evaluated.firing().stream().anyMatch(alert -> alert.severity() == Severity.PAGE);
            snapshots.add(new SloBudgetSnapshot(UUID.randomUUID().toString(), SloBudgetSnapshot.TYPE,
                    SloBudgetSnapshot.CURRENT_VERSION, now, evaluated.name(), evaluated.slo().service,
                    evaluated.slo().team, evaluated.slo().objective, burn.budgetRemaining(),
                    burn.window(SliWindows.ONE_HOUR).burnRate(), burn.window(SliWindows.SIX_HOURS).burnRate(), pageFiring,
                    unacknowledged.getOrDefault(evaluated.name(), 0), counted));
        }
        return snapshots;
    }

    /**
     * A deleted SLO's snapshot goes too: compaction then forgets it, and readers drop it at once. Through the outbox,
     * in the delete's transaction: sent straight after the commit, a tombstone was lost when Kafka was away for longer
     * than the producer's delivery timeout, and the deploy gate warned of an unknown budget for the SLO for good.
     */
    void onDeleted(@Observes SloDeleted deleted) {
        outbox.tombstone(Topics.SLO_BUDGETS, deleted.name());
    }

    private String write(SloBudgetSnapshot snapshot) {
        try {
            return json.writeValueAsString(snapshot);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a budget snapshot cannot be written as JSON", e);
        }
    }

    private KafkaProducer<String, String> producer() {
        KafkaProducer<String, String> current = producer;
        if (current == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = kafkaClients.producer("daff-slo-budget-snapshots");
                }
                current = producer;
            }
        }
        return current;
    }

    @PreDestroy
    void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
