package dev.daff.localinfra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server standing in for PagerDuty, Slack or a team's webhook: it records every request and
 * answers with scripted status codes per path (200 when nothing is scripted).
 */
public final class RecordingReceiver implements AutoCloseable {

    /** One request as received. */
    public record Received(Instant at, String path, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(entry -> entry.getKey().equalsIgnoreCase(name))
                    .map(entry -> entry.getValue().get(0)).findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Integer>> scripts = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> answerHeaders = new ConcurrentHashMap<>();
    private volatile java.util.function.Consumer<Received> listener = received -> {
    };

    private RecordingReceiver(HttpServer server) {
        this.server = server;
    }

    public static RecordingReceiver start() {
        // The JDK server writes headers and body separately; without TCP_NODELAY each answer waits ~40 ms for a
        // delayed ACK, which would measure the stand-in instead of daff.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            RecordingReceiver receiver = new RecordingReceiver(server);
            server.createContext("/", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String path = exchange.getRequestURI().getPath();
                Received request = new Received(Instant.now(), path, Map.copyOf(exchange.getRequestHeaders()), body);
                receiver.received.add(request);
                receiver.listener.accept(request);
                Deque<Integer> script = receiver.scripts.get(path);
                Integer scripted = script == null ? null : script.pollFirst();
                int status = scripted == null ? 200 : scripted;
                byte[] answer = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                receiver.answerHeaders.getOrDefault(path, Map.of()).forEach(exchange.getResponseHeaders()::add);
                exchange.sendResponseHeaders(status, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
            });
            server.setExecutor(Executors.newFixedThreadPool(4));
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url(String path) {
        return "http://localhost:" + server.getAddress().getPort() + path;
    }

    /** Called with every request as it arrives (the demo prints pages this way). */
    public void onReceive(java.util.function.Consumer<Received> listener) {
        this.listener = listener;
    }

    /** The next requests to {@code path} are answered with these statuses, in order. */
    public void script(String path, Integer... statuses) {
        scripts.computeIfAbsent(path, p -> new ArrayDeque<>()).addAll(List.of(statuses));
    }

    /** Every answer to {@code path} from now on carries this header (a rate limit's {@code Retry-After}, say). */
    public void answerHeader(String path, String name, String value) {
        answerHeaders.computeIfAbsent(path, p -> new ConcurrentHashMap<>()).put(name, value);
    }

    public List<Received> received(Predicate<Received> which) {
        return received.stream().filter(which).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
