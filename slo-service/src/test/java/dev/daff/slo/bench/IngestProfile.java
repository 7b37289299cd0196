package dev.daff.slo.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads the service's JFR recording of the ingest runs ({@code jdk.ExecutionSample}): where the CPU samples are,
 * by thread, by the package of the top frame (self time), by the hottest methods, and by what a sample's stack
 * passes through (inclusive: JSON, Kafka client, JDBC, Hibernate, transactions, daff's own code).
 */
final class IngestProfile {

    private IngestProfile() {
    }

    /** Summarises the samples taken from {@code from} on (the warm-up before it is left out). */
    static void summarise(Path recording, java.time.Instant from, Path out) throws Exception {
        Map<String, Integer> threads = new HashMap<>();
        Map<String, Integer> selfPackage = new HashMap<>();
        Map<String, Integer> selfMethod = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> consumerInclusive = new HashMap<>();
        int samples = 0;
        int consumerSamples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStartTime().isBefore(from)) {
                continue;
            }
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            String thread = event.getThread("sampledThread") == null ? "?" : event.getThread("sampledThread").getJavaName();
            String threadGroup = thread == null ? "?" : thread.replaceAll("[-#]?\\d+$", "").replaceAll("\\d+", "N");
            threads.merge(threadGroup, 1, Integer::sum);
            RecordedFrame top = stack.getFrames().get(0);
            String type = top.getMethod().getType().getName();
            selfPackage.merge(packageOf(type), 1, Integer::sum);
            selfMethod.merge(type + "." + top.getMethod().getName(), 1, Integer::sum);
            boolean consumer = "daff-sli-consumer".equals(thread);
            if (consumer) {
                consumerSamples++;
            }
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (RecordedFrame frame : stack.getFrames()) {
                String name = frame.getMethod().getType().getName();
                String category = category(name, frame.getMethod().getName());
                if (category != null && seen.add(category)) {
                    inclusive.merge(category, 1, Integer::sum);
                    if (consumer) {
                        consumerInclusive.merge(category, 1, Integer::sum);
                    }
                }
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add("JFR " + recording + ": " + samples + " execution samples (" + consumerSamples + " on daff-sli-consumer)");
        section(lines, "by thread", threads, samples, 12);
        section(lines, "self time by package of the top frame", selfPackage, samples, 15);
        section(lines, "self time by method", selfMethod, samples, 25);
        section(lines, "inclusive (a sample counted once per category on its stack)", inclusive, samples, 20);
        section(lines, "inclusive, daff-sli-consumer thread only", consumerInclusive, consumerSamples, 20);
        Files.write(out, lines);
        lines.forEach(System.out::println);
    }

    private static void section(List<String> lines, String title, Map<String, Integer> counts, int samples, int top) {
        lines.add("-- " + title);
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())).limit(top)
                .forEach(e -> lines.add(String.format(java.util.Locale.ROOT, "%6.1f %%  %6d  %s",
                        100.0 * e.getValue() / Math.max(1, samples), e.getValue(), e.getKey())));
    }

    private static String packageOf(String type) {
        String[] parts = type.split("\\.");
        return parts.length <= 3 ? type : String.join(".", parts[0], parts[1], parts[2]);
    }

    private static String category(String type, String method) {
        if (type.startsWith("com.fasterxml.jackson")) {
            return "JSON (Jackson)";
        }
        if (type.startsWith("org.postgresql")) {
            return "JDBC (PostgreSQL driver)";
        }
        if (type.startsWith("org.hibernate")) {
            return "Hibernate ORM";
        }
        if (type.startsWith("com.arjuna") || type.startsWith("io.quarkus.narayana")) {
            return "JTA transactions (Narayana)";
        }
        if (type.startsWith("io.agroal")) {
            return "connection pool (Agroal)";
        }
        if (type.startsWith("org.apache.kafka.clients.consumer")) {
            return "Kafka consumer client";
        }
        if (type.startsWith("org.apache.kafka.clients.producer")) {
            return "Kafka producer client";
        }
        if (type.startsWith("org.apache.kafka.common.record") || type.startsWith("org.apache.kafka.common.compress")) {
            return "Kafka record (de)coding";
        }
        if (type.startsWith("io.vertx") || type.startsWith("io.netty")) {
            return "HTTP server (Vert.x/Netty)";
        }
        if (type.startsWith("org.jboss.resteasy.reactive") || type.startsWith("io.quarkus.resteasy.reactive")) {
            return "REST layer (Quarkus REST)";
        }
        if (type.startsWith("io.smallrye.jwt") || type.startsWith("org.jose4j")) {
            return "JWT verification";
        }
        if (type.startsWith("org.hibernate.validator")) {
            return "Bean Validation";
        }
        if (type.startsWith("java.util.UUID") || (type.equals("java.security.SecureRandom"))) {
            return "UUID / SecureRandom";
        }
        if (type.startsWith("java.time.format") || type.equals("java.time.Instant") && method.startsWith("parse")) {
            return "java.time parsing/formatting";
        }
        if (type.startsWith("dev.daff.slo.ingest.")) {
            return "daff " + type.substring("dev.daff.slo.".length()) + "." + method;
        }
        if (type.startsWith("dev.daff.slo.evaluation") || type.startsWith("dev.daff.slo.burn")) {
            return "daff evaluation (" + type.substring(type.lastIndexOf('.') + 1) + ")";
        }
        return null;
    }
}
