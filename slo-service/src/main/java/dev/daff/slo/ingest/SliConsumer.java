package dev.daff.slo.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;


import dev.daff.events.Topics;
import dev.daff.kit.kafka.KafkaClients;
import dev.daff.kit.messaging.FailureKind;
import dev.daff.slo.ingest.PartitionOffsets.Fenced;
import dev.daff.slo.ingest.SliBatch.Observed;
import dev.daff.slo.ingest.SliBatch.Refused;
import dev.daff.slo.ingest.SliBatch.Stored;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Counts {@link Topics#SLI_EVENTS} into per-minute buckets exactly once. The next offset of each partition is
 * stored in PostgreSQL in the same transaction as the buckets it produced, and a newly assigned partition
 * resumes from there — so a crash at any point (even {@code kill -9}) neither loses nor double-counts an event.
 * Invalid events go to the dead-letter topic, with the reason, before the offset moves past them. This class runs
 * the poll loop and validates; {@link SliBatch} stores a batch.
 */
@ApplicationScoped
public class SliConsumer {

    private static final Logger LOG = Logger.getLogger(SliConsumer.class);
    static final String GROUP = "daff-slo-service";

    private final KafkaClients kafkaClients;
    private final SliBatch batch;
    private final PartitionOffsets offsets;
    private final PartitionOwners owners;
    private final SliRecords sliRecords;
    private final SloOwnership ownership;
    private final CountingLock countingLock;
    private final CountedUpTo countedUpTo;
    private final Event<CountedBuckets> counted;
    private final Clock clock;
    private final boolean enabled;
    private final Counter accepted;
    private final Counter rejected;
    private final Counter forwardedRecords;
    private volatile boolean running;
    private volatile KafkaConsumer<String, String> consumer;
    private Thread thread;

    public SliConsumer(KafkaClients kafkaClients, SliBatch batch, PartitionOffsets offsets, PartitionOwners owners, SliRecords sliRecords, SloOwnership ownership,
            CountingLock countingLock, CountedUpTo countedUpTo, Event<CountedBuckets> counted, Clock clock,
            MeterRegistry registry, @ConfigProperty(name = "daff.sli.consumer.enabled", defaultValue = "true") boolean enabled) {
        this.kafkaClients = kafkaClients;
        this.batch = batch;
        this.offsets = offsets;
        this.owners = owners;
        this.sliRecords = sliRecords;
        this.ownership = ownership;
        this.countingLock = countingLock;
        this.countedUpTo = countedUpTo;
        this.counted = counted;
        this.clock = clock;
        this.enabled = enabled;
        this.accepted = registry.counter("daff.sli.events", "outcome", "counted");
        this.rejected = registry.counter("daff.sli.events", "outcome", "dead-lettered");
        this.forwardedRecords = registry.counter("daff.sli.records.forwarded");
    }

    void start(@Observes StartupEvent startup) {
        if (!enabled) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "daff-sli-consumer");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        running = false;
        KafkaConsumer<String, String> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<String, String> created = kafkaClients.consumer(GROUP, "daff-sli-consumer",
                    SliTextDeserializer.class)) {
                consumer = created;
                created.subscribe(List.of(Topics.SLI_EVENTS), new ResumeFromDatabase(created));
                while (running) {
                    held.resumeDue(created);
                    PollBudget.startPoll();
                    ConsumerRecords<String, String> records = created.poll(Duration.ofMillis(500));
                    Map<TopicPartition, Long> deferred = PollBudget.deferredFrom(records);
                    ConsumerRecords<String, String> decoded = deferred.isEmpty() ? records
                            : PolledRecords.upTo(records, deferred);
                    while (!decoded.isEmpty()) {
                        try {
                            apply(decoded);
                            break;
                        } catch (HeldBack e) {
                            LOG.warnf("SLI consumer: %s; they are read again in %d s, the others count on", e.getMessage(),
                                    HeldPartitions.HOLD.toSeconds());
                            held.hold(created, e.partitions(), positions::get);
                            decoded = PolledRecords.without(decoded, e.partitions());
                            deferred.keySet().removeAll(e.partitions());
                        }
                    }
                    deferred.forEach(created::seek); // counted up to there: read on from there
                    countedUpTo.check(created);
                }
            } catch (WakeupException e) {
                // shutting down
            } catch (RuntimeException | Error e) {
                // Nothing was committed for the failed batch: a fresh consumer resumes from the stored offsets. An
                // Error (the heap ran out) must not end the thread: this replica would own partitions it never counts.
                LOG.warnf("SLI consumer restarts after: %s", e.toString());
                pause(Duration.ofSeconds(1));
            }
        }
    }

    private void apply(ConsumerRecords<String, String> records) {
        Instant now = clock.instant();
        SliRecords.Read read = sliRecords.read(records, now, ownership.partitionCount());
        List<Observed> observed = read.observed();
        List<Refused> refused = read.refused();
        Map<TopicPartition, Long> nextOffsets = read.nextOffsets();
        countingLock.holding(() -> {
            Stored stored;
            try {
                stored = QuarkusTransaction.requiringNew()
                        .call(() -> batch.store(observed, refused, read.forwarded(), nextOffsets, positions::get, now, false));
            } catch (Fenced | HeldBack e) {
                throw e; // held: a dead-letter topic refusing writes, or no bucket stored bucket by bucket (run)
            } catch (RuntimeException e) {
                FailureKind kind = FailureKind.of(e);
                // An unrecognised failure (a bug) that repeats is treated as a bucket that can never be stored: retried
                // for ever, it stopped counting — and paging — for every SLO of the partition.
                int inARow = kind == FailureKind.UNKNOWN ? held.failedUnknown(nextOffsets.keySet()) : 0;
                boolean unknownAgain = inARow >= UNKNOWN_FAILURES_TRIED;
                if (!(e instanceof SliBatch.OverfullMinutes) && kind != FailureKind.PERMANENT && !unknownAgain) {
                    throw e; // transient: nothing was committed, a fresh consumer resumes from the stored offsets
                }
                // Some bucket can never be stored, or not whole: store bucket by bucket, dead-letter what fails.
                LOG.warnf("SLI consumer: a batch could not be stored (%s%s); storing it bucket by bucket", e.getMessage(),
                        unknownAgain ? ", " + inARow + " times in a row for an unknown reason" : "");
                stored = QuarkusTransaction.requiringNew()
                        .call(() -> batch.store(observed, refused, read.forwarded(), nextOffsets, positions::get, now, true));
            }
            positions.putAll(nextOffsets);
            held.stored(nextOffsets.keySet());
            accepted.increment(read.events() - stored.refused());
            forwardedRecords.increment(read.forwarded().size());
            countedUpTo.forwarded(read.forwarded().stream().collect(Collectors.groupingBy(
                    forwarded -> SloOwnership.partitionOf(forwarded.slo(), ownership.partitionCount()),
                    Collectors.mapping(forwarded -> forwarded.record().partition(), Collectors.toSet()))));
            rejected.increment(stored.refused());
            if (!stored.buckets().isEmpty()) {
                counted.fire(new CountedBuckets(stored.buckets()));
            }
        });
    }

    /**
     * The offset this replica last stored (or found stored on assignment) per partition it owns; absent for a
     * partition nobody has stored yet. Only the consumer thread touches it.
     */
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private static final int UNKNOWN_FAILURES_TRIED = 5;
    private final HeldPartitions held = new HeldPartitions();

    /** On assignment, seek each partition to the offset stored with the buckets (or its start). */
    private final class ResumeFromDatabase implements ConsumerRebalanceListener {
        private final KafkaConsumer<String, String> kafkaConsumer;

        ResumeFromDatabase(KafkaConsumer<String, String> kafkaConsumer) {
            this.kafkaConsumer = kafkaConsumer;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            Map<Integer, Long> stored = QuarkusTransaction.requiringNew().call(() -> {
                owners.claim(Topics.SLI_EVENTS, partitions.stream().map(TopicPartition::partition).toList());
                return offsets.stored(Topics.SLI_EVENTS);
            });
            for (TopicPartition partition : partitions) {
                Long next = stored.get(partition.partition());
                if (next == null) {
                    positions.remove(partition);
                    kafkaConsumer.seekToBeginning(List.of(partition));
                } else {
                    positions.put(partition, next);
                    kafkaConsumer.seek(partition, next);
                }
            }
            countedUpTo.assigned();
            Set<Integer> owned = kafkaConsumer.assignment().stream().map(TopicPartition::partition)
                    .collect(Collectors.toSet());
            ownership.assigned(owned, kafkaConsumer.partitionsFor(Topics.SLI_EVENTS).size());
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            partitions.forEach(positions::remove);
            held.forget(partitions);
            // The topic keeps its partitions: an evaluation that checks its SLO's owner meanwhile checks the right one.
            ownership.assigned(Set.of(), ownership.partitionCount());
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
