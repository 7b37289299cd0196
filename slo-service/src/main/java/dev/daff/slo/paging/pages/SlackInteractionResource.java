package dev.daff.slo.paging.pages;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.extensions.Extension;

import dev.daff.slo.paging.pages.SlackInteractions.Reply;

/**
 * Slack's interactivity request URL: the page's buttons post here. Slack cannot present daff's bearer tokens, so the
 * request is authenticated by its signature ({@link SlackInteractions}); the OpenAPI extension tells the security
 * walker. The body is read raw: the signature covers the exact bytes Slack sent.
 */
@Path("/api/integrations/slack")
public class SlackInteractionResource {

    private final SlackInteractions interactions;

    public SlackInteractionResource(SlackInteractions interactions) {
        this.interactions = interactions;
    }

    @PermitAll
    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Extension(name = "x-daff-authentication", value = "signature")
    public Reply receive(byte[] body, @HeaderParam("X-Slack-Request-Timestamp") String timestamp,
            @HeaderParam("X-Slack-Signature") String signature) {
        return interactions.receive(body, timestamp, signature);
    }
}
