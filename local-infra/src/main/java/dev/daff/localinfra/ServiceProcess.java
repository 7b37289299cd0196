package dev.daff.localinfra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A packaged daff service ({@code target/quarkus-app/quarkus-run.jar}) running in its own JVM, as it runs in
 * production: for the local run, crash tests ({@link #kill()} is {@code kill -9}), benchmarks and the
 * end-to-end test.
 */
public final class ServiceProcess implements AutoCloseable {

    /** A pod's default grace period: how long a graceful stop waits before it kills the JVM. */
    private static final Duration GRACE_PERIOD = Duration.ofSeconds(30);

    /** The secrets key of the local run and the tests that start packaged services: known to all, protects nothing. */
    static final String LOCAL_SECRETS_KEY = "dXswD47ea1W0SzQAaEjThe0ddDAfp8Sxun68KHRvS2I=";

    /**
     * The JVM as the services' image runs it in a pod (`Dockerfile.jvm`, deploy/'s 768 Mi limit): the JVM sizes itself
     * for 768 MiB of memory — heap up to half of it (the image's `JAVA_MAX_MEM_RATIO=50`), starting at 1/64 — and
     * `run-java.sh`'s default GC options (the UBI OpenJDK image's ParallelGC, which gives memory back after a
     * collection that leaves more than 20 % of the heap free).
     */
    public static final List<String> IMAGE_JVM_OPTIONS = List.of("-XX:MaxRAM=768m", "-XX:MaxRAMPercentage=50",
            "-XX:+UseParallelGC", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20", "-XX:GCTimeRatio=4",
            "-XX:AdaptiveSizePolicyWeight=90", "-XX:+ExitOnOutOfMemoryError");

    /**
     * The ahead-of-time cache the build trains beside the runner ({@link AotCacheTraining}): JDK 25's AOT cache of the
     * classes a start loads and links and the methods it runs hot, which only the JDK that wrote it can use.
     */
    public static final String AOT_CACHE = "app.aot";
    /** Beside {@link #AOT_CACHE}: the {@code java} executable that wrote it, so the services run on that JDK. */
    public static final String AOT_CACHE_JAVA = "app.aot.java";
    /**
     * What the image's JDK 25 adds to {@link #IMAGE_JVM_OPTIONS} (JAVA_OPTS_APPEND), with the AOT cache: 8-byte object
     * headers (JEP 519), a smaller heap for the same objects. A cache is only used with the header size it was trained
     * with, so training and every start pass them.
     */
    public static final List<String> AOT_JVM_OPTIONS = List.of("-XX:+UseCompactObjectHeaders");
    /**
     * The service's own JVM options, in its module: a {@code java} argument file ({@code @file}) that the image passes
     * too (JAVA_OPTS_APPEND), so the tests, the benchmark, the AOT cache's training and the local run start it with
     * the JIT a pod has.
     */
    public static final String JVM_OPTIONS = "src/main/docker/jvm.options";

    private final String name;
    private final Path runner;
    private final Map<String, String> environment;
    private final Path log;
    private final int port;
    /** JVM options after the service's own: for a benchmark trying others (where both name one, these win). */
    private List<String> extraJvmOptions = List.of();
    /** Set for the AOT cache's training run: the JDK that writes the cache as it exits. */
    private Path trainingJava;
    /** The JVM of the last {@link #start()}. */
    private Jvm jvm;
    private Process process;

    /** A JVM to start the service on: its {@code java} and the start-up cache options that go with it. */
    private record Jvm(String java, List<String> cacheOptions) {
        static Jvm withAotCache(String java, String cacheOption) {
            List<String> options = new ArrayList<>(AOT_JVM_OPTIONS);
            options.add(cacheOption);
            return new Jvm(java, options);
        }
    }

    public ServiceProcess(String name, Path runner, int port, Map<String, String> environment, Path log) {
        this.name = name;
        this.runner = runner.toAbsolutePath().normalize();
        this.port = port;
        this.environment = new LinkedHashMap<>(environment);
        this.environment.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        // This machine only: a packaged service listens on every interface, and the local run's console hands out
        // development tokens for every role, admin included, to whoever asks (DaffEndToEndIT).
        this.environment.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        this.log = log.toAbsolutePath();
    }

    public int port() {
        return port;
    }

    /** Environment pointing a service at a database of {@code postgres}, at {@code kafka} and at a token issuer. */
    public static Map<String, String> environment(LocalPostgres postgres, String database, LocalKafka kafka,
            Map<String, String> issuer) {
        Map<String, String> environment = new LinkedHashMap<>(issuer);
        environment.put("QUARKUS_DATASOURCE_JDBC_URL", postgres.jdbcUrl(database));
        environment.put("QUARKUS_DATASOURCE_USERNAME", LocalPostgres.USER);
        environment.put("QUARKUS_DATASOURCE_PASSWORD", "");
        environment.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        // Local receivers (the demo's, the tests' stand-ins) live on this machine: allow them as page destinations.
        environment.put("DAFF_PAGING_ALLOWED_HOSTS", "localhost,127.0.0.1");
        // slo-service seals teams' channel secrets and does not start without a key. This one is for data on this
        // machine only (the local run keeps its database across restarts, so the key must not change).
        environment.put("DAFF_SECRETS_KEYS_LOCAL1", LOCAL_SECRETS_KEY);
        environment.put("DAFF_SECRETS_CURRENT_KEY", "local1");
        return environment;
    }

    public String url() {
        return "http://localhost:" + port;
    }

    /** The JVM's process id, for benchmarks that read {@code /proc/<pid>/status}. */
    public long pid() {
        if (process == null) {
            throw new IllegalStateException(name + " is not started");
        }
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public ServiceProcess start() {
        if (!Files.exists(runner)) {
            throw new IllegalStateException(runner + " is missing: package the service first");
        }
        try {
            Files.createDirectories(log.getParent());
            jvm = chooseJvm();
            List<String> command = new ArrayList<>(List.of(jvm.java()));
            command.addAll(IMAGE_JVM_OPTIONS);
            command.addAll(jvm.cacheOptions());
            jvmOptionsFile().ifPresent(options -> command.add("@" + options));
            command.addAll(extraJvmOptions);
            command.addAll(List.of("-jar", runner.toString()));
            // From the jar's directory, as the JVM image starts it: the start-up caches name the jars relative to it.
            ProcessBuilder builder = new ProcessBuilder(command).directory(runner.getParent().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            process = builder.start();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the JVM with these options after the service's own {@link #JVM_OPTIONS}, which they override. */
    public ServiceProcess withJvmOptions(List<String> options) {
        this.extraJvmOptions = List.copyOf(options);
        return this;
    }

    /** What {@link #withJvmOptions} added. */
    public List<String> extraJvmOptions() {
        return extraJvmOptions;
    }

    /** The service's {@link #JVM_OPTIONS}, if its module has one (the runner is {@code <module>/target/quarkus-app/}). */
    public Optional<Path> jvmOptionsFile() {
        Path options = runner.resolveSibling("../../" + JVM_OPTIONS).normalize();
        return Files.isRegularFile(options) ? Optional.of(options) : Optional.empty();
    }

    /**
     * The {@code java} executable and its start-up cache options, as the JVM image starts the service: the AOT cache the
     * build trained, on the JDK that trained it; without one (no JDK 25 at build time) this JVM with the AppCDS archive
     * Quarkus wrote, if any. A JVM that cannot use its cache or archive starts without it.
     */
    private Jvm chooseJvm() {
        Path aotCache = runner.resolveSibling(AOT_CACHE);
        if (trainingJava != null) {
            return Jvm.withAotCache(trainingJava.toString(), "-XX:AOTCacheOutput=" + aotCache);
        }
        Path aotCacheJava = runner.resolveSibling(AOT_CACHE_JAVA);
        try {
            if (Files.exists(aotCache) && Files.exists(aotCacheJava)) {
                String java = Files.readString(aotCacheJava).strip();
                if (Files.isExecutable(Path.of(java))) {
                    return Jvm.withAotCache(java, "-XX:AOTCache=" + aotCache);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String thisJava = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path archive = runner.resolveSibling("app-cds.jsa");
        return new Jvm(thisJava, Files.exists(archive) ? List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto")
                : List.of());
    }

    /**
     * Makes this the AOT cache's training run ({@link AotCacheTraining}): the service runs on {@code java}, which writes
     * {@link #AOT_CACHE} beside the runner when the JVM exits.
     */
    ServiceProcess trainingAotCache(Path java) {
        this.trainingJava = java;
        return this;
    }

    /**
     * The start-up cache the running JVM has mapped ({@code /proc/<pid>/maps}): {@link #AOT_CACHE}, {@code app-cds.jsa}
     * or {@code none}. A JVM that cannot use its cache starts without it and says nothing, so tests and the benchmark
     * look here.
     */
    public String mappedStartupCache() {
        try {
            String maps = Files.readString(Path.of("/proc", String.valueOf(pid()), "maps"));
            return Stream.of(AOT_CACHE, "app-cds.jsa").filter(file -> maps.contains("/" + file + "\n")).findFirst()
                    .orElse("none");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code bin} directory of the JDK the service was last started on, for {@code jcmd}. */
    public Path javaBin() {
        if (jvm == null) {
            throw new IllegalStateException(name + " was never started");
        }
        return Path.of(jvm.java()).getParent();
    }

    /** Waits until {@code /q/health/ready} answers 200. */
    public ServiceProcess awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!isAlive()) {
                throw new IllegalStateException(name + " exited; see " + log);
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            pause(Duration.ofMillis(200));
        }
        throw new IllegalStateException(name + " was not ready within " + timeout + "; see " + log);
    }

    /** {@code kill -9}: no shutdown hooks, no flushing, no goodbye to the Kafka group. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(30));
        }
    }

    /**
     * {@code kill -STOP}: the JVM freezes mid-whatever (a long GC pause, a stalled node) without dying; its Kafka
     * session expires while it still believes it owns its partitions. {@link #resume()} wakes it.
     */
    public void pause() {
        signal("STOP");
    }

    /** {@code kill -CONT} after {@link #pause()}. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String signal) {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException(name + " is not running");
        }
        try {
            int exit = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " exited with " + exit);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A graceful stop (SIGTERM), as Kubernetes does it: killed after 30 s, a pod's default grace period. */
    public void stop() {
        stop(GRACE_PERIOD);
    }

    /**
     * What a graceful stop took, whether the JVM had to be killed at the end of the grace period (in a pod: SIGKILL,
     * with whatever it was still doing lost), and what the service logged at ERROR level while it stopped.
     */
    public record Stopped(long millis, boolean killed, List<String> errors) {
    }

    /** {@link #stop()}, timed from the signal to the JVM's exit, with the ERROR lines the stop wrote to the log. */
    public Stopped stopTimed() {
        try {
            long logged = Files.exists(log) ? Files.size(log) : 0;
            long started = System.nanoTime();
            boolean killed = !stop(GRACE_PERIOD);
            long millis = (System.nanoTime() - started) / 1_000_000;
            List<String> errors;
            try (var file = Files.newInputStream(log)) {
                file.skipNBytes(logged);
                errors = new String(file.readAllBytes(), StandardCharsets.UTF_8).lines()
                        .filter(line -> line.contains(" ERROR ")).toList();
            }
            return new Stopped(millis, killed, errors);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A graceful stop that waits up to {@code timeout} for the JVM to exit before killing it; whether it exited by
     * itself (or was not running).
     */
    public boolean stop(Duration timeout) {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!waitFor(timeout)) {
                kill();
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        stop();
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
