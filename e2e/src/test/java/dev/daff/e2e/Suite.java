package dev.daff.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.daff.localinfra.DevelopmentKeys;
import dev.daff.localinfra.FreePorts;
import dev.daff.localinfra.LocalKafka;
import dev.daff.localinfra.LocalPostgres;
import dev.daff.localinfra.RecordingReceiver;
import dev.daff.localinfra.ServiceProcess;

/**
 * The suite as production runs it, for the end-to-end tests: a real PostgreSQL (one database per service), a Kafka
 * broker, a PagerDuty stand-in (a real HTTP server) and the three packaged services in their own JVMs — with a
 * 1-second evaluation tick, budget snapshots and incident gauges every second, so a test waits seconds, not minutes. Closing it stops
 * everything it started, in reverse order.
 */
final class Suite implements AutoCloseable {

    LocalPostgres postgres;
    LocalKafka kafka;
    RecordingReceiver pagerDuty;
    Path keys;
    Map<String, String> tokens;
    ServiceProcess slo;
    ServiceProcess incident;
    ServiceProcess action;
    private final String logPrefix;
    private final List<ServiceProcess> processes = new ArrayList<>();

    private Suite(String logPrefix) {
        this.logPrefix = logPrefix;
    }

    /** Starts everything and waits until the three services are ready; logs go to {@code target/<logPrefix>-<module>.log}. */
    static Suite start(String logPrefix) throws Exception {
        Suite suite = new Suite(logPrefix);
        try {
            suite.keys = Files.createTempDirectory("daff-" + logPrefix).resolve("keys");
            suite.postgres = LocalPostgres.startEphemeral();
            for (String database : List.of("slo", "incident", "action")) {
                suite.postgres.ensureDatabase(database);
            }
            suite.kafka = LocalKafka.startEphemeral();
            suite.pagerDuty = RecordingReceiver.start();
            Map<String, String> issuer = DevelopmentKeys.ensure(suite.keys);
            suite.tokens = DevelopmentKeys.tokens(suite.keys);
            Map<String, String> sloEnvironment = new LinkedHashMap<>(suite.environment("slo", issuer));
            sloEnvironment.put("DAFF_PAGING_PAGERDUTY_URL", suite.pagerDuty.url("/v2/enqueue"));
            sloEnvironment.put("DAFF_SLO_EVALUATION_TICK", "1s");
            sloEnvironment.put("DAFF_SLO_BUDGET_SNAPSHOTS_EVERY", "1s");
            suite.slo = suite.start("slo-service", sloEnvironment);
            Map<String, String> incidentEnvironment = new LinkedHashMap<>(suite.environment("incident", issuer));
            incidentEnvironment.put("DAFF_META_REVIEW_METRICS_INTERVAL", "1s");
            suite.incident = suite.start("incident-service", incidentEnvironment);
            suite.action = suite.start("action-service", suite.environment("action", issuer));
            suite.awaitReady();
            return suite;
        } catch (Exception | Error e) {
            suite.close();
            throw e;
        }
    }

    /** Starts one more packaged module (the console, say) beside the services; {@link #awaitReady} waits for it too. */
    ServiceProcess start(String module, Map<String, String> environment) {
        return start(module, module, environment);
    }

    /** A second process of a module needs a log of its own: {@code name} tells them apart. */
    ServiceProcess start(String module, String name, Map<String, String> environment) {
        ServiceProcess process = new ServiceProcess(module, Path.of("..", module, "target/quarkus-app/quarkus-run.jar"),
                FreePorts.pick(), environment, Path.of("target/" + logPrefix + "-" + name + ".log"));
        processes.add(process.start());
        return process;
    }

    void awaitReady() {
        for (ServiceProcess process : processes) {
            process.awaitReady(Duration.ofSeconds(120));
        }
    }

    String token(String role) {
        return tokens.get(role);
    }

    private Map<String, String> environment(String database, Map<String, String> issuer) {
        return ServiceProcess.environment(postgres, database, kafka, issuer);
    }

    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).stop();
        }
        if (pagerDuty != null) {
            pagerDuty.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }
}
