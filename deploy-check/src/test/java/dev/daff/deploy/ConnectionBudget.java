package dev.daff.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL admits every connection the services' pools may open at once. A PostgreSQL server that refuses a
 * connection ("too many clients already") fails whatever asked for it: a request, a consumer's batch, a page's
 * delivery record. The most pods of a Deployment alive at once is its HPA's maxReplicas plus the rollout's maxSurge,
 * plus the pod a rollout step has just replaced: the Deployment controller stops counting a pod once it is
 * terminating, but the pod keeps its pool open until its stop has ended. Each holds up to its pool size
 * ({@code QUARKUS_DATASOURCE_JDBC_MAX_SIZE}). Per PostgreSQL server (the StatefulSet behind the host of the JDBC URLs),
 * that sum, the server's {@code superuser_reserved_connections} and {@link #ADMIN_CONNECTIONS} must fit in its
 * {@code max_connections}.
 */
final class ConnectionBudget {

    /** Quarkus 3.33's pool size when none is set (quarkus-agroal's DataSourceJdbcRuntimeConfig.maxSize; older guides say 20). */
    static final int QUARKUS_DEFAULT_POOL_SIZE = 50;
    /** PostgreSQL's defaults for the settings read from the server's {@code -c} arguments. */
    static final int POSTGRES_DEFAULT_MAX_CONNECTIONS = 100;
    static final int POSTGRES_DEFAULT_SUPERUSER_RESERVED = 3;
    /**
     * Sessions beyond the pools, as a non-superuser or beyond the superuser's reserved slots: psql sessions, a pg_dump,
     * a metrics exporter, a migration run by hand.
     */
    static final int ADMIN_CONNECTIONS = 10;
    /** The pod a rollout step has replaced and that still holds its pool while it stops. */
    static final int STOPPING_PODS = 1;
    static final String POOL_SIZE = "QUARKUS_DATASOURCE_JDBC_MAX_SIZE";
    static final String JDBC_URL = "QUARKUS_DATASOURCE_JDBC_URL";

    private static final Pattern JDBC_HOST = Pattern.compile("^jdbc:postgresql://([^:/?]+)");

    /** What one Deployment may hold: pods at most, each with a pool of poolSize. */
    record Client(String deployment, int pods, int poolSize) {
        int connections() {
            return pods * poolSize;
        }
    }

    /** One PostgreSQL server, its settings and the clients that connect to it. */
    record Server(String id, int maxConnections, int superuserReserved, List<Client> clients) {
        int needed() {
            return clients.stream().mapToInt(Client::connections).sum() + superuserReserved + ADMIN_CONNECTIONS;
        }
    }

    private ConnectionBudget() {
    }

    static List<String> check(List<HasMetadata> objects) {
        List<String> problems = new ArrayList<>();
        for (Server server : servers(objects, problems).values()) {
            if (server.maxConnections() < server.needed()) {
                problems.add(server.id() + ": max_connections " + server.maxConnections() + " is below the " + server.needed()
                        + " its clients may need: " + server.clients().stream()
                                .map(c -> c.deployment() + " " + c.pods() + " pods × " + c.poolSize())
                                .reduce((a, b) -> a + ", " + b).orElse("none")
                        + ", " + server.superuserReserved() + " reserved for superusers, " + ADMIN_CONNECTIONS + " for admin sessions");
            }
        }
        return problems;
    }

    /** The PostgreSQL servers the Deployments connect to, by workload id, each with its clients. */
    static Map<String, Server> servers(List<HasMetadata> objects, List<String> problems) {
        Map<String, ConfigMap> configMaps = new HashMap<>();
        Map<String, Service> services = new HashMap<>();
        Map<String, HorizontalPodAutoscaler> autoscalers = new HashMap<>();
        for (HasMetadata o : objects) {
            if (o instanceof ConfigMap cm) {
                configMaps.put(Checks.name(cm), cm);
            } else if (o instanceof Service s) {
                services.put(Checks.name(s), s);
            } else if (o instanceof HorizontalPodAutoscaler h && "Deployment".equals(h.getSpec().getScaleTargetRef().getKind())) {
                autoscalers.put(h.getSpec().getScaleTargetRef().getName(), h);
            }
        }
        List<Checks.Workload> workloads = Checks.workloads(objects);
        Map<String, List<Client>> clients = new LinkedHashMap<>();
        for (HasMetadata o : objects) {
            if (!(o instanceof Deployment d)) {
                continue;
            }
            for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
                Map<String, String> env = env(c, configMaps);
                String url = env.get(JDBC_URL);
                if (url == null) {
                    continue;
                }
                String where = "Deployment/" + Checks.name(d) + " container " + c.getName();
                Matcher host = JDBC_HOST.matcher(url);
                // the Service's name, also when the host is written out (postgres.daff.svc.cluster.local)
                Service service = host.find() ? services.get(host.group(1).split("\\.")[0]) : null;
                Map<String, String> selector = service == null || service.getSpec().getSelector() == null ? Map.of()
                        : service.getSpec().getSelector();
                Checks.Workload server = selector.isEmpty() ? null
                        : workloads.stream().filter(w -> Checks.matches(selector, w.labels())).findFirst().orElse(null);
                if (server == null) {
                    problems.add(where + ": " + JDBC_URL + " " + url + " names no PostgreSQL in the render, so its max_connections"
                            + " cannot be checked");
                    continue;
                }
                int poolSize;
                if (env.get(POOL_SIZE) == null) {
                    problems.add(where + ": sets no " + POOL_SIZE + ", so its pool may grow to Quarkus's default "
                            + QUARKUS_DEFAULT_POOL_SIZE);
                    poolSize = QUARKUS_DEFAULT_POOL_SIZE;
                } else {
                    poolSize = Integer.parseInt(env.get(POOL_SIZE));
                }
                clients.computeIfAbsent(server.id(), k -> new ArrayList<>())
                        .add(new Client(Checks.name(d), mostPods(d, autoscalers.get(Checks.name(d))), poolSize));
            }
        }
        Map<String, Server> servers = new TreeMap<>();
        for (Checks.Workload w : workloads) {
            if (clients.containsKey(w.id())) {
                Map<String, String> settings = settings(w);
                servers.put(w.id(), new Server(w.id(),
                        intSetting(settings, "max_connections", POSTGRES_DEFAULT_MAX_CONNECTIONS),
                        intSetting(settings, "superuser_reserved_connections", POSTGRES_DEFAULT_SUPERUSER_RESERVED)
                                + intSetting(settings, "reserved_connections", 0),
                        clients.get(w.id())));
            }
        }
        return servers;
    }

    /**
     * The most pods of a Deployment alive at once: its HPA's maxReplicas (or its replicas without one), the rollout's
     * maxSurge (an absolute number or a percentage, rounded up as Kubernetes does), and {@link #STOPPING_PODS}.
     */
    static int mostPods(Deployment d, HorizontalPodAutoscaler hpa) {
        int replicas = hpa != null ? hpa.getSpec().getMaxReplicas()
                : d.getSpec().getReplicas() != null ? d.getSpec().getReplicas() : 1;
        var strategy = d.getSpec().getStrategy();
        if (strategy != null && "Recreate".equals(strategy.getType())) {
            return replicas + STOPPING_PODS;
        }
        IntOrString surge = strategy == null || strategy.getRollingUpdate() == null || strategy.getRollingUpdate().getMaxSurge() == null
                ? new IntOrString("25%") : strategy.getRollingUpdate().getMaxSurge();
        int extra = surge.getStrVal() == null ? surge.getIntVal()
                : (int) Math.ceil(replicas * Integer.parseInt(surge.getStrVal().replace("%", "")) / 100.0);
        return replicas + extra + STOPPING_PODS;
    }

    /** The server settings of a PostgreSQL workload's {@code -c name=value} arguments (the image passes them on). */
    static Map<String, String> settings(Checks.Workload postgres) {
        Map<String, String> settings = new TreeMap<>();
        for (Container c : postgres.spec().getContainers()) {
            List<String> args = new ArrayList<>();
            if (c.getCommand() != null) {
                args.addAll(c.getCommand());
            }
            if (c.getArgs() != null) {
                args.addAll(c.getArgs());
            }
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                String setting = arg.equals("-c") && i + 1 < args.size() ? args.get(++i)
                        : arg.startsWith("--") && arg.contains("=") ? arg.substring(2) : null;
                if (setting != null && setting.contains("=")) {
                    settings.put(setting.substring(0, setting.indexOf('=')).replace('-', '_'), setting.substring(setting.indexOf('=') + 1));
                }
            }
        }
        return settings;
    }

    private static int intSetting(Map<String, String> settings, String name, int otherwise) {
        return settings.containsKey(name) ? Integer.parseInt(settings.get(name)) : otherwise;
    }

    /** A container's environment: its envFrom ConfigMaps, then its env values (which win, as in Kubernetes). */
    static Map<String, String> env(Container c, Map<String, ConfigMap> configMaps) {
        Map<String, String> env = new HashMap<>();
        for (EnvFromSource from : c.getEnvFrom() == null ? List.<EnvFromSource>of() : c.getEnvFrom()) {
            if (from.getConfigMapRef() != null && configMaps.containsKey(from.getConfigMapRef().getName())) {
                var data = configMaps.get(from.getConfigMapRef().getName()).getData();
                if (data != null) {
                    env.putAll(data);
                }
            }
        }
        if (c.getEnv() != null) {
            c.getEnv().stream().filter(e -> e.getValue() != null).forEach(e -> env.put(e.getName(), e.getValue()));
        }
        return env;
    }
}
