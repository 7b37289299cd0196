package dev.daff.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How pods start being probed, stop, and are counted: probes wait long enough for an answer, a stopping pod keeps
 * serving until the ingress and the Service no longer route to it and then finishes within its grace period, and an
 * autoscaled Deployment leaves its replica count to its HPA.
 */
final class PodLifecycle {

    /** Kubernetes' own default, 1 s, is less than a GC pause or a pod at its CPU limit may take to answer. */
    static final int SHORTEST_PROBE_TIMEOUT_SECONDS = 3;
    /**
     * Kubernetes takes a stopping pod out of the EndpointSlices as it runs preStop; kube-proxy and ingress-nginx route
     * to it until they have seen that, a second or two later. The preStop's sleep covers that with room.
     */
    static final int SHORTEST_ROUTING_DRAIN_SECONDS = 5;
    /** What no setting bounds: the JVM's exit, Hibernate's and the Kafka clients' own closing, a GC pause. */
    static final Duration STOP_MARGIN = Duration.ofSeconds(5);
    /** Quarkus's default for quarkus.thread-pool.shutdown-timeout. */
    static final Duration QUARKUS_DEFAULT_WORKER_SHUTDOWN = Duration.ofMinutes(1);

    /** A method observing ShutdownEvent, its qualifiers and priority included: up to the brace that opens its body. */
    private static final Pattern SHUTDOWN_OBSERVER = Pattern.compile("@Observes[^;{]*?ShutdownEvent \\w+\\)[^;{]*\\{");
    private static final Pattern PRE_DESTROY = Pattern.compile("@PreDestroy\\s+[^{]*\\{");
    private static final Pattern JOIN_MILLIS = Pattern.compile("\\.join\\(([\\d_]+)\\)");
    private static final Pattern AWAIT_CONFIG_PLUS_MILLIS = Pattern.compile(
            "awaitTermination\\(config\\.(\\w+)\\(\\)\\.toMillis\\(\\) \\+ (\\d+)");
    /** Every way of waiting an observer has; each must be one of the shapes above, whose length is known. */
    private static final Pattern ANY_WAIT = Pattern.compile("\\.join\\(|awaitTermination\\(|sleep\\(|\\.await\\(");
    private static final Pattern CLOSE_SECONDS = Pattern.compile("\\.close\\(Duration\\.ofSeconds\\((\\d+)\\)\\)");

    private PodLifecycle() {
    }

    // ---- probes -------------------------------------------------------------------------------------------------

    /** Every probe of every Deployment and StatefulSet sets timeoutSeconds, at least 3 s and at most its period. */
    static List<String> probeTimeouts(List<HasMetadata> objects) {
        List<String> problems = new ArrayList<>();
        for (Checks.Workload w : Checks.workloads(objects)) {
            for (Container c : w.spec().getContainers()) {
                String where = w.id() + " container " + c.getName();
                timeout(problems, where, "startupProbe", c.getStartupProbe());
                timeout(problems, where, "readinessProbe", c.getReadinessProbe());
                timeout(problems, where, "livenessProbe", c.getLivenessProbe());
            }
        }
        return problems;
    }

    private static void timeout(List<String> problems, String where, String which, Probe probe) {
        if (probe == null) {
            return; // a missing probe is the workload rules' finding
        }
        Integer timeout = probe.getTimeoutSeconds();
        int period = probe.getPeriodSeconds() == null ? 10 : probe.getPeriodSeconds();
        if (timeout == null) {
            problems.add(where + ": " + which + " has no timeoutSeconds (Kubernetes' default, 1 s)");
        } else if (timeout < SHORTEST_PROBE_TIMEOUT_SECONDS) {
            problems.add(where + ": " + which + " timeoutSeconds " + timeout + " is below " + SHORTEST_PROBE_TIMEOUT_SECONDS);
        } else if (timeout > period) {
            problems.add(where + ": " + which + " timeoutSeconds " + timeout + " is longer than its period " + period);
        }
    }

    // ---- stopping -----------------------------------------------------------------------------------------------

    /**
     * Every container of the services and the console sleeps in preStop for at least
     * {@link #SHORTEST_ROUTING_DRAIN_SECONDS} before Quarkus gets SIGTERM, and the pod's terminationGracePeriodSeconds
     * holds that sleep, the service's longest stop ({@link #longestStop}) and {@link #STOP_MARGIN}.
     */
    static List<String> gracefulStop(List<HasMetadata> objects) {
        List<String> problems = new ArrayList<>();
        for (Checks.Workload w : Checks.workloads(objects)) {
            if (!Project.SERVICES.contains(w.name()) && !Project.CONSOLE.equals(w.name())) {
                continue;
            }
            long grace = w.spec().getTerminationGracePeriodSeconds() == null ? 30 : w.spec().getTerminationGracePeriodSeconds();
            Map<String, Duration> stop = longestStop(w.name());
            Duration stopTotal = stop.values().stream().reduce(Duration.ZERO, Duration::plus);
            for (Container c : w.spec().getContainers()) {
                String where = w.id() + " container " + c.getName();
                Integer sleep = preStopSleep(c);
                if (sleep == null) {
                    problems.add(where + ": no preStop sleep, so Quarkus stops taking requests while the ingress still routes to it");
                    continue;
                }
                if (sleep < SHORTEST_ROUTING_DRAIN_SECONDS) {
                    problems.add(where + ": preStop sleeps " + sleep + " s, less than " + SHORTEST_ROUTING_DRAIN_SECONDS
                            + " s for the ingress and the Service to stop routing to it");
                }
                Duration needed = Duration.ofSeconds(sleep).plus(stopTotal).plus(STOP_MARGIN);
                if (grace < needed.toSeconds()) {
                    problems.add(w.id() + ": terminationGracePeriodSeconds " + grace + " is less than " + needed.toSeconds()
                            + " s: preStop " + sleep + " s, the longest stop " + stopTotal.toSeconds() + " s " + seconds(stop)
                            + ", margin " + STOP_MARGIN.toSeconds() + " s");
                }
            }
        }
        return problems;
    }

    /** The seconds of an {@code exec: [sleep, N]} preStop, or of Kubernetes' {@code sleep} action; null if neither. */
    static Integer preStopSleep(Container c) {
        LifecycleHandler preStop = c.getLifecycle() == null ? null : c.getLifecycle().getPreStop();
        if (preStop == null) {
            return null;
        }
        if (preStop.getSleep() != null) {
            return preStop.getSleep().getSeconds().intValue();
        }
        List<String> command = preStop.getExec() == null ? List.of() : preStop.getExec().getCommand();
        if (command.size() == 2 && Set.of("sleep", "/bin/sleep", "/usr/bin/sleep").contains(command.get(0))
                && command.get(1).matches("\\d+")) {
            return Integer.parseInt(command.get(1));
        }
        return null;
    }

    /**
     * The longest a service takes from SIGTERM to exit, by step, each read from its configuration and code, and added
     * up (Quarkus runs them one after another): in-flight requests (quarkus.shutdown.timeout; none without it), the
     * waits of its ShutdownEvent observers (a thread joined, an executor awaited), the Kafka producers its
     * {@code @PreDestroy} methods close with a timeout (they wait only while records are unsent, in a broker outage),
     * and the worker threads (quarkus.thread-pool.shutdown-timeout). Services read service-kit's code too.
     */
    static Map<String, Duration> longestStop(String service) {
        Map<String, String> props = Project.prodProperties(service);
        Map<String, Duration> steps = new LinkedHashMap<>();
        steps.put("requests", props.containsKey("quarkus.shutdown.timeout") ? duration(props.get("quarkus.shutdown.timeout"))
                : Duration.ZERO);
        List<Path> roots = new ArrayList<>(List.of(Project.root().resolve(service).resolve("src/main/java")));
        if (Project.SERVICES.contains(service)) {
            roots.add(Project.root().resolve("service-kit/src/main/java"));
        }
        for (Path root : roots) {
            for (Path file : javaSources(root)) {
                String code = read(file);
                String name = file.getFileName().toString().replace(".java", "");
                for (String body : bodies(code, SHUTDOWN_OBSERVER)) {
                    Duration wait = Duration.ZERO;
                    long known = 0;
                    for (Matcher m = JOIN_MILLIS.matcher(body); m.find(); known++) {
                        wait = wait.plusMillis(Long.parseLong(m.group(1).replace("_", "")));
                    }
                    for (Matcher m = AWAIT_CONFIG_PLUS_MILLIS.matcher(body); m.find(); known++) {
                        wait = wait.plus(configDuration(props, m.group(1), file)).plusMillis(Long.parseLong(m.group(2)));
                    }
                    if (ANY_WAIT.matcher(body).results().count() != known) {
                        throw new IllegalStateException(file + ": a ShutdownEvent observer waits in a way PodLifecycle cannot"
                                + " read; teach longestStop how long it may take:\n" + body);
                    }
                    if (!wait.isZero()) {
                        steps.merge(name + " at shutdown", wait, Duration::plus);
                    }
                }
                for (String body : bodies(code, PRE_DESTROY)) {
                    for (Matcher m = CLOSE_SECONDS.matcher(body); m.find();) {
                        steps.merge(name + " closing", Duration.ofSeconds(Long.parseLong(m.group(1))), Duration::plus);
                    }
                }
            }
        }
        steps.put("worker threads", props.containsKey("quarkus.thread-pool.shutdown-timeout")
                ? duration(props.get("quarkus.thread-pool.shutdown-timeout")) : QUARKUS_DEFAULT_WORKER_SHUTDOWN);
        return steps;
    }

    /** A duration setting named by a config mapping's method (deliveryTimeout: the one key ending in .delivery-timeout). */
    private static Duration configDuration(Map<String, String> props, String method, Path file) {
        String suffix = "." + method.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
        List<String> keys = props.keySet().stream().filter(k -> k.endsWith(suffix)).toList();
        if (keys.size() != 1) {
            throw new IllegalStateException(file + ": config." + method + "() matches " + keys + " in application.properties,"
                    + " not exactly one key");
        }
        return duration(props.get(keys.get(0)));
    }

    /** Quarkus's duration syntax: ISO-8601 (PT5S), a number of seconds, or a number with ms, s, m, h or d. */
    static Duration duration(String value) {
        String v = value.strip();
        if (v.toUpperCase(java.util.Locale.ROOT).startsWith("P")) {
            return Duration.parse(v.toUpperCase(java.util.Locale.ROOT));
        }
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h|d)?", Pattern.CASE_INSENSITIVE).matcher(v);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: " + value);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "s" : m.group(2).toLowerCase(java.util.Locale.ROOT)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** The bodies of the methods whose head the pattern matches, up to their closing brace (braces counted). */
    private static List<String> bodies(String code, Pattern head) {
        List<String> bodies = new ArrayList<>();
        Matcher m = head.matcher(code);
        while (m.find()) {
            int depth = 1;
            int i = m.end();
            while (i < code.length() && depth > 0) {
                char ch = code.charAt(i++);
                depth += ch == '{' ? 1 : ch == '}' ? -1 : 0;
            }
            bodies.add(code.substring(m.end(), i));
        }
        return bodies;
    }

    private static String seconds(Map<String, Duration> steps) {
        List<String> parts = new ArrayList<>();
        steps.forEach((step, d) -> parts.add(step + " " + (d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms")));
        return "(" + String.join(", ", parts) + ")";
    }

    // ---- replicas -----------------------------------------------------------------------------------------------

    /** A Deployment an HPA scales sets no replicas: every apply would reset the HPA's count to it. */
    static List<String> autoscaledReplicas(List<HasMetadata> objects) {
        Set<String> autoscaled = new TreeSet<>();
        for (HasMetadata o : objects) {
            if (o instanceof HorizontalPodAutoscaler h && "Deployment".equals(h.getSpec().getScaleTargetRef().getKind())) {
                autoscaled.add(h.getSpec().getScaleTargetRef().getName());
            }
        }
        List<String> problems = new ArrayList<>();
        for (HasMetadata o : objects) {
            if (o instanceof Deployment d && autoscaled.contains(Checks.name(d)) && d.getSpec().getReplicas() != null) {
                problems.add("Deployment/" + Checks.name(d) + ": sets replicas " + d.getSpec().getReplicas()
                        + ", but its HorizontalPodAutoscaler owns the count: every apply would reset it");
            }
        }
        return problems;
    }

    private static List<Path> javaSources(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
