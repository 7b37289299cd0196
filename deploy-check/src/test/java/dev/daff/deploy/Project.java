package dev.daff.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the rest of the repository says, read from its files so the checks follow the code: the services'
 * configuration keys and Kafka topics, the topic constants of event-contracts, what each service does with Kafka,
 * the paths of each service's OpenAPI document, and the external Secrets that deploy/README.md documents.
 */
final class Project {

    static final List<String> SERVICES = List.of("slo-service", "incident-service", "action-service");

    /** The console: a workload with probes, configuration and Ingress routes, but no database, Kafka or OpenAPI document. */
    static final String CONSOLE = "console";

    private static final Pattern PASS_THROUGH_CASE = Pattern.compile("case \"([a-z]+)\" ->");
    private static final Pattern ECHARTS_VERSION = Pattern.compile("<echarts\\.version>([^<]+)</echarts\\.version>");

    /**
     * Standard configuration keys a deployment may set although no application.properties names them: the
     * datasource credentials and pool size (sized with PostgreSQL's max_connections), the HTTP port, JSON logs, the JWT verification, the Kafka client's security settings
     * (any {@code kafka.*} key goes to every Kafka client), and the two daff settings the README documents for every
     * service. Listed in deploy/README.md too.
     */
    static final Set<String> STANDARD_KEYS = Set.of(
            "quarkus.http.port",
            "quarkus.datasource.jdbc.url",
            "quarkus.datasource.username",
            "quarkus.datasource.password",
            "quarkus.datasource.jdbc.max-size",
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
            "daff.outbox.relay-interval");

    /**
     * Kafka clients outside the services, each allowed to produce to one topic: its KafkaUser's name and the topic.
     * Listed in deploy/README.md too.
     */
    static final Map<String, String> EXTERNAL_PRODUCERS = Map.of(
            "cicd-change-events", "daff.change-events",
            "telemetry-sli-events", "daff.sli-events");

    private static final Pattern TOPIC_CONSTANT = Pattern.compile(
            "public\\s+static\\s+final\\s+String\\s+(\\w+)\\s*=\\s*\"([^\"]+)\"\\s*;");
    private static final Pattern EXTERNAL_SECRET_ROW = Pattern.compile("^\\|\\s*`([a-z0-9.-]+)`\\s*\\|([^|]*)\\|");
    private static final Pattern BACKTICKED = Pattern.compile("`([^`]+)`");
    private static final Pattern SHORTEST_RETENTION = Pattern.compile(
            "static final Duration SHORTEST = Duration\\.ofDays\\((\\d+)\\);");

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
        return new TreeSet<>(topicConstants().values());
    }

    /** event-contracts' {@code Topics}: constant name → topic. */
    static Map<String, String> topicConstants() {
        Path topics = root().resolve("event-contracts/src/main/java/dev/daff/events/Topics.java");
        Map<String, String> constants = new TreeMap<>();
        Matcher m = TOPIC_CONSTANT.matcher(String.join("\n", lines(topics)));
        while (m.find()) {
            constants.put(m.group(1), m.group(2));
        }
        if (constants.isEmpty()) {
            throw new IllegalStateException("no topic constants found in " + topics);
        }
        return constants;
    }

    /** service-kit's {@code ProcessedEventRetention.SHORTEST}: the least time a consumed event id is remembered. */
    static Duration processedEventRetentionFloor() {
        Path retention = root().resolve("service-kit/src/main/java/dev/daff/kit/inbox/ProcessedEventRetention.java");
        Matcher m = SHORTEST_RETENTION.matcher(String.join("\n", lines(retention)));
        if (!m.find()) {
            throw new IllegalStateException("no SHORTEST retention found in " + retention);
        }
        return Duration.ofDays(Long.parseLong(m.group(1)));
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

    /** deploy/README.md, line by line. */
    static List<String> readmeLines() {
        return lines(root().resolve("deploy/README.md"));
    }

    /**
     * A service's application.properties as production sees it: keys without a profile, overridden by
     * {@code %prod.} keys; other profiles' keys left out.
     */
    static Map<String, String> prodProperties(String service) {
        Map<String, String> plain = new LinkedHashMap<>();
        Map<String, String> prod = new LinkedHashMap<>();
        for (String line : lines(root().resolve(service).resolve("src/main/resources/application.properties"))) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#") || l.startsWith("!") || !l.contains("=")) {
                continue;
            }
            String key = l.substring(0, l.indexOf('=')).strip();
            String value = l.substring(l.indexOf('=') + 1).strip();
            if (key.startsWith("%prod.")) {
                prod.put(key.substring("%prod.".length()), value);
            } else if (!key.startsWith("%")) {
                plain.put(key, value);
            }
        }
        plain.putAll(prod);
        return plain;
    }

    // ---- the console ------------------------------------------------------------------------------------------

    /**
     * The paths the console serves, read from its module: each static file (the page at {@code /} too), the ECharts
     * webjar at the version its pom names, and the pass-through {@code /api/<service>/{path}} for each service its
     * {@code Upstream} forwards to.
     */
    static Set<String> consolePaths() {
        Path module = root().resolve(CONSOLE);
        Set<String> paths = new TreeSet<>();
        Path statics = module.resolve("src/main/resources/META-INF/resources");
        try (Stream<Path> files = Files.walk(statics)) {
            files.filter(Files::isRegularFile).forEach(f -> paths.add("/" + statics.relativize(f).toString().replace('\\', '/')));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (paths.contains("/index.html")) {
            paths.add("/");
        }
        Matcher echarts = ECHARTS_VERSION.matcher(String.join("\n", lines(module.resolve("pom.xml"))));
        if (echarts.find()) {
            paths.add("/webjars/echarts/" + echarts.group(1) + "/dist/echarts.min.js");
        }
        Matcher service = PASS_THROUGH_CASE.matcher(String.join("\n",
                lines(module.resolve("src/main/java/dev/daff/console/Upstream.java"))));
        while (service.find()) {
            paths.add("/api/" + service.group(1) + "/{path}");
        }
        paths.addAll(consoleResourcePaths(module.resolve("src/main/java/dev/daff/console")));
        return paths;
    }

    private static final Pattern JAX_RS_PATH = Pattern.compile("@Path\\(\"([^\"]*)\"\\)");
    private static final Pattern HTTP_METHOD = Pattern.compile("@(GET|POST|PUT|PATCH|DELETE)\\b");

    /**
     * The paths of the console's own endpoints (sign-in, sign-out), read from its {@code *Resource} classes: the
     * class's {@code @Path} joined with each method's. Left out: the pass-through (above, per service) and {@code /dev/},
     * the local run's role picker, which stays inside the cluster.
     */
    static Set<String> consoleResourcePaths(Path sources) {
        Set<String> paths = new TreeSet<>();
        try (Stream<Path> files = Files.list(sources)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith("Resource.java")).toList()) {
                String source = String.join("\n", lines(file));
                int classAt = source.indexOf("public class ");
                Matcher classPath = JAX_RS_PATH.matcher(source.substring(0, Math.max(classAt, 0)));
                if (!classPath.find() || classPath.group(1).contains("{") || classPath.group(1).startsWith("/dev")) {
                    continue;
                }
                String base = classPath.group(1);
                // each endpoint: an HTTP method annotation, with the @Path among the annotations around it
                for (String method : source.substring(classAt).split("\n\\s*\n")) {
                    if (HTTP_METHOD.matcher(method).find()) {
                        Matcher sub = JAX_RS_PATH.matcher(method);
                        paths.add(sub.find() ? base + "/" + sub.group(1).replaceAll("^/", "") : base);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return paths;
    }

    // ---- OpenAPI ------------------------------------------------------------------------------------------------

    /**
     * The paths of a service's OpenAPI document, as its packaged build writes it
     * ({@code %prod.quarkus.smallrye-openapi.store-schema-directory=target/openapi}). Fails if the document is missing
     * or older than the sources it describes: a check against a stale document proves nothing.
     */
    static Set<String> openApiPaths(String service) {
        Path doc = root().resolve(service).resolve("target/openapi/openapi.yaml");
        String rebuild = "; build the services first: ./mvnw -B package -DskipTests (or ./mvnw -B verify -pl deploy-check -am)";
        if (!Files.isRegularFile(doc)) {
            throw new IllegalStateException("no OpenAPI document " + doc + rebuild);
        }
        try {
            FileTime written = Files.getLastModifiedTime(doc);
            for (Path sources : List.of(root().resolve(service).resolve("src/main"), root().resolve("service-kit/src/main"))) {
                try (Stream<Path> files = Files.walk(sources)) {
                    Path newer = files.filter(Files::isRegularFile)
                            .filter(f -> lastModified(f).compareTo(written) > 0).findFirst().orElse(null);
                    if (newer != null) {
                        throw new IllegalStateException("the OpenAPI document " + doc + " is older than " + newer + rebuild);
                    }
                }
            }
            JsonNode paths = new YAMLMapper().readTree(doc.toFile()).path("paths");
            Set<String> result = new TreeSet<>();
            paths.fieldNames().forEachRemaining(result::add);
            if (result.isEmpty()) {
                throw new IllegalStateException("the OpenAPI document " + doc + " has no paths");
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + doc, e);
        }
    }

    private static FileTime lastModified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- Kafka ------------------------------------------------------------------------------------------------------

    /**
     * What a service does with Kafka, each with the reason: topics it reads and writes, consumer groups it joins,
     * transactional ids it uses (as prefixes when the code appends to a literal, e.g. a UUID).
     */
    record KafkaUse(String service, Map<String, String> reads, Map<String, String> writes, Map<String, String> groups,
            Map<String, String> transactionalIdPrefixes, Map<String, String> transactionalIds) {
    }

    private static final Pattern INCOMING = Pattern.compile("mp\\.messaging\\.incoming\\.([^.]+)\\.(.+)");
    private static final Pattern OUTGOING = Pattern.compile("mp\\.messaging\\.outgoing\\.([^.]+)\\.(.+)");
    private static final Pattern CODE_PUBLISH = Pattern.compile("\\.publish\\(\\s*Topics\\.(\\w+)");
    private static final Pattern CODE_PRODUCER_RECORD = Pattern.compile("new\\s+ProducerRecord<[^>]*>\\(\\s*Topics\\.(\\w+)");
    private static final Pattern CODE_SUBSCRIBE = Pattern.compile("\\.subscribe\\(\\s*(?:List|Set)\\.of\\(\\s*Topics\\.(\\w+)");
    private static final Pattern CODE_CONSUMER = Pattern.compile("[Kk]afkaClients\\.consumer\\(\\s*(\\w+|\"[^\"]*\")");
    private static final Pattern CODE_TRANSACTIONAL = Pattern.compile(
            "[Kk]afkaClients\\.transactionalProducer\\(\\s*[^,]+,\\s*\"([^\"]+)\"\\s*(\\+)?");
    private static final String DEAD_LETTER_SUFFIX = ".dead-letter";

    /**
     * Derives a service's Kafka use from its production configuration (incoming and outgoing channels: topic,
     * group.id, dead-letter topic; {@code daff.dead-letters.topics}, which it reads for depth and replay under the
     * group {@code <application>-dead-letter-replay} and replays to the topic each came from) and from its code
     * (outbox {@code publish(Topics.X, ...)}, {@code new ProducerRecord<>(Topics.X, ...)},
     * {@code subscribe(List.of(Topics.X))}, {@code kafkaClients.consumer(GROUP, ...)},
     * {@code kafkaClients.transactionalProducer(..., "prefix-" + ...)}).
     */
    static KafkaUse kafkaUse(String service) {
        Map<String, String> props = prodProperties(service);
        String application = props.getOrDefault("quarkus.application.name", service);
        Map<String, String> reads = new TreeMap<>();
        Map<String, String> writes = new TreeMap<>();
        Map<String, String> groups = new TreeMap<>();
        Map<String, String> txPrefixes = new TreeMap<>();
        Map<String, String> txIds = new TreeMap<>();

        // configuration: channels
        Map<String, Map<String, String>> incoming = channels(props, INCOMING);
        Map<String, String> deadLetterSources = new TreeMap<>();
        incoming.forEach((channel, conf) -> {
            String topic = conf.getOrDefault("topic", channel);
            reads.putIfAbsent(topic, "channel " + channel + " consumes it");
            groups.putIfAbsent(conf.getOrDefault("group.id", application), "channel " + channel + "'s group.id");
            if ("dead-letter-queue".equals(conf.get("failure-strategy"))) {
                String dlq = conf.getOrDefault("dead-letter-queue.topic", "dead-letter-topic-" + topic);
                writes.putIfAbsent(dlq, "channel " + channel + " dead-letters to it");
                deadLetterSources.put(dlq, topic);
            }
        });
        channels(props, OUTGOING).forEach((channel, conf) ->
                writes.putIfAbsent(conf.getOrDefault("topic", channel), "channel " + channel + " produces to it"));

        // code
        Map<String, String> constants = topicConstants();
        for (Path file : javaSources(root().resolve(service).resolve("src/main/java"))) {
            String code = String.join("\n", lines(file));
            String where = root().relativize(file).toString();
            forEach(CODE_PUBLISH, code, c -> writes.putIfAbsent(topic(constants, c, where), "the outbox publishes to it (" + where + ")"));
            forEach(CODE_PRODUCER_RECORD, code, c -> writes.putIfAbsent(topic(constants, c, where), "produced to in " + where));
            forEach(CODE_SUBSCRIBE, code, c -> reads.putIfAbsent(topic(constants, c, where), "consumed in " + where));
            forEach(CODE_CONSUMER, code, g -> groups.putIfAbsent(stringValue(code, g, where), "consumer group in " + where));
            Matcher tx = CODE_TRANSACTIONAL.matcher(code);
            while (tx.find()) {
                (tx.group(2) != null ? txPrefixes : txIds).putIfAbsent(tx.group(1), "transactional producer in " + where);
            }
        }

        // dead letters: depth and replay
        String deadLetters = props.getOrDefault("daff.dead-letters.topics", "");
        for (String topic : deadLetters.split(",")) {
            String dead = topic.strip();
            if (dead.isEmpty()) {
                continue;
            }
            reads.putIfAbsent(dead, "its dead letters: depth and replay");
            groups.putIfAbsent(application + replayGroupSuffix(), "dead-letter replay");
            String source = deadLetterSources.get(dead);
            if (source == null && dead.endsWith(DEAD_LETTER_SUFFIX) && reads.containsKey(dead.substring(0, dead.length() - DEAD_LETTER_SUFFIX.length()))) {
                source = dead.substring(0, dead.length() - DEAD_LETTER_SUFFIX.length());
            }
            if (source == null) {
                throw new IllegalStateException(service + ": cannot tell which topic the dead letters of " + dead + " are replayed to");
            }
            writes.putIfAbsent(source, "replay of " + dead + " sends records back to it");
        }
        return new KafkaUse(service, reads, writes, groups, txPrefixes, txIds);
    }

    /** The suffix of the dead-letter replay's consumer group, from service-kit's {@code DeadLetters}. */
    static String replayGroupSuffix() {
        Path file = root().resolve("service-kit/src/main/java/dev/daff/kit/messaging/DeadLetters.java");
        Matcher m = Pattern.compile("REPLAY_GROUP_SUFFIX\\s*=\\s*\"([^\"]+)\"").matcher(String.join("\n", lines(file)));
        if (!m.find()) {
            throw new IllegalStateException("no REPLAY_GROUP_SUFFIX in " + file);
        }
        return m.group(1);
    }

    private static Map<String, Map<String, String>> channels(Map<String, String> props, Pattern pattern) {
        Map<String, Map<String, String>> channels = new TreeMap<>();
        props.forEach((key, value) -> {
            Matcher m = pattern.matcher(key);
            if (m.matches()) {
                channels.computeIfAbsent(m.group(1), c -> new TreeMap<>()).put(m.group(2), value);
            }
        });
        return channels;
    }

    private static void forEach(Pattern pattern, String code, java.util.function.Consumer<String> action) {
        Matcher m = pattern.matcher(code);
        while (m.find()) {
            action.accept(m.group(1));
        }
    }

    private static String topic(Map<String, String> constants, String constant, String where) {
        String topic = constants.get(constant);
        if (topic == null) {
            throw new IllegalStateException(where + " uses Topics." + constant + ", which event-contracts' Topics does not have");
        }
        return topic;
    }

    /** A string literal, or the value of a {@code static final String} constant of the same file. */
    private static String stringValue(String code, String literalOrConstant, String where) {
        if (literalOrConstant.startsWith("\"")) {
            return literalOrConstant.substring(1, literalOrConstant.length() - 1);
        }
        Matcher m = Pattern.compile("static\\s+final\\s+String\\s+" + Pattern.quote(literalOrConstant) + "\\s*=\\s*\"([^\"]+)\"")
                .matcher(code);
        if (!m.find()) {
            throw new IllegalStateException(where + ": cannot resolve the consumer group " + literalOrConstant);
        }
        return m.group(1);
    }

    private static List<Path> javaSources(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
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
