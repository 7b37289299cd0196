package dev.daff.localinfra;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts a real PostgreSQL and a real Kafka broker once per test module and points the service at them.
 * Register it on one test class with {@code restrictToAnnotatedClass = false} and the argument
 * {@code database} (the service's own database name); every test of the module then shares one boot.
 */
public class RealInfrastructureResource implements QuarkusTestResourceLifecycleManager {

    private static volatile LocalPostgres postgres;
    private static volatile LocalKafka kafka;
    private String database = "daff";

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault("database", database);
    }

    @Override
    public Map<String, String> start() {
        postgres = LocalPostgres.startEphemeral();
        postgres.ensureDatabase(database);
        kafka = LocalKafka.startEphemeral();
        return Map.of(
                "quarkus.datasource.jdbc.url", postgres.jdbcUrl(database),
                "quarkus.datasource.username", LocalPostgres.USER,
                "quarkus.datasource.password", "",
                "kafka.bootstrap.servers", kafka.bootstrapServers());
    }

    @Override
    public void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    /** The module's broker, for tests that take it away and bring it back. */
    public static LocalKafka kafka() {
        return kafka;
    }

    public static LocalPostgres postgres() {
        return postgres;
    }
}
