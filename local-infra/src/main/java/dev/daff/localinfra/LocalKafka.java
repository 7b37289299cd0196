package dev.daff.localinfra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/**
 * A real single-node Kafka broker in KRaft mode, running in this JVM. It can be stopped and started again
 * on the same port and log directory, which is how tests show that nothing acknowledged is lost while the
 * broker is away.
 */
public final class LocalKafka implements AutoCloseable {

    private final Path logDirectory;
    private final boolean deleteOnClose;
    private final int port;
    private final int controllerPort;
    private KafkaRaftServer server;

    private LocalKafka(Path logDirectory, boolean deleteOnClose, int port, int controllerPort) {
        this.logDirectory = logDirectory;
        this.deleteOnClose = deleteOnClose;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /** Starts a throw-away broker on free ports; its log directory is deleted on close. */
    public static LocalKafka startEphemeral() {
        try {
            LocalKafka kafka = new LocalKafka(Files.createTempDirectory("daff-kafka"), true, FreePorts.pick(),
                    FreePorts.pick());
            kafka.start();
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a broker whose logs live in {@code logDirectory}, kept across restarts. */
    public static LocalKafka start(Path logDirectory, int port, int controllerPort) {
        LocalKafka kafka = new LocalKafka(logDirectory, false, port, controllerPort);
        kafka.start();
        return kafka;
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    /** The broker's port: the same before and after {@link #stop()} and {@link #start()}. */
    public int port() {
        return port;
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    public synchronized void start() {
        if (server != null) {
            return;
        }
        quietLogging();
        // Clients keep reconnecting while the broker is away; it must come back on the port they know.
        awaitPortFree(port);
        awaitPortFree(controllerPort);
        KafkaConfig config = KafkaConfig.fromProps(brokerProperties(), false);
        format(config);
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
    }

    /** Stops the broker but keeps its logs, so {@link #start()} brings the same topics and offsets back. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.shutdown();
        server.awaitShutdown();
        server = null;
    }

    @Override
    public void close() {
        stop();
        if (deleteOnClose) {
            deleteRecursively(logDirectory);
        }
    }

    /**
     * The broker logs every partition it creates at INFO; outside a Quarkus application (integration tests, the
     * benchmark) nothing else turns that down. Loggers are held so the levels are not garbage-collected away.
     */
    private static final java.util.List<java.util.logging.Logger> QUIETED = new java.util.ArrayList<>();

    private static void quietLogging() {
        synchronized (QUIETED) {
            if (QUIETED.isEmpty()) {
                for (String name : java.util.List.of("kafka", "org.apache.kafka", "state.change.logger")) {
                    java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
                    logger.setLevel(java.util.logging.Level.WARNING);
                    QUIETED.add(logger);
                }
            }
        }
    }

    private Properties brokerProperties() {
        Properties props = new Properties();
        props.put("node.id", "1");
        props.put("process.roles", "broker,controller");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        props.put("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDirectory.toString());
        props.put("num.partitions", "1");
        props.put("default.replication.factor", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "true");
        props.put("controlled.shutdown.enable", "false");
        props.put("delete.topic.enable", "true");
        // The cleaner's dedupe buffer defaults to 128 MiB of heap; a local broker needs almost none.
        props.put("log.cleaner.dedupe.buffer.size", "2097152");
        // Demo traffic and replays carry timestamps hours in the past: accept them.
        props.put("log.message.timestamp.before.max.ms", String.valueOf(Long.MAX_VALUE));
        props.put("log.message.timestamp.after.max.ms", String.valueOf(Long.MAX_VALUE));
        return props;
    }

    private static void awaitPortFree(int port) {
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(30);
        while (!FreePorts.isFree(port)) {
            if (java.time.Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("port " + port + " is still taken; the broker cannot start on it again");
            }
            ServiceProcess.pause(java.time.Duration.ofMillis(100));
        }
    }

    private static void format(KafkaConfig config) {
        if (config.logDirs().stream().allMatch(dir -> Files.exists(Path.of(dir, "meta.properties")))) {
            return; // formatted on an earlier start: keep its cluster id, topics and offsets
        }
        Formatter formatter = new Formatter()
                .setClusterId(Uuid.randomUuid().toString())
                .setNodeId(config.nodeId())
                .setIgnoreFormatted(true)
                .setControllerListenerName(config.controllerListenerNames().get(0))
                .setMetadataLogDirectory(config.metadataLogDir())
                .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        config.logDirs().forEach(formatter::addDirectory);
        try {
            formatter.run();
        } catch (Exception e) {
            throw new IllegalStateException("could not format the Kafka log directory", e);
        }
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
