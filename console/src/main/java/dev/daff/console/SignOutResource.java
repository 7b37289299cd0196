package dev.daff.console;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.oidc.IdTokenCredential;
import io.quarkus.oidc.OidcConfigurationMetadata;
import io.quarkus.oidc.OidcSession;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * {@code POST /sign-out}: ends the console's session with the organisation's identity provider. The page forgets a
 * token it holds by itself, but the session lives in the console's cookie: left alone, the next person at a shared
 * screen in the on-call room would act as the last one. The cookie is removed here whatever the provider supports;
 * where its metadata names an end-session endpoint (RP-initiated logout) the answer says where to send the browser
 * so the provider's own session ends too, and it sends the person back to the console.
 */
@Path("/sign-out")
public class SignOutResource {

    private final boolean oidc;
    private final SecurityIdentity identity;
    private final Instance<OidcSession> session;
    private final Instance<OidcConfigurationMetadata> provider;

    public SignOutResource(@ConfigProperty(name = "quarkus.oidc.tenant-enabled") boolean oidc, SecurityIdentity identity,
            Instance<OidcSession> session, Instance<OidcConfigurationMetadata> provider) {
        this.oidc = oidc;
        this.identity = identity;
        this.session = session;
        this.provider = provider;
    }

    /** {@code {}} when there was no session, else {@code {providerSignOut?}}: the provider's end-session address. */
    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> signOut(@Context HttpHeaders headers, @Context UriInfo uri) {
        // A page on another site must not be able to sign people out either (it cannot send this header).
        if (headers.getHeaderString(ApiPassThroughResource.CONSOLE_HEADER) == null) {
            return Uni.createFrom().item(Problems.answer(403, "console-header-required", "Not sent by the console",
                    "Signing out is asked by the console's page, which sends the " + ApiPassThroughResource.CONSOLE_HEADER
                            + " header."));
        }
        IdTokenCredential idToken = oidc ? identity.getCredential(IdTokenCredential.class) : null;
        if (idToken == null) {
            return Uni.createFrom().item(Response.ok(Map.of()).build());
        }
        String endSession = provider.get().getEndSessionUri();
        Map<String, String> answer = endSession == null ? Map.of()
                : Map.of("providerSignOut", endSession + (endSession.contains("?") ? "&" : "?") + "id_token_hint="
                        + encode(idToken.getToken()) + "&post_logout_redirect_uri=" + encode(backHere(uri)));
        return session.get().logout().replaceWith(() -> Response.ok(answer).build());
    }

    /** Where the provider sends the person once signed out: the console's start page, on the address they used. */
    private static String backHere(UriInfo uri) {
        URI request = uri.getRequestUri();
        return request.getScheme() + "://" + request.getRawAuthority() + "/";
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
