package dev.daff.kit.messaging;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.daff.kit.db.AdvisoryLocks;
import dev.daff.kit.kafka.KafkaClients;
import dev.daff.kit.problem.ProblemException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * This service's dead-letter topics: how many records wait in each (the {@code daff.dead-letter.depth} gauge), and
 * replaying them to the topic they came from once the cause is fixed. A replay reads with its own consumer group,
 * so the depth is what has not been replayed yet; consumers apply a replayed event once per event id, so replaying
 * an event that was in fact applied changes nothing.
 */
@ApplicationScoped
public class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);
    static final String REPLAY_GROUP_SUFFIX = "-dead-letter-replay";
    public static final int MAX_REPLAY = 10_000;
    /** Longer than a replay takes on a broker that answers slowly (calls time out after 60 s): it holds the lock. */
    private static final int REPLAY_TIMEOUT_SECONDS = 300;

    private final KafkaClients kafkaClients;
    private final EntityManager entityManager;
    private final Set<String> topics;
    private final String replayGroup;
    private final Map<String, Long> depths = new ConcurrentHashMap<>();

    public DeadLetters(KafkaClients kafkaClients, EntityManager entityManager, MeterRegistry registry,
            @ConfigProperty(name = "daff.dead-letters.topics") Optional<List<String>> topics,
            @ConfigProperty(name = "quarkus.application.name") String application) {
        this.kafkaClients = kafkaClients;
        this.entityManager = entityManager;
        this.topics = Set.copyOf(topics.orElse(List.of()));
        this.replayGroup = application + REPLAY_GROUP_SUFFIX;
        for (String topic : this.topics) {
            depths.put(topic, 0L);
            Gauge.builder("daff.dead-letter.depth", depths, d -> d.getOrDefault(topic, 0L)).tag("topic", topic)
                    .description("records on the dead-letter topic not replayed yet").register(registry);
        }
    }

    public record Depth(String topic, long depth) {
    }

    public record Replayed(String topic, int replayed, long depth) {
    }

    @Scheduled(every = "${daff.dead-letters.depth-every:30s}", identity = "dead-letter-depth", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        try {
            depths();
        } catch (RuntimeException e) {
            LOG.debugf("dead-letter depth not refreshed: %s", e.getMessage());
        }
    }

    /** Reads each topic's depth now. */
    public List<Depth> depths() {
        if (topics.isEmpty()) {
            return List.of();
        }
        try (Admin admin = kafkaClients.admin("daff-dead-letters")) {
            // A dead-letter topic nothing was ever sent to may not exist yet: nothing waits there.
            Set<String> existing = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            Set<String> present = topics.stream().filter(existing::contains).collect(Collectors.toSet());
            Map<String, Integer> partitions = present.isEmpty() ? Map.of()
                    : admin.describeTopics(present).allTopicNames().get(10, TimeUnit.SECONDS).entrySet().stream()
                            .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().partitions().size()));
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new LinkedHashMap<>();
            partitions.forEach((topic, count) -> {
                for (int p = 0; p < count; p++) {
                    latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
                    earliest.put(new TopicPartition(topic, p), OffsetSpec.earliest());
                }
            });
            var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
            var starts = admin.listOffsets(earliest).all().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> replayed = admin.listConsumerGroupOffsets(replayGroup)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            List<Depth> answer = new ArrayList<>();
            for (String topic : topics.stream().sorted().toList()) {
                long depth = 0;
                for (TopicPartition partition : latest.keySet()) {
                    if (partition.topic().equals(topic)) {
                        OffsetAndMetadata done = replayed.get(partition);
                        long from = Math.max(starts.get(partition).offset(), done == null ? 0 : done.offset());
                        depth += Math.max(0, ends.get(partition).offset() - from);
                    }
                }
                depths.put(topic, depth);
                answer.add(new Depth(topic, depth));
            }
            return answer;
        } catch (Exception e) {
            throw unavailable();
        }
    }

    /**
     * Sends up to {@code max} records that wait on {@code topic} back to the topic they came from, in order, and
     * answers how many; the replay group's offset moves only past records the source topic acknowledged.
     */
    public Replayed replay(String topic, int max) {
        if (!topics.contains(topic)) {
            throw ProblemException.notFound("dead-letter topic", topic);
        }
        if (max < 1 || max > MAX_REPLAY) {
            throw ProblemException.invalidField("max", "must be 1 to " + MAX_REPLAY);
        }
        // One replay at a time across replicas, whichever topics: all of this service's share the replay group, and
        // two members would rebalance each other's partitions away mid-replay (a 503 for records in fact sent).
        AtomicInteger replayed = new AtomicInteger(-1);
        try {
            QuarkusTransaction.requiringNew().timeout(REPLAY_TIMEOUT_SECONDS).run(() -> {
                // The transaction waits on Kafka, not on PostgreSQL: the session must outlive the pool's 20 s limit
                // on idling in a transaction, or its end would free the lock mid-replay.
                entityManager.createNativeQuery("set local idle_in_transaction_session_timeout = '"
                        + REPLAY_TIMEOUT_SECONDS + "s'").executeUpdate();
                if (!AdvisoryLocks.tryTake(entityManager, "dead-letter-replay:" + replayGroup)) {
                    throw ProblemException.conflict("replay-running", "Replay running", "A dead-letter replay is"
                            + " running (on this or another replica); try again when it has answered.");
                }
                replayed.set(DeadLetterResend.sendBack(kafkaClients, replayGroup, topic, max));
            });
        } catch (RuntimeException e) {
            if (replayed.get() < 0) {
                throw e;
            }
            // The records are on Kafka; only the lock's transaction failed to end: the replay stands and is answered.
            LOG.warnf("dead-letter replay of %s sent %d records; its lock's transaction failed: %s", topic,
                    replayed.get(), e.toString());
        }
        long depth = depths().stream().filter(d -> d.topic().equals(topic)).mapToLong(Depth::depth).sum();
        return new Replayed(topic, replayed.get(), depth);
    }

    public Set<String> topics() {
        return topics;
    }

    static ProblemException unavailable() {
        return ProblemException.unavailable("event-log-unavailable", "Event log unavailable",
                "Kafka did not answer; try again shortly.", 5);
    }
}
