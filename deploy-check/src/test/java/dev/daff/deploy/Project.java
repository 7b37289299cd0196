package dev.daff.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the rest of the repository says, read from its files so the checks follow the code: the services'
 * configuration keys and Kafka topics, the topic constants of event-contracts, and the external Secrets that
 * deploy/README.md documents.
 */
final class Project {

    static final List<String> SERVICES = List.of("slo-service", "incident-service", "action-service");

    /**
     * Standard configuration keys a deployment may set although no application.properties names them: the
     * datasource credentials, the HTTP port, JSON logs, the JWT verification, the Kafka client's security settings
     * (any {@code kafka.*} key goes to every Kafka client), and the two daff settings the README documents for every
     * service. Listed in deploy/README.md too.
     */
    static final Set<String> STANDARD_KEYS = Set.of(
            "quarkus.http.port",
            "quarkus.datasource.jdbc.url",
            "quarkus.datasource.username",
            "quarkus.datasource.password",
            "quarkus.log.level",
            "quarkus.log.console.json.enabled",
            "mp.jwt.verify.publickey.location",
            "mp.jwt.verify.issuer",
            "kafka.bootstrap.servers",
            "kafka.security.protocol",
            "kafka.sasl.mechanism",
            "kafka.sasl.jaas.config",
            "kafka.ssl.truststore.location",
            "kafka.ssl.truststore.type",
            "kafka.ssl.truststore.password",
            "daff.clock.offset",
            "daff.outbox.relay.interval");

    private static final Pattern TOPIC_CONSTANT = Pattern.compile(
            "public\\s+static\\s+final\\s+String\\s+\\w+\\s*=\\s*\"([^\"]+)\"\\s*;");
    private static final Pattern EXTERNAL_SECRET_ROW = Pattern.compile("^\\|\\s*`([a-z0-9.-]+)`\\s*\\|([^|]*)\\|");
    private static final Pattern BACKTICKED = Pattern.compile("`([^`]+)`");

    private Project() {
    }

    static Path root() {
        return Path.of(System.getProperty("daff.root", "..")).toAbsolutePath().normalize();
    }

    /** The keys of a service's application.properties, profile prefixes ({@code %test.}) removed. */
    static Set<String> configKeys(String service) {
        Set<String> keys = new TreeSet<>();
        for (String line : lines(root().resolve(service).resolve("src/main/resources/application.properties"))) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#") || l.startsWith("!") || !l.contains("=")) {
                continue;
            }
            String key = l.substring(0, l.indexOf('=')).strip();
            if (key.startsWith("%")) {
                key = key.substring(key.indexOf('.') + 1);
            }
            keys.add(key);
        }
        return keys;
    }

    /** Every topic a service's configuration names: channel topics and dead-letter topics. */
    static Set<String> configuredTopics(String service) {
        Set<String> topics = new TreeSet<>();
        for (String line : lines(root().resolve(service).resolve("src/main/resources/application.properties"))) {
            String l = line.strip();
            if (l.startsWith("#") || !l.contains("=")) {
                continue;
            }
            String key = l.substring(0, l.indexOf('=')).strip();
            if (key.matches("(%[\\w-]+\\.)?mp\\.messaging\\.(incoming|outgoing)\\..+\\.topic")) {
                topics.add(l.substring(l.indexOf('=') + 1).strip());
            }
        }
        return topics;
    }

    /** The topic constants of event-contracts' {@code Topics}. */
    static Set<String> contractTopics() {
        Path topics = root().resolve("event-contracts/src/main/java/dev/daff/events/Topics.java");
        Set<String> names = new TreeSet<>();
        Matcher m = TOPIC_CONSTANT.matcher(String.join("\n", lines(topics)));
        while (m.find()) {
            names.add(m.group(1));
        }
        if (names.isEmpty()) {
            throw new IllegalStateException("no topic constants found in " + topics);
        }
        return names;
    }

    /**
     * The Secrets made outside this repository, with their keys, from the table under "## External Secrets" in
     * deploy/README.md (first column the Secret's name, second its keys, each in backticks).
     */
    static Map<String, Set<String>> externalSecrets() {
        Map<String, Set<String>> secrets = new LinkedHashMap<>();
        boolean inSection = false;
        for (String line : lines(root().resolve("deploy/README.md"))) {
            if (line.startsWith("## ")) {
                inSection = line.strip().equals("## External Secrets");
                continue;
            }
            Matcher row = EXTERNAL_SECRET_ROW.matcher(line);
            if (inSection && row.find()) {
                Set<String> keys = new TreeSet<>();
                Matcher key = BACKTICKED.matcher(row.group(2));
                while (key.find()) {
                    keys.add(key.group(1));
                }
                secrets.put(row.group(1), keys);
            }
        }
        return secrets;
    }

    /** SmallRye's environment-variable form of a property name: non-alphanumerics to '_', upper case. */
    static String envName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT);
    }

    private static List<String> lines(Path file) {
        try {
            return new ArrayList<>(Files.readAllLines(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
