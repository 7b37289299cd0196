package dev.daff.console;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real HTTP server standing in for slo-, incident- and action-service at once (under {@code /slo}, {@code /incident}
 * and {@code /action}): each test says what a path answers ({@link #on}); anything else is 404 problem+json. Every
 * call is recorded as the service received it. Calls are answered in parallel, so one answer may be slow.
 */
public class StandInServices implements QuarkusTestResourceLifecycleManager {

    /** One call as a service received it; {@code path} is what follows {@code /api/}, decoded. */
    public record Call(String service, String method, String path, Map<String, String> query, String authorization,
            String body) {
    }

    /** What a service answers. */
    public record Reply(int status, String contentType, String body, Map<String, String> headers, Duration delay) {

        static Reply json(Object body) {
            return json(200, body);
        }

        static Reply json(int status, Object body) {
            try {
                return new Reply(status, status < 400 ? "application/json" : "application/problem+json",
                        JSON.writeValueAsString(body), Map.of(), Duration.ZERO);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(e);
            }
        }

        static Reply problem(int status, String detail) {
            return json(status, Map.of("type", "https://daff.dev/problems/test", "title", "Refused", "status", status,
                    "detail", detail));
        }

        static Reply text(int status, String contentType, String body) {
            return new Reply(status, contentType, body, Map.of(), Duration.ZERO);
        }

        Reply withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Reply(status, contentType, body, more, delay);
        }

        Reply after(Duration wait) {
            return new Reply(status, contentType, body, headers, wait);
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<Call> CALLS = new CopyOnWriteArrayList<>();
    private static final Map<String, Function<Call, Reply>> ROUTES = new ConcurrentHashMap<>();

    private HttpServer server;
    private ExecutorService threads;

    /** From now on, {@code method /api/path} of {@code service} ("slo", "incident", "action") answers so. */
    static void on(String service, String method, String path, Function<Call, Reply> answer) {
        ROUTES.put(service + " " + method + " " + path, answer);
    }

    /** Forgets every route and call. */
    static void reset() {
        ROUTES.clear();
        CALLS.clear();
    }

    /** The calls a service received for a path. */
    static List<Call> calls(String service, String path) {
        return CALLS.stream().filter(c -> c.service().equals(service) && c.path().equals(path)).toList();
    }

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen for the stand-in services", e);
        }
        threads = Executors.newCachedThreadPool();
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            String[] parts = exchange.getRequestURI().getPath().split("/api/", 2);
            Call call = new Call(parts[0].replace("/", ""), exchange.getRequestMethod(), parts.length > 1 ? parts[1] : "",
                    query(exchange.getRequestURI().getRawQuery()), exchange.getRequestHeaders().getFirst("Authorization"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            CALLS.add(call);
            Function<Call, Reply> route = ROUTES.get(call.service() + " " + call.method() + " " + call.path());
            Reply reply = route == null ? Reply.problem(404, "No stand-in for " + call.method() + " " + call.path())
                    : route.apply(call);
            try {
                Thread.sleep(reply.delay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", reply.contentType());
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        return Map.of("daff.console.slo-url", base + "/slo", "daff.console.incident-url", base + "/incident",
                "daff.console.action-url", base + "/action");
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return query;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
            threads.shutdownNow();
        }
    }
}
