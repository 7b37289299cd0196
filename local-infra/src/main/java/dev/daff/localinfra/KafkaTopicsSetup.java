package dev.daff.localinfra;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import dev.daff.events.Topics;

/**
 * Creates daff's topics with the partition counts production gives them ({@code deploy/base/kafka.yaml}) before
 * any service starts, so that tests run the way production runs: an auto-created topic has one partition, which
 * hides every question of ordering, ownership and rebalancing that several partitions raise.
 */
public final class KafkaTopicsSetup {

    /** SLI events: their partitions decide which slo-service replica owns (counts, evaluates, alerts for) an SLO. */
    public static final int SLI_EVENTS_PARTITIONS = 12;

    /** daff's topics as production creates them; dead-letter topics of the consumers are left to auto-creation. */
    public static final Map<String, Integer> PRODUCTION = productionTopics();

    private KafkaTopicsSetup() {
    }

    private static Map<String, Integer> productionTopics() {
        Map<String, Integer> topics = new LinkedHashMap<>();
        topics.put(Topics.SLI_EVENTS, SLI_EVENTS_PARTITIONS);
        topics.put(Topics.SLI_EVENTS_DEAD_LETTER, 3);
        topics.put(Topics.SLO_ALERTS, 6);
        topics.put(Topics.INCIDENT_EVENTS, 6);
        topics.put(Topics.ACTION_EVENTS, 6);
        topics.put(Topics.CHANGE_EVENTS, 6);
        topics.put(Topics.SLO_BUDGETS, 6);
        topics.put(Topics.TEAM_NOTICES, 6);
        return Map.copyOf(topics);
    }

    /** Every daff topic with its production partition count. */
    public static void createAll(String bootstrapServers) {
        create(bootstrapServers, PRODUCTION);
    }

    /**
     * Only {@link Topics#SLI_EVENTS}, with its production partitions: what the module tests' shared broker gets, so
     * that every {@code @QuarkusTest} counts SLIs from several partitions. The other topics stay auto-created with one
     * partition there, since some tests read a topic in order to prove that an earlier record was consumed.
     */
    public static void createSliEvents(String bootstrapServers) {
        create(bootstrapServers, Map.of(Topics.SLI_EVENTS, SLI_EVENTS_PARTITIONS));
    }

    /**
     * Creates each topic with its partition count (replication factor 1: one local broker) and waits until the
     * broker knows them. A topic that already exists is left as it is.
     */
    public static void create(String bootstrapServers, Map<String, Integer> partitionsByTopic) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = partitionsByTopic.entrySet().stream()
                    .filter(topic -> !existing.contains(topic.getKey()))
                    .map(topic -> new NewTopic(topic.getKey(), topic.getValue(), (short) 1))
                    .toList();
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            // Creation is acknowledged by the controller; wait until the topics' metadata is there for clients too.
            admin.describeTopics(partitionsByTopic.keySet()).allTopicNames().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (Exception e) {
            throw new IllegalStateException("could not create the topics " + partitionsByTopic.keySet(), e);
        }
    }
}
