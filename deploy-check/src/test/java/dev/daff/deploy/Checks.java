package dev.daff.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** Checks 3 (cross-references, topics, probes, configuration names) and the workload rules, on bound objects. */
final class Checks {

    static final String LIVE = "/q/health/live";
    static final String READY = "/q/health/ready";

    /** A pod template and where it comes from. */
    record Workload(String kind, String name, LabelSelector selector, Map<String, String> labels,
            Map<String, String> annotations, PodSpec spec, Set<String> claims) {
        String id() {
            return kind + "/" + name;
        }
    }

    private Checks() {
    }

    static List<Workload> workloads(List<HasMetadata> objects) {
        List<Workload> result = new ArrayList<>();
        for (HasMetadata o : objects) {
            if (o instanceof Deployment d) {
                result.add(new Workload("Deployment", name(d), d.getSpec().getSelector(),
                        nonNull(d.getSpec().getTemplate().getMetadata().getLabels()),
                        nonNull(d.getSpec().getTemplate().getMetadata().getAnnotations()), d.getSpec().getTemplate().getSpec(), Set.of()));
            } else if (o instanceof StatefulSet s) {
                result.add(new Workload("StatefulSet", name(s), s.getSpec().getSelector(),
                        nonNull(s.getSpec().getTemplate().getMetadata().getLabels()),
                        nonNull(s.getSpec().getTemplate().getMetadata().getAnnotations()), s.getSpec().getTemplate().getSpec(),
                        new TreeSet<>(nonNull(s.getSpec().getVolumeClaimTemplates()).stream().map(Checks::name).toList())));
            }
        }
        return result;
    }

    /** A pod the render implies but does not hold as a template: Strimzi's Kafka nodes and Entity Operator. */
    record StrimziPod(String id, Map<String, String> labels) {
    }

    /**
     * The labels Strimzi gives its pods (its {@code Labels} and {@code KafkaPool}): the custom resource's own labels
     * except {@code app.kubernetes.io/*}, then {@code strimzi.io/cluster, kind, name, component-type} (and for Kafka
     * nodes {@code pool-name, broker-role, controller-role}), then {@code app.kubernetes.io/name, instance, part-of
     * (strimzi-<cluster>), managed-by}, then the labels of the pod template.
     */
    static List<StrimziPod> strimziPods(List<HasMetadata> objects) {
        List<StrimziPod> pods = new ArrayList<>();
        for (HasMetadata o : objects) {
            if (o instanceof KafkaNodePool pool) {
                String cluster = nonNull(pool.getMetadata().getLabels()).get("strimzi.io/cluster");
                Map<String, String> labels = strimziLabels(pool, cluster, cluster + "-kafka", "kafka");
                labels.put("strimzi.io/pool-name", name(pool));
                var roles = pool.getSpec().getRoles().stream().map(r -> r.toValue()).toList();
                labels.put("strimzi.io/broker-role", String.valueOf(roles.contains("broker")));
                labels.put("strimzi.io/controller-role", String.valueOf(roles.contains("controller")));
                var t = pool.getSpec().getTemplate();
                if (t != null && t.getPod() != null && t.getPod().getMetadata() != null) {
                    labels.putAll(nonNull(t.getPod().getMetadata().getLabels()));
                }
                pods.add(new StrimziPod("KafkaNodePool/" + name(pool) + " pods", labels));
            } else if (o instanceof Kafka k && k.getSpec().getEntityOperator() != null) {
                Map<String, String> labels = strimziLabels(k, name(k), name(k) + "-entity-operator", "entity-operator");
                var t = k.getSpec().getEntityOperator().getTemplate();
                if (t != null && t.getPod() != null && t.getPod().getMetadata() != null) {
                    labels.putAll(nonNull(t.getPod().getMetadata().getLabels()));
                }
                pods.add(new StrimziPod("Kafka/" + name(k) + " entity operator pod", labels));
            }
        }
        return pods;
    }

    private static Map<String, String> strimziLabels(HasMetadata resource, String cluster, String name, String type) {
        Map<String, String> labels = new java.util.TreeMap<>();
        nonNull(resource.getMetadata().getLabels()).forEach((k, v) -> {
            if (!k.startsWith("app.kubernetes.io/") || k.equals("app.kubernetes.io/part-of")) {
                labels.put(k, v);
            }
        });
        labels.put("strimzi.io/cluster", cluster);
        labels.put("strimzi.io/kind", "Kafka");
        labels.put("strimzi.io/name", name);
        labels.put("strimzi.io/component-type", type);
        labels.put("app.kubernetes.io/name", type);
        labels.put("app.kubernetes.io/instance", cluster);
        labels.put("app.kubernetes.io/part-of", "strimzi-" + cluster);
        labels.put("app.kubernetes.io/managed-by", "strimzi-cluster-operator");
        return labels;
    }

    // ---- cross-references --------------------------------------------------------------------------------------

    /**
     * Selectors select pods (NetworkPolicies also Strimzi's pods, and their in-namespace peers must select some pod);
     * Service target ports, probe ports, NetworkPolicy ports and scrape ports exist on the containers; HPA and PDB
     * targets exist; Ingress backends exist; every ConfigMap and Secret reference (Ingress TLS included) resolves
     * (to an object in the render, a Secret Strimzi makes for an object in the render, or an external Secret that
     * deploy/README.md documents) and so does every referenced key; Strimzi resources name an existing cluster.
     */
    static List<String> crossReferences(List<HasMetadata> objects) {
        List<String> problems = new ArrayList<>();
        List<Workload> workloads = workloads(objects);
        List<StrimziPod> strimziPods = strimziPods(objects);
        Map<String, Set<String>> configMaps = new HashMap<>();
        Map<String, Set<String>> secrets = new HashMap<>(Project.externalSecrets());
        Set<String> kafkas = new TreeSet<>();
        for (HasMetadata o : objects) {
            if (o instanceof ConfigMap cm) {
                configMaps.put(name(cm), new TreeSet<>(nonNull(cm.getData()).keySet()));
            } else if (o instanceof Secret s) {
                Set<String> keys = new TreeSet<>(nonNull(s.getData()).keySet());
                keys.addAll(nonNull(s.getStringData()).keySet());
                secrets.put(name(s), keys);
            } else if (o instanceof Kafka k) {
                kafkas.add(name(k));
                secrets.put(name(k) + "-cluster-ca-cert", Set.of("ca.crt", "ca.p12", "ca.password"));
            } else if (o instanceof KafkaUser u) {
                secrets.put(name(u), Set.of("password", "sasl.jaas.config"));
            }
        }

        for (Workload w : workloads) {
            if (!matches(w.selector(), w.labels())) {
                problems.add(w.id() + ": selector " + describe(w.selector()) + " does not match its pod labels " + w.labels());
            }
            for (Container c : w.spec().getContainers()) {
                String where = w.id() + " container " + c.getName();
                for (Probe p : probes(c)) {
                    IntOrString port = p.getHttpGet() != null ? p.getHttpGet().getPort()
                            : p.getTcpSocket() != null ? p.getTcpSocket().getPort() : null;
                    if (port != null && !hasPort(List.of(c), port)) {
                        problems.add(where + ": probe port " + show(port) + " is not a container port");
                    }
                }
                for (EnvFromSource from : nonNull(c.getEnvFrom())) {
                    if (from.getConfigMapRef() != null) {
                        refer(problems, where, "ConfigMap", configMaps, from.getConfigMapRef().getName(), null);
                    }
                    if (from.getSecretRef() != null) {
                        refer(problems, where, "Secret", secrets, from.getSecretRef().getName(), null);
                    }
                }
                for (EnvVar env : nonNull(c.getEnv())) {
                    if (env.getValueFrom() == null) {
                        continue;
                    }
                    if (env.getValueFrom().getConfigMapKeyRef() != null) {
                        refer(problems, where + " env " + env.getName(), "ConfigMap", configMaps,
                                env.getValueFrom().getConfigMapKeyRef().getName(), env.getValueFrom().getConfigMapKeyRef().getKey());
                    }
                    if (env.getValueFrom().getSecretKeyRef() != null) {
                        refer(problems, where + " env " + env.getName(), "Secret", secrets,
                                env.getValueFrom().getSecretKeyRef().getName(), env.getValueFrom().getSecretKeyRef().getKey());
                    }
                }
                Set<String> volumes = new TreeSet<>(w.claims());
                nonNull(w.spec().getVolumes()).forEach(v -> volumes.add(v.getName()));
                for (VolumeMount m : nonNull(c.getVolumeMounts())) {
                    if (!volumes.contains(m.getName())) {
                        problems.add(where + ": mounts volume " + m.getName() + " that the pod does not have");
                    }
                }
            }
            for (Volume v : nonNull(w.spec().getVolumes())) {
                if (v.getConfigMap() != null) {
                    refer(problems, w.id() + " volume " + v.getName(), "ConfigMap", configMaps, v.getConfigMap().getName(), null);
                    nonNull(v.getConfigMap().getItems()).forEach(i -> refer(problems, w.id() + " volume " + v.getName(),
                            "ConfigMap", configMaps, v.getConfigMap().getName(), i.getKey()));
                }
                if (v.getSecret() != null) {
                    refer(problems, w.id() + " volume " + v.getName(), "Secret", secrets, v.getSecret().getSecretName(), null);
                    nonNull(v.getSecret().getItems()).forEach(i -> refer(problems, w.id() + " volume " + v.getName(),
                            "Secret", secrets, v.getSecret().getSecretName(), i.getKey()));
                }
            }
            String scrapePort = w.annotations().get("prometheus.io/port");
            if (scrapePort != null && !hasPort(containers(w), new IntOrString(Integer.parseInt(scrapePort)))) {
                problems.add(w.id() + ": prometheus.io/port " + scrapePort + " is not a container port");
            }
        }

        for (HasMetadata o : objects) {
            if (o instanceof Service s) {
                List<Workload> selected = workloads.stream()
                        .filter(w -> matches(nonNull(s.getSpec().getSelector()), w.labels())).toList();
                if (selected.isEmpty()) {
                    problems.add("Service/" + name(s) + ": selector " + s.getSpec().getSelector() + " matches no pod template");
                }
                for (ServicePort p : nonNull(s.getSpec().getPorts())) {
                    IntOrString target = p.getTargetPort() != null ? p.getTargetPort() : new IntOrString(p.getPort());
                    for (Workload w : selected) {
                        if (!hasPort(containers(w), target)) {
                            problems.add("Service/" + name(s) + ": targetPort " + show(target) + " is not a port of " + w.id());
                        }
                    }
                }
            } else if (o instanceof HorizontalPodAutoscaler h) {
                var ref = h.getSpec().getScaleTargetRef();
                if (workloads.stream().noneMatch(w -> w.kind().equals(ref.getKind()) && w.name().equals(ref.getName()))) {
                    problems.add("HorizontalPodAutoscaler/" + name(h) + ": target " + ref.getKind() + "/" + ref.getName()
                            + " does not exist");
                }
            } else if (o instanceof PodDisruptionBudget pdb) {
                if (workloads.stream().noneMatch(w -> matches(pdb.getSpec().getSelector(), w.labels()))) {
                    problems.add("PodDisruptionBudget/" + name(pdb) + ": selector " + describe(pdb.getSpec().getSelector())
                            + " matches no pod template");
                }
            } else if (o instanceof NetworkPolicy np) {
                // podSelector {} is every pod of the namespace
                LabelSelector podSelector = np.getSpec().getPodSelector();
                boolean everyPod = podSelector != null && nonNull(podSelector.getMatchLabels()).isEmpty()
                        && nonNull(podSelector.getMatchExpressions()).isEmpty();
                List<Workload> selected = workloads.stream()
                        .filter(w -> everyPod || matches(podSelector, w.labels())).toList();
                if (selected.isEmpty() && strimziPods.stream().noneMatch(p -> matches(podSelector, p.labels()))) {
                    problems.add("NetworkPolicy/" + name(np) + ": podSelector " + describe(np.getSpec().getPodSelector())
                            + " matches no pod template");
                }
                // a peer in this namespace (podSelector without namespaceSelector) must be some pod of the render
                List<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer> peers = new ArrayList<>();
                nonNull(np.getSpec().getIngress()).forEach(r -> peers.addAll(nonNull(r.getFrom())));
                nonNull(np.getSpec().getEgress()).forEach(r -> peers.addAll(nonNull(r.getTo())));
                for (var peer : peers) {
                    if (peer.getPodSelector() != null && peer.getNamespaceSelector() == null
                            && !(nonNull(peer.getPodSelector().getMatchLabels()).isEmpty()
                                    && nonNull(peer.getPodSelector().getMatchExpressions()).isEmpty())
                            && workloads.stream().noneMatch(w -> matches(peer.getPodSelector(), w.labels()))
                            && strimziPods.stream().noneMatch(p -> matches(peer.getPodSelector(), p.labels()))) {
                        problems.add("NetworkPolicy/" + name(np) + ": peer podSelector " + describe(peer.getPodSelector())
                                + " selects no pod");
                    }
                }
                for (var rule : nonNull(np.getSpec().getIngress())) {
                    for (NetworkPolicyPort p : nonNull(rule.getPorts())) {
                        for (Workload w : selected) {
                            if (p.getPort() != null && !hasPort(containers(w), p.getPort())) {
                                problems.add("NetworkPolicy/" + name(np) + ": ingress port " + show(p.getPort())
                                        + " is not a port of " + w.id());
                            }
                        }
                    }
                }
            } else if (o instanceof Ingress ing) {
                for (var tls : nonNull(ing.getSpec().getTls())) {
                    for (String key : List.of("tls.crt", "tls.key")) {
                        refer(problems, "Ingress/" + name(ing) + " tls", "Secret", secrets, tls.getSecretName(), key);
                    }
                }
                for (var rule : nonNull(ing.getSpec().getRules())) {
                    for (var path : rule.getHttp().getPaths()) {
                        IngressServiceBackend backend = path.getBackend().getService();
                        Service target = objects.stream().filter(Service.class::isInstance).map(Service.class::cast)
                                .filter(s -> name(s).equals(backend.getName())).findFirst().orElse(null);
                        if (target == null) {
                            problems.add("Ingress/" + name(ing) + ": " + path.getPath() + " goes to Service " + backend.getName()
                                    + " that does not exist");
                        } else if (target.getSpec().getPorts().stream().noneMatch(sp -> backend.getPort().getName() != null
                                ? backend.getPort().getName().equals(sp.getName())
                                : Objects.equals(backend.getPort().getNumber(), sp.getPort()))) {
                            problems.add("Ingress/" + name(ing) + ": " + path.getPath() + " goes to a port Service "
                                    + backend.getName() + " does not have");
                        }
                    }
                }
            } else if (o instanceof KafkaTopic || o instanceof KafkaUser || o instanceof KafkaNodePool) {
                String cluster = nonNull(o.getMetadata().getLabels()).get("strimzi.io/cluster");
                if (!kafkas.contains(cluster)) {
                    problems.add(o.getKind() + "/" + name(o) + ": strimzi.io/cluster " + cluster + " is no Kafka in the render");
                }
            }
        }
        return problems;
    }

    // ---- topics ------------------------------------------------------------------------------------------------

    /**
     * How long a compacted topic keeps a tombstone at least: a reader (a service that was away, a consumer group whose
     * offsets expired) that misses it keeps the deleted key's last value for good. A month: an outage of a month is
     * one nobody would run a pipeline through unnoticed.
     */
    static final Duration TOMBSTONES_KEPT_AT_LEAST = Duration.ofDays(30);

    /**
     * Every topic the services' configuration or event-contracts' Topics names has a KafkaTopic, every KafkaTopic is
     * such a topic, and each topic's replication fits the brokers: replicas ≤ brokers, min.insync.replicas ≤ replicas
     * and, with more than one replica, below it (so one broker can be down); and no topic keeps records as long as a
     * service may be set to keep their event ids ({@code daff.events.processed-retention}: at least service-kit's
     * {@code ProcessedEventRetention.SHORTEST}); a compacted one keeps tombstones {@link #TOMBSTONES_KEPT_AT_LEAST}.
     */
    static List<String> topics(List<HasMetadata> objects) {
        List<String> problems = new ArrayList<>();
        Duration idsKept = Project.processedEventRetentionFloor();
        Set<String> named = new TreeSet<>(Project.contractTopics());
        Project.SERVICES.forEach(s -> named.addAll(Project.configuredTopics(s)));
        int brokers = objects.stream().filter(KafkaNodePool.class::isInstance).map(KafkaNodePool.class::cast)
                .filter(p -> p.getSpec().getRoles().stream().anyMatch(r -> r.toValue().equals("broker")))
                .mapToInt(p -> p.getSpec().getReplicas()).sum();
        Set<String> declared = new TreeSet<>();
        for (HasMetadata o : objects) {
            if (o instanceof KafkaTopic t) {
                String topic = t.getSpec().getTopicName() != null ? t.getSpec().getTopicName() : name(t);
                declared.add(topic);
                int replicas = t.getSpec().getReplicas();
                Object minIsr = nonNull(t.getSpec().getConfig()).get("min.insync.replicas");
                int min = minIsr == null ? 1 : Integer.parseInt(String.valueOf(minIsr));
                if (replicas > brokers) {
                    problems.add("KafkaTopic " + topic + ": " + replicas + " replicas but " + brokers + " brokers");
                }
                if (min > replicas || (replicas > 1 && min >= replicas)) {
                    problems.add("KafkaTopic " + topic + ": min.insync.replicas " + min + " does not fit " + replicas + " replicas");
                }
                Object retentionMs = nonNull(t.getSpec().getConfig()).get("retention.ms");
                Duration kept = retentionMs == null ? null : Duration.ofMillis(Long.parseLong(String.valueOf(retentionMs)));
                Object tombstonesMs = nonNull(t.getSpec().getConfig()).get("delete.retention.ms");
                Duration tombstonesKept = tombstonesMs == null ? Duration.ofDays(1)
                        : Duration.ofMillis(Long.parseLong(String.valueOf(tombstonesMs)));
                if (String.valueOf(nonNull(t.getSpec().getConfig()).get("cleanup.policy")).contains("compact")
                        && tombstonesKept.compareTo(TOMBSTONES_KEPT_AT_LEAST) < 0) {
                    problems.add("KafkaTopic " + topic + ": compacted, keeps a deleted key's tombstone "
                            + tombstonesKept.toDays() + " day(s) (delete.retention.ms), under "
                            + TOMBSTONES_KEPT_AT_LEAST.toDays() + ": a reader away longer keeps what was deleted");
                }
                if (kept != null && kept.compareTo(idsKept) >= 0) {
                    problems.add("KafkaTopic " + topic + ": keeps records " + kept.toDays() + " days, as long as or longer"
                            + " than a service may keep their event ids (" + idsKept.toDays()
                            + " days): a redelivery could apply twice");
                }
            }
        }
        for (String topic : named) {
            if (!declared.contains(topic)) {
                problems.add("topic " + topic + " is used by the services but has no KafkaTopic");
            }
        }
        for (String topic : declared) {
            if (!named.contains(topic)) {
                problems.add("KafkaTopic " + topic + " is used by no service");
            }
        }
        return problems;
    }

    // ---- probes ------------------------------------------------------------------------------------------------

    /** The services' probes are HTTP GETs on their real health paths: live for liveness and startup, ready for readiness. */
    static List<String> probes(List<HasMetadata> objects) {
        List<String> problems = new ArrayList<>();
        for (Workload w : workloads(objects)) {
            if (!Project.SERVICES.contains(w.name()) && !Project.CONSOLE.equals(w.name())) {
                continue;
            }
            for (Container c : w.spec().getContainers()) {
                String where = w.id() + " container " + c.getName();
                probePath(problems, where, "livenessProbe", c.getLivenessProbe(), LIVE);
                probePath(problems, where, "readinessProbe", c.getReadinessProbe(), READY);
                probePath(problems, where, "startupProbe", c.getStartupProbe(), LIVE);
            }
        }
        return problems;
    }

    private static void probePath(List<String> problems, String where, String which, Probe probe, String expected) {
        if (probe == null) {
            return; // a missing probe is the workload rules' finding
        }
        String path = probe.getHttpGet() == null ? null : probe.getHttpGet().getPath();
        if (!expected.equals(path)) {
            problems.add(where + ": " + which + " is " + (path == null ? "not an HTTP GET" : "on " + path) + ", not on " + expected);
        }
    }

    // ---- configuration names -----------------------------------------------------------------------------------

    /**
     * Every environment variable a service container gets (env and the keys of envFrom ConfigMaps) is the
     * environment form of a key in that service's application.properties or of a standard key
     * ({@link Project#STANDARD_KEYS}); and QUARKUS_HTTP_PORT is the container's port.
     */
    static List<String> configNames(List<HasMetadata> objects) {
        List<String> problems = new ArrayList<>();
        Map<String, ConfigMap> configMaps = new HashMap<>();
        objects.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast).forEach(cm -> configMaps.put(name(cm), cm));
        for (Workload w : workloads(objects)) {
            if (!Project.SERVICES.contains(w.name()) && !Project.CONSOLE.equals(w.name())) {
                continue;
            }
            Map<String, String> known = new HashMap<>();
            Set<String> keys = new TreeSet<>(Project.configKeys(w.name()));
            keys.addAll(Project.STANDARD_KEYS);
            keys.forEach(k -> known.put(Project.envName(k), k));
            for (Container c : w.spec().getContainers()) {
                Map<String, String> env = new HashMap<>();
                for (EnvFromSource from : nonNull(c.getEnvFrom())) {
                    if (from.getConfigMapRef() != null && configMaps.containsKey(from.getConfigMapRef().getName())) {
                        env.putAll(nonNull(configMaps.get(from.getConfigMapRef().getName()).getData()));
                    }
                }
                nonNull(c.getEnv()).forEach(e -> env.put(e.getName(), e.getValue()));
                for (String name : new TreeSet<>(env.keySet())) {
                    if (!known.containsKey(name)) {
                        problems.add(w.id() + " container " + c.getName() + ": " + name + " maps to no configuration key ("
                                + name.toLowerCase(java.util.Locale.ROOT).replace('_', '.') + " is neither in "
                                + w.name() + "'s application.properties nor a standard key)");
                    }
                }
                String port = env.get("QUARKUS_HTTP_PORT");
                if (port == null || nonNull(c.getPorts()).stream().noneMatch(p -> String.valueOf(p.getContainerPort()).equals(port))) {
                    problems.add(w.id() + " container " + c.getName() + ": QUARKUS_HTTP_PORT " + port + " is not a container port");
                }
            }
        }
        return problems;
    }

    // ---- workload rules ----------------------------------------------------------------------------------------

    /**
     * Every container of every Deployment and StatefulSet: runAsNonRoot, read-only root filesystem, no privilege
     * escalation, all capabilities dropped, /tmp on an emptyDir, CPU and memory requests and limits, startup,
     * readiness and liveness probes, an image with a tag other than latest. Deployments roll with maxUnavailable 0.
     */
    static List<String> workloadRules(List<HasMetadata> objects) {
        List<String> problems = new ArrayList<>();
        for (HasMetadata o : objects) {
            if (o instanceof Deployment d) {
                var strategy = d.getSpec().getStrategy();
                boolean zero = strategy != null && "RollingUpdate".equals(strategy.getType()) && strategy.getRollingUpdate() != null
                        && strategy.getRollingUpdate().getMaxUnavailable() != null
                        && Set.of("0", "0%").contains(show(strategy.getRollingUpdate().getMaxUnavailable()));
                if (!zero) {
                    problems.add("Deployment/" + name(d) + ": rolling update must have maxUnavailable 0");
                }
            }
        }
        for (Workload w : workloads(objects)) {
            Boolean podNonRoot = w.spec().getSecurityContext() == null ? null : w.spec().getSecurityContext().getRunAsNonRoot();
            Map<String, Volume> volumes = new HashMap<>();
            nonNull(w.spec().getVolumes()).forEach(v -> volumes.put(v.getName(), v));
            for (Container c : w.spec().getContainers()) {
                String where = w.id() + " container " + c.getName();
                SecurityContext sc = c.getSecurityContext() == null ? new SecurityContext() : c.getSecurityContext();
                if (!Boolean.TRUE.equals(sc.getRunAsNonRoot() != null ? sc.getRunAsNonRoot() : podNonRoot)) {
                    problems.add(where + ": runAsNonRoot is not true");
                }
                if (!Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
                    problems.add(where + ": readOnlyRootFilesystem is not true");
                }
                if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
                    problems.add(where + ": allowPrivilegeEscalation is not false");
                }
                if (sc.getCapabilities() == null || !nonNull(sc.getCapabilities().getDrop()).contains("ALL")) {
                    problems.add(where + ": capabilities do not drop ALL");
                }
                boolean tmp = nonNull(c.getVolumeMounts()).stream().anyMatch(m -> m.getMountPath().equals("/tmp")
                        && volumes.containsKey(m.getName()) && volumes.get(m.getName()).getEmptyDir() != null);
                if (!tmp) {
                    problems.add(where + ": /tmp is not an emptyDir");
                }
                ResourceRequirements r = c.getResources();
                for (String resource : List.of("cpu", "memory")) {
                    if (r == null || !nonNull(r.getRequests()).containsKey(resource)) {
                        problems.add(where + ": no " + resource + " request");
                    }
                    if (r == null || !nonNull(r.getLimits()).containsKey(resource)) {
                        problems.add(where + ": no " + resource + " limit");
                    }
                }
                if (c.getStartupProbe() == null) {
                    problems.add(where + ": no startupProbe");
                }
                if (c.getReadinessProbe() == null) {
                    problems.add(where + ": no readinessProbe");
                }
                if (c.getLivenessProbe() == null) {
                    problems.add(where + ": no livenessProbe");
                }
                String image = c.getImage();
                String last = image.substring(image.lastIndexOf('/') + 1);
                if (!last.contains(":") || last.endsWith(":latest")) {
                    problems.add(where + ": image " + image + " has no tag or is latest");
                }
            }
        }
        return problems;
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        if (!matches(nonNull(selector.getMatchLabels()), labels)) {
            return false;
        }
        for (LabelSelectorRequirement req : nonNull(selector.getMatchExpressions())) {
            String value = labels.get(req.getKey());
            boolean ok = switch (req.getOperator()) {
                case "In" -> value != null && req.getValues().contains(value);
                case "NotIn" -> value == null || !req.getValues().contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return !nonNull(selector.getMatchLabels()).isEmpty() || !nonNull(selector.getMatchExpressions()).isEmpty();
    }

    static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    private static void refer(List<String> problems, String where, String kind, Map<String, Set<String>> known,
            String name, String key) {
        if (!known.containsKey(name)) {
            problems.add(where + ": " + kind + " " + name + " is neither in the render nor a documented external " + kind);
        } else if (key != null && !known.get(name).contains(key)) {
            problems.add(where + ": " + kind + " " + name + " has no key " + key);
        }
    }

    private static List<Probe> probes(Container c) {
        List<Probe> probes = new ArrayList<>();
        for (Probe p : new Probe[] { c.getStartupProbe(), c.getReadinessProbe(), c.getLivenessProbe() }) {
            if (p != null) {
                probes.add(p);
            }
        }
        return probes;
    }

    private static List<Container> containers(Workload w) {
        return w.spec().getContainers();
    }

    private static boolean hasPort(List<Container> containers, IntOrString port) {
        for (Container c : containers) {
            for (ContainerPort p : nonNull(c.getPorts())) {
                if (port.getStrVal() != null ? port.getStrVal().equals(p.getName())
                        : Objects.equals(port.getIntVal(), p.getContainerPort())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String show(IntOrString v) {
        return v.getStrVal() != null ? v.getStrVal() : String.valueOf(v.getIntVal());
    }

    private static String describe(LabelSelector s) {
        return s == null ? "(none)" : nonNull(s.getMatchLabels()) + " " + nonNull(s.getMatchExpressions()).stream()
                .map(r -> r.getKey() + " " + r.getOperator() + " " + r.getValues()).toList();
    }

    static String name(HasMetadata o) {
        return o.getMetadata().getName();
    }

    private static <K, V> Map<K, V> nonNull(Map<K, V> m) {
        return m == null ? Map.of() : m;
    }

    private static <T> List<T> nonNull(List<T> l) {
        return l == null ? List.of() : l;
    }
}
