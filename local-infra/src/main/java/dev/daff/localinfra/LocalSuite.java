package dev.daff.localinfra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

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

    /** The console: no database, the three services' URLs and, locally only, the development tokens' role picker. */
    static final Service CONSOLE = new Service("console", null, 8084);

    static final int POSTGRES_PORT = 55432;
    static final int KAFKA_PORT = 59092;
    static final int KAFKA_CONTROLLER_PORT = 59093;
    static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final Path root;
    private final Path dataDirectory;
    private final List<ServiceProcess> processes = new ArrayList<>();
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
            if (List.of(args).contains("--demo")) {
                new DemoReplay(SERVICES.get(0).url(), SERVICES.get(1).url(),
                        DevelopmentKeys.tokens(suite.dataDirectory.resolve("keys"))).run();
                say("");
                say("the suite keeps running; Ctrl-C stops everything.");
            }
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
        Map<String, String> issuer = DevelopmentKeys.ensure(dataDirectory.resolve("keys"));
        for (Service service : SERVICES) {
            Path log = logs.resolve(service.module() + ".log");
            processes.add(new ServiceProcess(service.module(), service.runner(root), service.port(),
                    ServiceProcess.environment(postgres, service.database(), kafka, issuer), log).start());
            say("starting %s on %s (log: %s)", service.module(), service.url(), log);
        }
        Path consoleLog = logs.resolve("console.log");
        processes.add(new ServiceProcess(CONSOLE.module(), CONSOLE.runner(root), CONSOLE.port(),
                consoleEnvironment(SERVICES.get(0).url(), SERVICES.get(1).url(), SERVICES.get(2).url(),
                        dataDirectory.resolve("keys/tokens.txt")), consoleLog).start());
        say("starting console on %s (log: %s)", CONSOLE.url(), consoleLog);
        awaitReady();
        say("");
        say("daff is up. Ctrl-C stops everything.");
        for (Service service : SERVICES) {
            say("  %-17s %s   swagger: %s/q/swagger-ui   health: %s/q/health/ready", service.module(), service.url(),
                    service.url(), service.url());
        }
        say("  %-17s %s   (sign in with a role: the local run's development tokens)", "console", CONSOLE.url());
        say("  tokens for each role: %s", dataDirectory.resolve("keys/tokens.txt"));
    }

    /**
     * The console's environment: where the three services are and, for the local role picker only, the development
     * tokens file. Production sets the URLs and never the tokens file.
     */
    public static Map<String, String> consoleEnvironment(String sloUrl, String incidentUrl, String actionUrl,
            Path devTokens) {
        Map<String, String> environment = new java.util.LinkedHashMap<>();
        environment.put("DAFF_CONSOLE_SLO_URL", sloUrl);
        environment.put("DAFF_CONSOLE_INCIDENT_URL", incidentUrl);
        environment.put("DAFF_CONSOLE_ACTION_URL", actionUrl);
        if (devTokens != null) {
            environment.put("DAFF_CONSOLE_DEV_TOKENS_FILE", devTokens.toString());
        }
        return environment;
    }

    private void awaitReady() {
        for (ServiceProcess process : processes) {
            process.awaitReady(READY_TIMEOUT);
        }
        say("all services are ready");
    }

    synchronized void stop() {
        // Services first (they flush their outboxes and leave their Kafka groups), then the broker, then the database.
        processes.forEach(ServiceProcess::stop);
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
