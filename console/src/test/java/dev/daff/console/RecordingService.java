package dev.daff.console;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real HTTP server standing in for slo-service at the edge of the console's world: it records every request it
 * receives (method, raw path and query, the headers the console forwards, the body) and answers 200 with a cursor.
 */
public class RecordingService implements QuarkusTestResourceLifecycleManager {

    /** One request as the service received it. */
    public record Received(String method, String rawPath, String rawQuery, String authorization,
            String idempotencyKey, String body) {
    }

    static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();

    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen for the recording service", e);
        }
        server.createContext("/", exchange -> {
            RECEIVED.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            byte[] answer = "{\"recorded\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("X-Next-Cursor", "next-page");
            exchange.getResponseHeaders().add("Set-Cookie", "upstream=1");
            boolean creates = exchange.getRequestURI().getRawPath().endsWith("/made");
            if (creates) { // as Quarkus answers a create: the location made absolute from the request's host
                exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + server.getAddress().getPort()
                        + exchange.getRequestURI().getRawPath() + "/x%20y?view=full");
            }
            exchange.sendResponseHeaders(creates ? 201 : 200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
        return Map.of("daff.console.slo-url", "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
