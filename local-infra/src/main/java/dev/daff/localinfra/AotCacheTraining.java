package dev.daff.localinfra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Trains a packaged service's start-up cache: JDK 25's AOT cache (JEP 483 and 515), which holds the classes a start
 * loads and links and the profiles of the methods it runs, so the next start skips most of that work. The service
 * runs once as {@link ServiceProcess} runs it in production's place — a real PostgreSQL and Kafka, the image's JVM
 * options — on a JDK 25 or newer with {@code -XX:AOTCacheOutput}, answers every GET of its API that needs no
 * parameter, and stops; the JVM writes {@code target/quarkus-app/app.aot} as it exits, and {@code app.aot.java}
 * names that JDK, which is the only one that can use the cache.
 *
 * <p>Every service's {@code package} phase runs this (service-parent's pom; {@code -Ddaff.aot.skip} skips it).
 * Without a JDK 25 ({@code DAFF_AOT_JAVA_HOME}, else the newest under {@code /usr/lib/jvm}) it writes nothing, and the
 * services start on the build's JDK with Quarkus's AppCDS archive instead.
 */
public final class AotCacheTraining {

    static final int MINIMUM_FEATURE_RELEASE = 25;
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    /** The JVM writes the cache after the service stops: a second JVM assembles it, a minute or so on two cores. */
    private static final Duration WRITE_TIMEOUT = Duration.ofMinutes(5);

    private AotCacheTraining() {
    }

    /** {@code AotCacheTraining <module> <quarkus-app directory>}. */
    public static void main(String[] args) throws Exception {
        String module = args[0];
        Path application = Path.of(args[1]).toAbsolutePath().normalize();
        Path runner = application.resolve("quarkus-run.jar");
        Path cache = application.resolve(ServiceProcess.AOT_CACHE);
        Path cacheJava = application.resolve(ServiceProcess.AOT_CACHE_JAVA);
        Files.deleteIfExists(cache);
        Files.deleteIfExists(cacheJava);
        if (!Files.exists(runner)) {
            say("%s: no %s to train an AOT cache for", module, runner);
            return;
        }
        Optional<Path> java = trainingJava();
        if (java.isEmpty()) {
            say("%s: no JDK %d or newer (DAFF_AOT_JAVA_HOME, or under /usr/lib/jvm): no AOT cache, the service starts on"
                    + " this JDK with its AppCDS archive", module, MINIMUM_FEATURE_RELEASE);
            return;
        }
        long started = System.nanoTime();
        Path work = Files.createDirectories(application.resolveSibling("aot-training"));
        Path log = work.resolve(module + ".log");
        Files.deleteIfExists(log);
        try (LocalPostgres postgres = LocalPostgres.startEphemeral(); LocalKafka kafka = LocalKafka.startEphemeral()) {
            postgres.ensureDatabase("daff");
            KafkaTopicsSetup.createAll(kafka.bootstrapServers());
            Map<String, String> issuer = DevelopmentKeys.ensure(work.resolve("keys"));
            ServiceProcess service = new ServiceProcess(module, runner, FreePorts.pick(),
                    ServiceProcess.environment(postgres, "daff", kafka, issuer), log).trainingAotCache(java.get());
            try {
                service.start().awaitReady(READY_TIMEOUT);
                int asked = askEveryParameterlessGet(service.url(),
                        DevelopmentKeys.tokens(work.resolve("keys")).get("daff-admin"));
                say("%s: ready, %d GETs answered; stopping it to write the AOT cache", module, asked);
            } finally {
                service.stop(WRITE_TIMEOUT);
            }
        }
        if (!Files.exists(cache)) {
            throw new IllegalStateException(module + ": the training run wrote no AOT cache; see " + log);
        }
        Files.writeString(cacheJava, java.get() + "\n");
        say("%s: AOT cache %s (%d MiB) trained on %s in %d s", module, cache, Files.size(cache) >> 20, java.get(),
                Duration.ofNanos(System.nanoTime() - started).toSeconds());
    }

    /** The {@code java} of a JDK 25 or newer: {@code DAFF_AOT_JAVA_HOME}, else the newest under {@code /usr/lib/jvm}. */
    public static Optional<Path> trainingJava() throws IOException {
        String configured = System.getenv("DAFF_AOT_JAVA_HOME");
        if (configured != null && !configured.isBlank()) {
            Path home = Path.of(configured);
            if (featureRelease(home) < MINIMUM_FEATURE_RELEASE) {
                throw new IllegalStateException("DAFF_AOT_JAVA_HOME=" + configured + " is not a JDK "
                        + MINIMUM_FEATURE_RELEASE + " or newer");
            }
            return Optional.of(home.resolve("bin/java"));
        }
        Path installed = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(installed)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(installed)) {
            return homes.filter(home -> Files.isExecutable(home.resolve("bin/java")))
                    .filter(home -> featureRelease(home) >= MINIMUM_FEATURE_RELEASE)
                    .max(Comparator.comparingInt(AotCacheTraining::featureRelease)
                            .thenComparing(Comparator.naturalOrder()))
                    .map(home -> home.resolve("bin/java"));
        }
    }

    /** The feature release in a JDK's {@code release} file ({@code JAVA_VERSION="25.0.3"} is 25); 0 if it has none. */
    static int featureRelease(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(version.split("[.+-]")[0]);
                }
            }
            return 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Asks each GET of the service's OpenAPI document that has no path parameter once, as an admin: the first request
     * of each kind (REST, JSON, the queries behind it) is trained too, not only the boot. Answers are not checked.
     */
    private static int askEveryParameterlessGet(String baseUrl, String token) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        JsonNode document = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(
                URI.create(baseUrl + "/q/openapi?format=json")).build(), HttpResponse.BodyHandlers.ofString()).body());
        List<String> paths = new ArrayList<>(List.of("/q/health", "/q/metrics"));
        document.path("paths").fields().forEachRemaining(path -> {
            if (!path.getKey().contains("{") && path.getValue().has("get")) {
                paths.add(path.getKey());
            }
        });
        for (String path : paths) {
            http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.discarding());
        }
        return paths.size();
    }

    private static void say(String format, Object... args) {
        System.out.println("aot-cache: " + String.format(format, args));
        System.out.flush();
    }
}
