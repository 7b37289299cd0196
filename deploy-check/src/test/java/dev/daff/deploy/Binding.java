package dev.daff.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Collections;

/**
 * Check 2: every rendered object is bound to a typed model (fabric8 for built-in kinds, Strimzi's api for Kafka
 * resources, {@link ServiceMonitor} for the Prometheus Operator's). A kind without a model, a value of the wrong type, or any field the model does not know fails: the
 * models keep unknown fields in {@code additionalProperties}, so the whole object graph is walked and every
 * non-empty one is reported with its path.
 */
final class Binding {

    /** apiVersion/kind → the model it must bind to. Anything else in deploy/ is an error. */
    static final Map<String, Class<? extends HasMetadata>> MODELS = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
            Map.entry("kafka.strimzi.io/v1beta2/Kafka", Kafka.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaNodePool", KafkaNodePool.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaTopic", KafkaTopic.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaUser", KafkaUser.class),
            Map.entry("monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class));

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    /** The objects that bound, and one line per problem ({@code Kind/name: ...}). */
    record Result(List<HasMetadata> objects, List<String> problems) {
    }

    private Binding() {
    }

    static Result bind(String renderedYaml) {
        List<HasMetadata> objects = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<JsonNode> documents;
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(renderedYaml)) {
            documents = it.readAll();
        } catch (IOException e) {
            problems.add("rendered output is not YAML: " + e.getMessage());
            return new Result(objects, problems);
        }
        for (JsonNode doc : documents) {
            if (doc == null || doc.isNull() || doc.isEmpty()) {
                continue;
            }
            String type = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
            String id = doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText();
            Class<? extends HasMetadata> model = MODELS.get(type);
            if (model == null) {
                problems.add(id + ": no typed model for " + type);
                continue;
            }
            HasMetadata object;
            try {
                object = MAPPER.treeToValue(doc, model);
            } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
                problems.add(id + ": does not bind to " + model.getName() + ": " + e.getMessage().lines().findFirst().orElse(""));
                continue;
            }
            List<String> unknown = new ArrayList<>();
            walk(object, "", Collections.newSetFromMap(new IdentityHashMap<>()), unknown);
            unknown.forEach(u -> problems.add(id + ": unknown field " + u));
            objects.add(object);
        }
        return new Result(objects, problems);
    }

    /** Reports every non-empty {@code additionalProperties} below {@code value}, as {@code path.field}. */
    static void walk(Object value, String path, Set<Object> seen, List<String> unknown) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof Enum<?> || value instanceof Character) {
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "[" + k + "]", seen, unknown));
            return;
        }
        if (value instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                walk(item, path + "[" + i++ + "]", seen, unknown);
            }
            return;
        }
        String pkg = value.getClass().getPackageName();
        // daff's own strict models (ServiceMonitor) are walked too: their metadata is fabric8's
        if (!(pkg.startsWith("io.fabric8.") || pkg.startsWith("io.strimzi.") || pkg.equals("dev.daff.deploy"))
                || !seen.add(value)) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            String name = getter.getName();
            String property;
            if (name.startsWith("get") && name.length() > 3) {
                property = Character.toLowerCase(name.charAt(3)) + name.substring(4);
            } else if (name.startsWith("is") && name.length() > 2) {
                property = Character.toLowerCase(name.charAt(2)) + name.substring(3);
            } else {
                continue;
            }
            Object child;
            try {
                child = getter.invoke(value);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue;
            }
            if (property.equals("additionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(k -> unknown.add(path.isEmpty() ? String.valueOf(k) : path + "." + k));
                }
                continue;
            }
            walk(child, path.isEmpty() ? property : path + "." + property, seen, unknown);
        }
    }
}
