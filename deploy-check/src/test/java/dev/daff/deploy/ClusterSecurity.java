package dev.daff.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.strimzi.api.kafka.model.common.template.ContainerTemplate;
import io.strimzi.api.kafka.model.common.template.PodTemplate;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a real cluster needs beyond a working deployment: the namespace enforces the {@code restricted} Pod Security
 * Standard and every pod (ours and Strimzi's) meets it; a default-deny NetworkPolicy; TLS to PostgreSQL on both ends;
 * TLS on every Ingress host.
 */
final class ClusterSecurity {

    static final String ENFORCE = "pod-security.kubernetes.io/enforce";
    /** Volume types the restricted standard allows. */
    static final Set<String> RESTRICTED_VOLUMES = Set.of("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
            "persistentVolumeClaim", "projected", "secret");
    static final Set<String> TLS_SSLMODES = Set.of("require", "verify-ca", "verify-full");

    private ClusterSecurity() {
    }

    // ---- Pod Security ------------------------------------------------------------------------------------------

    /**
     * Every Namespace enforces {@code restricted}; every pod template meets it (non-root, no privilege escalation, all
     * capabilities dropped and none added but NET_BIND_SERVICE, a RuntimeDefault or Localhost seccomp profile, no
     * privileged container, no host namespaces, ports or paths); and so do the pods Strimzi makes, through the
     * security contexts of the KafkaNodePool's and the Entity Operator's templates (without them Strimzi's default,
     * baseline, would be refused).
     */
    static List<String> podSecurity(List<HasMetadata> objects) {
        List<String> problems = new ArrayList<>();
        for (HasMetadata o : objects) {
            if (o instanceof Namespace ns) {
                String level = ns.getMetadata().getLabels() == null ? null : ns.getMetadata().getLabels().get(ENFORCE);
                if (!"restricted".equals(level)) {
                    problems.add("Namespace/" + ns.getMetadata().getName() + ": " + ENFORCE + " is " + level + ", not restricted");
                }
            } else if (o instanceof KafkaNodePool pool) {
                var t = pool.getSpec().getTemplate();
                Map<String, SecurityContext> containers = new LinkedHashMap<>();
                containers.put("kafka", containerContext(t == null ? null : t.getKafkaContainer()));
                restricted(problems, "KafkaNodePool/" + pool.getMetadata().getName(), podContext(t == null ? null : t.getPod()),
                        containers);
            } else if (o instanceof Kafka k && k.getSpec().getEntityOperator() != null) {
                var eo = k.getSpec().getEntityOperator();
                var t = eo.getTemplate();
                Map<String, SecurityContext> containers = new LinkedHashMap<>();
                if (eo.getTopicOperator() != null) {
                    containers.put("topic-operator", containerContext(t == null ? null : t.getTopicOperatorContainer()));
                }
                if (eo.getUserOperator() != null) {
                    containers.put("user-operator", containerContext(t == null ? null : t.getUserOperatorContainer()));
                }
                restricted(problems, "Kafka/" + k.getMetadata().getName() + " entity operator",
                        podContext(t == null ? null : t.getPod()), containers);
            }
        }
        for (Checks.Workload w : Checks.workloads(objects)) {
            var spec = w.spec();
            Map<String, SecurityContext> containers = new LinkedHashMap<>();
            List<Container> all = new ArrayList<>(spec.getContainers());
            if (spec.getInitContainers() != null) {
                all.addAll(spec.getInitContainers());
            }
            for (Container c : all) {
                containers.put(c.getName(), c.getSecurityContext());
                if (c.getPorts() != null && c.getPorts().stream().anyMatch(p -> p.getHostPort() != null && p.getHostPort() != 0)) {
                    problems.add(w.id() + " container " + c.getName() + ": uses a hostPort");
                }
            }
            restricted(problems, w.id(), spec.getSecurityContext(), containers);
            if (Boolean.TRUE.equals(spec.getHostNetwork()) || Boolean.TRUE.equals(spec.getHostPID()) || Boolean.TRUE.equals(spec.getHostIPC())) {
                problems.add(w.id() + ": shares a host namespace (network, PID or IPC)");
            }
            for (Volume v : spec.getVolumes() == null ? List.<Volume>of() : spec.getVolumes()) {
                String type = volumeType(v);
                if (!RESTRICTED_VOLUMES.contains(type)) {
                    problems.add(w.id() + " volume " + v.getName() + ": type " + type + " is not allowed by restricted");
                }
            }
        }
        return problems;
    }

    private static void restricted(List<String> problems, String id, PodSecurityContext pod, Map<String, SecurityContext> containers) {
        Boolean podNonRoot = pod == null ? null : pod.getRunAsNonRoot();
        boolean podSeccomp = pod != null && seccompOk(pod.getSeccompProfile());
        if (pod != null && pod.getRunAsUser() != null && pod.getRunAsUser() == 0) {
            problems.add(id + ": runs as user 0");
        }
        containers.forEach((name, sc) -> {
            String where = id + " container " + name + ": ";
            SecurityContext c = sc == null ? new SecurityContext() : sc;
            if (!Boolean.TRUE.equals(c.getRunAsNonRoot() != null ? c.getRunAsNonRoot() : podNonRoot)) {
                problems.add(where + "runAsNonRoot is not true");
            }
            if (c.getRunAsUser() != null && c.getRunAsUser() == 0) {
                problems.add(where + "runs as user 0");
            }
            if (!Boolean.FALSE.equals(c.getAllowPrivilegeEscalation())) {
                problems.add(where + "allowPrivilegeEscalation is not false");
            }
            if (Boolean.TRUE.equals(c.getPrivileged())) {
                problems.add(where + "is privileged");
            }
            if (c.getCapabilities() == null || c.getCapabilities().getDrop() == null || !c.getCapabilities().getDrop().contains("ALL")) {
                problems.add(where + "capabilities do not drop ALL");
            } else if (c.getCapabilities().getAdd() != null
                    && c.getCapabilities().getAdd().stream().anyMatch(a -> !a.equals("NET_BIND_SERVICE"))) {
                problems.add(where + "adds capabilities " + c.getCapabilities().getAdd());
            }
            if (c.getSeccompProfile() != null ? !seccompOk(c.getSeccompProfile()) : !podSeccomp) {
                problems.add(where + "no RuntimeDefault or Localhost seccomp profile");
            }
        });
    }

    private static boolean seccompOk(SeccompProfile p) {
        return p != null && ("RuntimeDefault".equals(p.getType()) || "Localhost".equals(p.getType()));
    }

    private static PodSecurityContext podContext(PodTemplate t) {
        return t == null ? null : t.getSecurityContext();
    }

    private static SecurityContext containerContext(ContainerTemplate t) {
        return t == null ? null : t.getSecurityContext();
    }

    private static String volumeType(Volume v) {
        if (v.getConfigMap() != null) return "configMap";
        if (v.getSecret() != null) return "secret";
        if (v.getEmptyDir() != null) return "emptyDir";
        if (v.getPersistentVolumeClaim() != null) return "persistentVolumeClaim";
        if (v.getProjected() != null) return "projected";
        if (v.getDownwardAPI() != null) return "downwardAPI";
        if (v.getCsi() != null) return "csi";
        if (v.getEphemeral() != null) return "ephemeral";
        if (v.getHostPath() != null) return "hostPath";
        return "another type";
    }

    // ---- network -----------------------------------------------------------------------------------------------

    /** A NetworkPolicy selects every pod, covers Ingress and Egress and allows nothing: the allows are the other policies. */
    static List<String> networkIsolation(List<HasMetadata> objects) {
        boolean defaultDeny = objects.stream().filter(NetworkPolicy.class::isInstance).map(NetworkPolicy.class::cast)
                .anyMatch(np -> {
                    var s = np.getSpec();
                    var selector = s.getPodSelector();
                    boolean all = selector != null && (selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
                            && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty());
                    return all && s.getPolicyTypes() != null && s.getPolicyTypes().containsAll(List.of("Ingress", "Egress"))
                            && (s.getIngress() == null || s.getIngress().isEmpty()) && (s.getEgress() == null || s.getEgress().isEmpty());
                });
        return defaultDeny ? List.of()
                : List.of("no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules)");
    }

    // ---- PostgreSQL over TLS ------------------------------------------------------------------------------------

    /**
     * Clients: every service's JDBC URL sets an sslmode that insists on TLS (require, verify-ca, verify-full), and with
     * verify-* its sslrootcert is a file of a mounted Secret or ConfigMap. Server: the PostgreSQL container runs with
     * {@code ssl=on}, its certificate and key are files of a mounted Secret, and its hba_file (a mounted ConfigMap)
     * admits no TCP connection without TLS.
     */
    static List<String> databaseTls(List<HasMetadata> objects) {
        List<String> problems = new ArrayList<>();
        Map<String, ConfigMap> configMaps = new HashMap<>();
        objects.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast)
                .forEach(cm -> configMaps.put(cm.getMetadata().getName(), cm));
        for (Checks.Workload w : Checks.workloads(objects)) {
            for (Container c : w.spec().getContainers()) {
                String where = w.id() + " container " + c.getName() + ": ";
                if (Project.SERVICES.contains(w.name())) {
                    String url = ConnectionBudget.env(c, configMaps).get("QUARKUS_DATASOURCE_JDBC_URL");
                    if (url == null) {
                        problems.add(where + "no QUARKUS_DATASOURCE_JDBC_URL");
                        continue;
                    }
                    Map<String, String> query = query(url);
                    String mode = query.get("sslmode");
                    if (mode == null || !TLS_SSLMODES.contains(mode)) {
                        problems.add(where + "QUARKUS_DATASOURCE_JDBC_URL " + url + " has sslmode " + mode
                                + ", not one that insists on TLS (" + String.join(", ", new java.util.TreeSet<>(TLS_SSLMODES)) + ")");
                    } else if (mode.startsWith("verify")) {
                        String root = query.get("sslrootcert");
                        if (root == null || !mountedFile(w, c, root)) {
                            problems.add(where + "sslmode " + mode + " but sslrootcert " + root + " is no file of a mounted Secret or ConfigMap");
                        }
                    }
                }
                if (c.getImage() != null && c.getImage().matches("(.*/)?postgres(:.*)?")) {
                    serverTls(problems, w, c, where, configMaps);
                }
            }
        }
        return problems;
    }

    private static void serverTls(List<String> problems, Checks.Workload w, Container c, String where, Map<String, ConfigMap> configMaps) {
        Map<String, String> settings = new HashMap<>();
        List<String> args = c.getArgs() == null ? List.of() : c.getArgs();
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).equals("-c") && args.get(i + 1).contains("=")) {
                String s = args.get(i + 1);
                settings.put(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
            }
        }
        if (!"on".equals(settings.get("ssl"))) {
            problems.add(where + "ssl is not on (-c ssl=on)");
        }
        for (String file : List.of("ssl_cert_file", "ssl_key_file")) {
            String path = settings.get(file);
            if (path == null || !mountedFile(w, c, path)) {
                problems.add(where + file + " " + path + " is no file of a mounted Secret");
            }
        }
        String hba = settings.get("hba_file");
        String content = hba == null ? null : configMapFile(w, c, hba, configMaps);
        if (content == null) {
            problems.add(where + "hba_file " + hba + " is no file of a mounted ConfigMap, so the image's own pg_hba.conf "
                    + "admits TCP without TLS");
            return;
        }
        for (String line : content.lines().toList()) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] f = l.split("\\s+");
            boolean ok = f[0].equals("local") || f[0].equals("hostssl")
                    || (f[0].equals("hostnossl") && f[f.length - 1].equals("reject"));
            if (!ok) {
                problems.add(where + "pg_hba.conf admits TCP without TLS: " + l);
            }
        }
    }

    private static Map<String, String> query(String jdbcUrl) {
        Map<String, String> query = new HashMap<>();
        String q = URI.create(jdbcUrl.substring("jdbc:".length())).getRawQuery();
        if (q != null) {
            for (String pair : q.split("&")) {
                int eq = pair.indexOf('=');
                query.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
            }
        }
        return query;
    }

    /** Whether {@code path} is a file that a Secret or ConfigMap volume mounted in the container provides. */
    private static boolean mountedFile(Checks.Workload w, Container c, String path) {
        return volumeFile(w, c, path) != null;
    }

    /** The volume and its key that provide {@code path} in the container, or null. */
    private static Map.Entry<Volume, String> volumeFile(Checks.Workload w, Container c, String path) {
        for (VolumeMount m : c.getVolumeMounts() == null ? List.<VolumeMount>of() : c.getVolumeMounts()) {
            String dir = m.getMountPath().endsWith("/") ? m.getMountPath() : m.getMountPath() + "/";
            if (!path.startsWith(dir)) {
                continue;
            }
            String file = path.substring(dir.length());
            for (Volume v : w.spec().getVolumes() == null ? List.<Volume>of() : w.spec().getVolumes()) {
                if (!v.getName().equals(m.getName())) {
                    continue;
                }
                List<KeyToPath> items = v.getSecret() != null ? v.getSecret().getItems()
                        : v.getConfigMap() != null ? v.getConfigMap().getItems() : null;
                if (v.getSecret() == null && v.getConfigMap() == null) {
                    continue;
                }
                if (items == null || items.isEmpty()) {
                    return Map.entry(v, file);
                }
                for (KeyToPath item : items) {
                    if (item.getPath().equals(file)) {
                        return Map.entry(v, item.getKey());
                    }
                }
            }
        }
        return null;
    }

    private static String configMapFile(Checks.Workload w, Container c, String path, Map<String, ConfigMap> configMaps) {
        var file = volumeFile(w, c, path);
        if (file == null || file.getKey().getConfigMap() == null) {
            return null;
        }
        ConfigMap cm = configMaps.get(file.getKey().getConfigMap().getName());
        return cm == null || cm.getData() == null ? null : cm.getData().get(file.getValue());
    }

    // ---- Ingress TLS -------------------------------------------------------------------------------------------

    /** Every host of every Ingress rule is in a tls entry that names a Secret. */
    static List<String> ingressTls(List<HasMetadata> objects) {
        List<String> problems = new ArrayList<>();
        for (HasMetadata o : objects) {
            if (o instanceof Ingress ing) {
                List<IngressTLS> tls = ing.getSpec().getTls() == null ? List.of() : ing.getSpec().getTls();
                for (var rule : ing.getSpec().getRules() == null ? List.<io.fabric8.kubernetes.api.model.networking.v1.IngressRule>of()
                        : ing.getSpec().getRules()) {
                    boolean covered = tls.stream().anyMatch(t -> t.getSecretName() != null && t.getHosts() != null
                            && t.getHosts().contains(rule.getHost()));
                    if (!covered) {
                        problems.add("Ingress/" + ing.getMetadata().getName() + ": host " + rule.getHost()
                                + " has no tls entry with a Secret, so it is served without TLS");
                    }
                }
            }
        }
        return problems;
    }
}
