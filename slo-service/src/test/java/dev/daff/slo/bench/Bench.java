package dev.daff.slo.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.daff.kit.json.JsonSetup;
import dev.daff.localinfra.FreePorts;
import dev.daff.localinfra.LocalPostgres;
import dev.daff.localinfra.ServiceProcess;

/** What the benchmark parts share: the report, HTTP and SQL helpers, process memory and timing. */
final class Bench {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    /** Reads as the service does ({@link JsonSetup}), so the bare consumer parses the same way. */
    static final ObjectMapper JSON = JsonSetup.apply(new ObjectMapper().findAndRegisterModules())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final List<String> REPORT = new ArrayList<>();

    private Bench() {
    }

    static synchronized void say(String format, Object... args) {
        String line = String.format(Locale.ROOT, format, args);
        REPORT.add(line);
        System.out.println("BENCH " + line);
    }

    static synchronized List<String> report() {
        return List.copyOf(REPORT);
    }

    static String send(String method, String url, String token, String body, int expected) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            if (body != null) {
                request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != expected) {
                throw new IllegalStateException(method + " " + url + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Connection sql(LocalPostgres postgres, String database) throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(database), LocalPostgres.USER, "");
    }

    /** A packaged service of this repository (module beside slo-service), not started yet. */
    static ServiceProcess service(String module, Map<String, String> environment, String logName) {
        Path runner = module.equals("slo-service") ? Path.of("target/quarkus-app/quarkus-run.jar")
                : Path.of("..", module, "target/quarkus-app/quarkus-run.jar");
        return new ServiceProcess(module, runner, FreePorts.pick(), environment, Path.of("target", logName));
    }

    /**
     * For the report, what the service's {@code jvm.options} gives its JVM (without the comments), and what the
     * benchmark added after it.
     */
    static String ownJvmOptions(ServiceProcess service) {
        String own = service.jvmOptionsFile().map(file -> {
            try {
                String options = Files.readAllLines(file).stream().map(line -> line.replaceFirst("#.*", "").strip())
                        .filter(line -> !line.isEmpty()).collect(Collectors.joining(" "));
                return "its own JVM options (jvm.options): " + (options.isEmpty() ? "none" : options);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).orElse("no jvm.options");
        return service.extraJvmOptions().isEmpty() ? own
                : own + ", then the benchmark's " + String.join(" ", service.extraJvmOptions());
    }

    /**
     * Starts the service and answers the milliseconds from starting its JVM to the first {@code /q/health/ready}
     * that answers 200, polled every 20 ms.
     */
    static long startTimed(ServiceProcess service, Duration timeout) {
        long started = System.nanoTime();
        service.start();
        Instant deadline = Instant.now().plus(timeout);
        HttpRequest ready = HttpRequest.newBuilder(URI.create(service.url() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        while (Instant.now().isBefore(deadline)) {
            if (!service.isAlive()) {
                throw new IllegalStateException(service.url() + " exited during start-up");
            }
            try {
                if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return (System.nanoTime() - started) / 1_000_000;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(20);
        }
        throw new IllegalStateException(service.url() + " not ready within " + timeout);
    }

    /** VmRSS (or VmHWM, the peak) of a process, in MiB. */
    static double memoryMiB(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /** Samples VmRSS of some processes every 200 ms until closed; answers the highest seen per process. */
    static final class RssSampler implements AutoCloseable {
        private final long[] pids;
        private final double[] max;
        private final Thread thread;
        private volatile boolean running = true;

        RssSampler(long... pids) {
            this.pids = pids;
            this.max = new double[pids.length];
            this.thread = new Thread(() -> {
                while (running) {
                    for (int i = 0; i < pids.length; i++) {
                        max[i] = Math.max(max[i], memoryMiB(pids[i], "VmRSS"));
                    }
                    sleep(200);
                }
            }, "rss-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        double max(int i) {
            return max[i];
        }

        @Override
        public void close() {
            running = false;
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static String list(double[] values, String format) {
        StringBuilder out = new StringBuilder();
        for (double v : values) {
            out.append(out.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, format, v));
        }
        return out.toString();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static double secondsSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
