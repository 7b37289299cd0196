package dev.daff.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** deploy/overlays/dev and deploy/overlays/prod pass every check. */
class DeployOverlaysTest {

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void rendersWithKubectlKustomize(String overlay) {
        Overlay o = Overlay.deploy(overlay);
        assertTrue(o.render().ok(), () -> "kubectl kustomize failed: " + o.render().stderr());
        assertTrue(o.objects().size() > 30, "rendered only " + o.objects().size() + " objects");
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void bindsStrictlyToTypedModels(String overlay) {
        Overlay o = Overlay.deploy(overlay);
        o.objects();
        assertEquals(List.of(), o.binding().problems());
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void crossReferencesResolve(String overlay) {
        assertEquals(List.of(), Checks.crossReferences(Overlay.deploy(overlay).objects()));
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void everyTopicTheServicesUseHasAKafkaTopicAndViceVersa(String overlay) {
        assertEquals(List.of(), Checks.topics(Overlay.deploy(overlay).objects()));
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void probesUseTheServicesHealthPaths(String overlay) {
        assertEquals(List.of(), Checks.probes(Overlay.deploy(overlay).objects()));
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void environmentNamesAreRealConfigurationKeys(String overlay) {
        assertEquals(List.of(), Checks.configNames(Overlay.deploy(overlay).objects()));
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void workloadsAreLockedDownSizedProbedAndRollWithoutLosingCapacity(String overlay) {
        assertEquals(List.of(), Checks.workloadRules(Overlay.deploy(overlay).objects()));
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void everyServiceHasItsObjects(String overlay) {
        Set<String> have = new TreeSet<>();
        Overlay.deploy(overlay).objects().forEach(o -> have.add(o.getKind() + "/" + o.getMetadata().getName()));
        for (String s : Project.SERVICES) {
            for (String kind : List.of("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget",
                    "NetworkPolicy", "KafkaUser")) {
                String id = kind + "/" + (kind.equals("KafkaUser") ? s + "-kafka" : s);
                assertTrue(have.contains(id), overlay + " lacks " + id);
            }
            assertTrue(have.contains("ConfigMap/" + s + "-config"), overlay + " lacks the ConfigMap of " + s);
        }
        assertTrue(have.containsAll(Set.of("Kafka/daff", "StatefulSet/postgres", "Namespace/daff", "Ingress/daff")), have::toString);
    }

    @Test
    void devRunsOneReplicaOfEachServiceOnOneKafkaNode() {
        List<HasMetadata> objects = Overlay.deploy("dev").objects();
        for (Deployment d : of(objects, Deployment.class)) {
            assertEquals(1, d.getSpec().getReplicas(), d.getMetadata().getName());
        }
        assertEquals(1, brokers(objects));
        for (KafkaTopic t : of(objects, KafkaTopic.class)) {
            assertEquals(1, t.getSpec().getReplicas(), t.getMetadata().getName());
        }
    }

    @Test
    void prodRunsTwoOrMoreReplicasAndThreeBrokersWithMinInsyncTwo() {
        List<HasMetadata> objects = Overlay.deploy("prod").objects();
        for (Deployment d : of(objects, Deployment.class)) {
            assertTrue(d.getSpec().getReplicas() >= 2, d.getMetadata().getName());
        }
        for (HorizontalPodAutoscaler h : of(objects, HorizontalPodAutoscaler.class)) {
            assertTrue(h.getSpec().getMinReplicas() >= 2, h.getMetadata().getName());
        }
        assertEquals(3, brokers(objects));
        for (KafkaTopic t : of(objects, KafkaTopic.class)) {
            assertEquals(3, t.getSpec().getReplicas(), t.getMetadata().getName());
            assertEquals("2", String.valueOf(t.getSpec().getConfig().get("min.insync.replicas")), t.getMetadata().getName());
        }
        Kafka kafka = of(objects, Kafka.class).get(0);
        assertEquals("3", String.valueOf(kafka.getSpec().getKafka().getConfig().get("transaction.state.log.replication.factor")));
    }

    private static int brokers(List<HasMetadata> objects) {
        return of(objects, KafkaNodePool.class).stream().mapToInt(p -> p.getSpec().getReplicas()).sum();
    }

    private static <T> List<T> of(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
