package dev.daff.console;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * {@code /api/slo/**}, {@code /api/incident/**} and {@code /api/action/**}: the page's calls, forwarded to the
 * service's {@code /api/**} with the caller's bearer token (the page's, or the access token of the console's OIDC
 * session), so the browser talks to one origin and needs no CORS.
 */
@Path("/api/{service}/{path: .+}")
public class ApiPassThroughResource {

    /**
     * What the console's page sends with every call. A change that carries no token of its own would be made with the
     * session's: this header, which a form on another site cannot send and a script there could only with the
     * console's CORS consent (none is given), shows the console's own page asked for it.
     */
    static final String CONSOLE_HEADER = "X-Daff-Console";

    private final Upstream upstream;
    private final SecurityIdentity identity;

    public ApiPassThroughResource(Upstream upstream, SecurityIdentity identity) {
        this.upstream = upstream;
        this.identity = identity;
    }

    @GET
    public Response get(@PathParam("service") String service, @Context UriInfo uri, @Context HttpHeaders headers) {
        return forward("GET", service, uri, headers, null);
    }

    @POST
    public Response post(@PathParam("service") String service, @Context UriInfo uri, @Context HttpHeaders headers,
            byte[] body) {
        return forward("POST", service, uri, headers, body);
    }

    @PUT
    public Response put(@PathParam("service") String service, @Context UriInfo uri, @Context HttpHeaders headers,
            byte[] body) {
        return forward("PUT", service, uri, headers, body);
    }

    @PATCH
    public Response patch(@PathParam("service") String service, @Context UriInfo uri, @Context HttpHeaders headers,
            byte[] body) {
        return forward("PATCH", service, uri, headers, body);
    }

    @DELETE
    public Response delete(@PathParam("service") String service, @Context UriInfo uri, @Context HttpHeaders headers) {
        return forward("DELETE", service, uri, headers, null);
    }

    private Response forward(String method, String service, UriInfo uri, HttpHeaders headers, byte[] body) {
        URI base = upstream.base(service).orElse(null);
        // Forwarded as it came, still encoded: decoded, an escaped '?', '#' or space would change the target.
        String requestPath = uri.getRequestUri().getRawPath();
        String rawPath = Upstream.publicPath(requestPath.substring(requestPath.indexOf('/', "/api/".length()) + 1))
                .orElse(null);
        if (base == null || rawPath == null) {
            return Problems.answer(404, "not-found", "No such API", "The console forwards the public APIs under"
                    + " /api/slo, /api/incident and /api/action only.");
        }
        if (!"GET".equals(method) && headers.getHeaderString("Authorization") == null
                && headers.getHeaderString(CONSOLE_HEADER) == null) {
            return Problems.answer(403, "console-header-required", "Not sent by the console", "A change made with the"
                    + " console's sign-in must carry the " + CONSOLE_HEADER + " header, which the console's page sends"
                    + " and a page on another site cannot. Nothing was forwarded.");
        }
        Map<String, String> forwarded = new LinkedHashMap<>();
        headers.getRequestHeaders().forEach((name, values) -> forwarded.put(canonical(name), values.get(0)));
        // Signed in through the provider (production): the session's access token, unless the page sent its own.
        AccessTokenCredential session = identity.getCredential(AccessTokenCredential.class);
        if (session != null && !forwarded.containsKey("Authorization")) {
            forwarded.put("Authorization", "Bearer " + session.getToken());
        }
        try {
            Upstream.Answer answer = upstream.forward(base, method, rawPath, uri.getRequestUri().getRawQuery(),
                    forwarded, body);
            Response.ResponseBuilder response = Response.status(answer.status()).entity(answer.body());
            answer.headers().forEach((name, value) -> response.header(name,
                    name.equals("Location") ? Upstream.consoleLocation(service, value) : value));
            return response.build();
        } catch (HttpTimeoutException e) {
            return Problems.answer(504, "upstream-timeout", "The service did not answer in time", service + "-service"
                    + " did not answer within the console's upstream timeout.");
        } catch (IOException e) {
            return Problems.answer(502, "upstream-unavailable", "The service is not reachable", service + "-service"
                    + " could not be reached from the console.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Problems.answer(503, "shutting-down", "The console is stopping", "Try again.");
        }
    }

    private static String canonical(String name) {
        for (String known : new String[] { "Authorization", "Content-Type", "Idempotency-Key", "Accept" }) {
            if (known.equalsIgnoreCase(name)) {
                return known;
            }
        }
        return name;
    }
}
