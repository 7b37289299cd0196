package dev.daff.console;

import java.net.URI;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.security.Authenticated;

/**
 * How this console signs people in. In production, {@code /sign-in/oidc} starts the OpenID Connect authorization-code
 * flow (quarkus-oidc, a web-app tenant): the provider signs the person in, the console keeps the tokens in its
 * encrypted session cookie and puts the access token on every forwarded call, so no token reaches the page's script.
 */
@Path("/sign-in")
public class SignInResource {

    private final boolean oidc;
    private final ConsoleConfig config;

    public SignInResource(@ConfigProperty(name = "quarkus.oidc.tenant-enabled") boolean oidc, ConsoleConfig config) {
        this.oidc = oidc;
        this.config = config;
    }

    /** What the sign-in page may offer: the provider's sign-in, the local role picker, or neither (paste a token). */
    @GET
    @Path("options")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Boolean> options() {
        return Map.of("oidc", oidc, "devTokens", config.devTokensFile().isPresent());
    }

    /**
     * Where quarkus-oidc sends a request whose session the provider no longer renews
     * ({@code quarkus.oidc.authentication.session-expired-path}), its cookie removed: a page load goes on to the sign-in
     * page, which says why; the page's own calls get 401 problem+json saying so, for the page to do the same.
     */
    @GET
    @Path("expired")
    public Response expired(@Context HttpHeaders headers) {
        boolean pageLoad = headers.getAcceptableMediaTypes().stream()
                .anyMatch(type -> type.isCompatible(MediaType.TEXT_HTML_TYPE) && !type.isWildcardType());
        if (pageLoad) {
            return Response.seeOther(URI.create("/#/session-ended")).build();
        }
        return Problems.answer(401, "session-ended", "Your session has ended",
                "Your session with your organisation's account has ended: sign in again.");
    }

    /** Reached once the provider has signed the person in (quarkus-oidc redirects here first when there is no session). */
    @GET
    @Path("oidc")
    @Authenticated
    public Response oidc() {
        return Response.seeOther(URI.create("/#/signed-in")).build();
    }
}
