package dev.daff.slo.paging.oncall;

import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.daff.kit.security.Roles;

/**
 * Key rotation for channel secrets: how many stored values each key seals, and re-encrypting them all under the
 * current key (README, "Rotating the secrets key"). Admin paths stay off the Ingress.
 */
@Path("/api/admin/secrets")
@Produces(MediaType.APPLICATION_JSON)
public class SecretsResource {

    /** The key that seals new values, and how many stored values each key seals. */
    public record KeyUse(String currentKey, Map<String, Long> byKey) {
    }

    private final SecretRotation rotation;

    public SecretsResource(SecretRotation rotation) {
        this.rotation = rotation;
    }

    @GET
    @RolesAllowed(Roles.ADMIN)
    public KeyUse keys() {
        return new KeyUse(rotation.currentKey(), rotation.counts());
    }

    @POST
    @Path("re-encrypt")
    @RolesAllowed(Roles.ADMIN)
    public SecretRotation.Resealed reEncrypt() {
        return rotation.reseal();
    }
}
