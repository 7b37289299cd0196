package dev.daff.localinfra;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The local run: PostgreSQL (one database per service), a Kafka broker and the three services as real
 * processes, with data kept under {@code .daff-local/} so a restart keeps what was written. Ctrl-C stops
 * the services first, then the broker, then PostgreSQL, leaving nothing running.
 */
public final class LocalSuite {

    /** A service of the suite: its module directory, database and HTTP port. */
    record Service(String module, String database, int port) {
        Path runner(Path root) {
            return root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        }

        String url() {
            return "http://localhost:" + port;
        }
    }

    static final List<Service> SERVICES = List.of(
            new Service("slo-service", "slo", 8081),
            new Service("incident-service", "incident", 8082),
            new Service("action-service", "action", 8083));

    static final int POSTGRES_PORT = 55432;
    static final int KAFKA_PORT = 59092;
    static final int KAFKA_CONTROLLER_PORT = 59093;
    static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final Path root;
    private final Path dataDirectory;
    private final List<Process> processes = new ArrayList<>();
    private LocalPostgres postgres;
    private LocalKafka kafka;

    LocalSuite(Path root) {
        this.root = root;
        this.dataDirectory = root.resolve(".daff-local");
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("daff.root", ".")).toAbsolutePath().normalize();
        LocalSuite suite = new LocalSuite(root);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            suite.stop();
            stopped.countDown();
        }, "daff-local-shutdown"));
        try {
            suite.start();
        } catch (RuntimeException e) {
            System.err.println("daff: the local suite did not start: " + e.getMessage());
            System.exit(1);
        }
        stopped.await();
    }

    void start() throws IOException, InterruptedException {
        for (int port : List.of(POSTGRES_PORT, KAFKA_PORT, KAFKA_CONTROLLER_PORT)) {
            if (!FreePorts.isFree(port)) {
                throw new IllegalStateException("port " + port + " is taken: is another local suite running?");
            }
        }
        Path logs = Files.createDirectories(dataDirectory.resolve("logs"));
        say("starting PostgreSQL on port %d (data in %s)", POSTGRES_PORT, dataDirectory.resolve("postgres"));
        postgres = LocalPostgres.start(dataDirectory.resolve("postgres"), POSTGRES_PORT);
        SERVICES.forEach(service -> postgres.ensureDatabase(service.database()));
        say("starting Kafka on %s", "localhost:" + KAFKA_PORT);
        kafka = LocalKafka.start(dataDirectory.resolve("kafka"), KAFKA_PORT, KAFKA_CONTROLLER_PORT);
        Map<String, String> common = new LinkedHashMap<>(DevelopmentKeys.ensure(dataDirectory.resolve("keys")));
        common.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        common.put("QUARKUS_DATASOURCE_USERNAME", LocalPostgres.USER);
        common.put("QUARKUS_DATASOURCE_PASSWORD", "");
        for (Service service : SERVICES) {
            Path runner = service.runner(root);
            if (!Files.exists(runner)) {
                throw new IllegalStateException(runner + " is missing: build first with ./mvnw package -DskipTests");
            }
            ProcessBuilder builder = new ProcessBuilder(javaExecutable(), "-Xmx384m", "-jar", runner.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(logs.resolve(service.module() + ".log").toFile());
            builder.environment().putAll(common);
            builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(service.port()));
            builder.environment().put("QUARKUS_DATASOURCE_JDBC_URL", postgres.jdbcUrl(service.database()));
            processes.add(builder.start());
            say("starting %s on %s (log: %s)", service.module(), service.url(), logs.resolve(service.module() + ".log"));
        }
        awaitReady();
        say("");
        say("daff is up. Ctrl-C stops everything.");
        for (Service service : SERVICES) {
            say("  %-17s %s   swagger: %s/q/swagger-ui   health: %s/q/health/ready", service.module(), service.url(),
                    service.url(), service.url());
        }
        say("  tokens for each role: %s", dataDirectory.resolve("keys/tokens.txt"));
    }

    private void awaitReady() throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        for (Service service : SERVICES) {
            while (!isReady(http, service)) {
                Process process = processes.get(SERVICES.indexOf(service));
                if (!process.isAlive()) {
                    throw new IllegalStateException(service.module() + " exited; see .daff-local/logs/"
                            + service.module() + ".log");
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException(service.module() + " was not ready within " + READY_TIMEOUT);
                }
                Thread.sleep(250);
            }
            say("%s is ready", service.module());
        }
    }

    private static boolean isReady(HttpClient http, Service service) {
        try {
            HttpResponse<Void> response = http.send(
                    HttpRequest.newBuilder(URI.create(service.url() + "/q/health/ready")).timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    synchronized void stop() {
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
            }
        }
        processes.clear();
        if (kafka != null) {
            say("stopping Kafka");
            kafka.close();
            kafka = null;
        }
        if (postgres != null) {
            say("stopping PostgreSQL");
            postgres.close();
            postgres = null;
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void say(String format, Object... args) {
        System.out.println(args.length == 0 ? format : String.format(format, args));
        System.out.flush();
    }
}
