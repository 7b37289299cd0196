package dev.daff.console;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Forwards one call to a service's public API as it came: method, path under {@code /api}, query, body,
 * {@code Authorization}, {@code Content-Type} and {@code Idempotency-Key}; answers the service's status, body and the
 * headers a page needs. The console adds no authority of its own: the service checks the caller's token.
 */
@ApplicationScoped
public class Upstream {

    /** The answer headers passed back. */
    static final List<String> ANSWER_HEADERS = List.of("Content-Type", "Location", "X-Next-Cursor", "Link", "Retry-After");
    private static final List<String> REQUEST_HEADERS = List.of("Authorization", "Content-Type", "Idempotency-Key",
            "Accept");

    /** A service's answer. */
    public record Answer(int status, byte[] body, Map<String, String> headers) {
    }

    private final ConsoleConfig config;
    private final HttpClient http;

    public Upstream(ConsoleConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(config.upstreamTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * Whether a path (after {@code /api/}) is one the public Ingress routes too: not the admin endpoints nor the audit
     * log, which stay behind {@code kubectl port-forward}, and nothing that climbs out of {@code /api}.
     */
    static boolean isPublic(String path) {
        String lower = path.toLowerCase(java.util.Locale.ROOT);
        return !lower.contains("..") && !lower.contains("%2e") && !lower.contains("%2f") && !lower.startsWith("admin")
                && !lower.startsWith("audit") && !lower.startsWith("/");
    }

    /** The base URL of "slo", "incident" or "action"; empty for anything else. */
    Optional<URI> base(String service) {
        return switch (service) {
            case "slo" -> Optional.of(config.sloUrl());
            case "incident" -> Optional.of(config.incidentUrl());
            case "action" -> Optional.of(config.actionUrl());
            default -> Optional.empty();
        };
    }

    /** {@code path} is what follows {@code /api/}; {@code query} the raw query string or null. */
    public Answer forward(URI base, String method, String path, String query, Map<String, String> headers, byte[] body)
            throws IOException, InterruptedException {
        String target = base.toString().replaceAll("/+$", "") + "/api/" + path + (query == null ? "" : "?" + query);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target)).timeout(config.upstreamTimeout())
                .method(method, body == null || body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (String name : REQUEST_HEADERS) {
            String value = headers.get(name);
            if (value != null) {
                request.header(name, value);
            }
        }
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        Map<String, String> answerHeaders = new java.util.LinkedHashMap<>();
        for (String name : ANSWER_HEADERS) {
            response.headers().firstValue(name).ifPresent(value -> answerHeaders.put(name, value));
        }
        return new Answer(response.statusCode(), response.body(), answerHeaders);
    }
}
