package dev.daff.slo.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of the processes sharing this machine during a run, from {@code /proc/<pid>/stat}: PostgreSQL (all its
 * processes), the packaged slo-service replicas, and this JVM (the broker runs in it, and the load generator). It
 * says where the two cores went while the service counted — what a JFR profile of the service alone cannot.
 */
final class ProcessCpu {

    /** Clock ticks per second of {@code utime}/{@code stime}; 100 on Linux on x86 and arm64. */
    private static final double TICKS_PER_SECOND = 100.0;
    private static final long SELF = ProcessHandle.current().pid();

    private ProcessCpu() {
    }

    /** Seconds of CPU used so far, per kind of process, of the processes alive now. */
    static Map<String, Double> now() {
        Map<String, Double> seconds = new TreeMap<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                String kind = kind(process);
                if (kind != null) {
                    seconds.merge(kind, cpuSeconds(process), Double::sum);
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return seconds;
    }

    /** What was used between two readings, per kind, in seconds. */
    static Map<String, Double> between(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> used = new LinkedHashMap<>();
        after.forEach((kind, seconds) -> used.put(kind, Math.max(0, seconds - before.getOrDefault(kind, 0.0))));
        return used;
    }

    static String describe(Map<String, Double> used, double wallSeconds) {
        StringBuilder text = new StringBuilder();
        double total = 0;
        for (Map.Entry<String, Double> kind : used.entrySet()) {
            text.append(text.isEmpty() ? "" : ", ").append(String.format("%s %.1f s", kind.getKey(), kind.getValue()));
            total += kind.getValue();
        }
        return String.format("CPU over %.1f s: %s; %.0f %% of the 2 cores", wallSeconds, text,
                100 * total / (2 * wallSeconds));
    }

    private static String kind(Path process) {
        try {
            long pid = Long.parseLong(process.getFileName().toString());
            if (pid == SELF) {
                return "benchmark JVM (broker, producer, bare consumer)";
            }
            String command = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8);
            if (command.startsWith("postgres") || command.contains("/bin/postgres")) {
                return "postgres";
            }
            if (command.contains("quarkus-run.jar") && command.contains("slo-service")) {
                return "slo-service";
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null; // gone meanwhile
        }
    }

    /** Seconds of CPU one process has used so far. */
    static double seconds(long pid) {
        return cpuSeconds(Path.of("/proc", String.valueOf(pid)));
    }

    private static double cpuSeconds(Path process) {
        try {
            String stat = Files.readString(process.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state is field 3, utime 14 and stime 15 (1-based, proc(5))
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
