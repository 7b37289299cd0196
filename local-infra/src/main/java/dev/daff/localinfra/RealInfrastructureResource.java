package dev.daff.localinfra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
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
        postgres = LocalPostgres.startRestartable(); // a test may restart it under the service
        postgres.ensureDatabase(database);
        kafka = LocalKafka.startEphemeral();
        KafkaTopicsSetup.createSliEvents(kafka.bootstrapServers()); // 12 partitions, as in production
        Path keys;
        try {
            keys = Files.createTempDirectory("daff-test-keys");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DevelopmentKeys.ensure(keys);
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl(database));
        config.put("quarkus.datasource.username", LocalPostgres.USER);
        config.put("quarkus.datasource.password", "");
        config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        // Tests verify tokens signed by a key pair made for this run, and mint them with smallrye-jwt-build.
        config.put("mp.jwt.verify.publickey.location", keys.resolve("publicKey.pem").toUri().toString());
        config.put("mp.jwt.verify.issuer", DevelopmentKeys.ISSUER);
        config.put("smallrye.jwt.sign.key.location", keys.resolve("privateKey.pem").toUri().toString());
        config.put("smallrye.jwt.new-token.issuer", DevelopmentKeys.ISSUER);
        config.put("smallrye.jwt.new-token.audience", DevelopmentKeys.AUDIENCE);
        return config;
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
