package dev.daff.console;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
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
     * The raw (still percent-encoded) path after {@code /api/} when it is one the public Ingress routes too: not the
     * admin endpoints nor the audit log, which stay behind {@code kubectl port-forward}, and nothing that climbs out of
     * {@code /api}. Every segment is judged decoded, as the service will route it: a {@code .} or {@code ..} segment
     * (the service's router removes them, so {@code ./admin} would reach {@code admin}), an empty one, an encoded
     * slash, a semicolon or a malformed escape is refused. The semicolon, even escaped: with a literal one elsewhere in
     * the path, Quarkus REST rebuilds the request path with {@code admin%3B} decoded to {@code admin;}, and the
     * service's router drops {@code ;} and what follows it in a segment before it matches, reaching {@code admin}.
     */
    static Optional<String> publicPath(String rawPath) {
        String[] segments = rawPath.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String segment = decoded(segments[i]).orElse(null);
            if (segment == null || segment.isEmpty() || segment.equals(".") || segment.equals("..")
                    || segment.contains("/") || segment.contains("\\") || segment.contains(";")) {
                return Optional.empty();
            }
            String lower = segment.toLowerCase(Locale.ROOT);
            if (i == 0 && (lower.equals("admin") || lower.equals("audit"))) {
                return Optional.empty();
            }
        }
        return Optional.of(rawPath);
    }

    private static Optional<String> decoded(String rawSegment) {
        try {
            // URLDecoder reads '+' as a space (form encoding); in a path it is a plus.
            return Optional.of(URLDecoder.decode(rawSegment.replace("+", "%2B"), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }

    /**
     * A service's {@code Location} as the console's own path to it ({@code /api/slo/slos/x}), or null (left out) when it
     * is not under the service's {@code /api}: Quarkus makes a relative location absolute from the request's host, and
     * passed on as it was it named the service's address inside the cluster, which the browser cannot reach.
     */
    static String consoleLocation(String service, String location) {
        try {
            URI uri = new URI(location);
            String path = uri.getRawPath();
            return path == null || !path.startsWith("/api/") ? null
                    : "/api/" + service + path.substring("/api".length()) + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        } catch (java.net.URISyntaxException e) {
            return null;
        }
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

    /** {@code rawPath} is what follows {@code /api/}, still percent-encoded; {@code query} the raw query or null. */
    public Answer forward(URI base, String method, String rawPath, String query, Map<String, String> headers,
            byte[] body) throws IOException, InterruptedException {
        String target = base.toString().replaceAll("/+$", "") + "/api/" + rawPath + (query == null ? "" : "?" + query);
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
