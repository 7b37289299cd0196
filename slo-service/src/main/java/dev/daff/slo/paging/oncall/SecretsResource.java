package dev.daff.slo.paging.oncall;

import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.daff.kit.audit.AuditTrail;
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
    private final AuditTrail audit;

    public SecretsResource(SecretRotation rotation, AuditTrail audit) {
        this.rotation = rotation;
        this.audit = audit;
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
        // Resealing runs in batches of their own transactions: one audit entry for the act, listing every row resealed.
        return audit.asOne("channel_secrets", rotation.currentKey(), "re-encrypt", rotation::reseal);
    }
}
