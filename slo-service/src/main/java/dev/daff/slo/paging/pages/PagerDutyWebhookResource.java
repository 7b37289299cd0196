package dev.daff.slo.paging.pages;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.extensions.Extension;

import dev.daff.slo.paging.pages.PagerDutyWebhooks.Outcome;

/**
 * PagerDuty's V3 webhook subscription posts here. PagerDuty cannot present daff's bearer tokens, so the request is
 * authenticated by its signature instead ({@link PagerDutyWebhooks}); the OpenAPI extension tells the security walker.
 */
@Path("/api/integrations/pagerduty")
public class PagerDutyWebhookResource {

    private final PagerDutyWebhooks webhooks;

    public PagerDutyWebhookResource(PagerDutyWebhooks webhooks) {
        this.webhooks = webhooks;
    }

    @PermitAll
    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Extension(name = "x-daff-authentication", value = "signature")
    public Outcome receive(byte[] body, @HeaderParam("X-PagerDuty-Signature") String signature) {
        return webhooks.receive(body, signature);
    }
}
