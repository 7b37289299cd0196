package dev.daff.slo.paging;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestResponse;

import dev.daff.kit.security.Roles;
import dev.daff.slo.evaluation.AlertResource;
import dev.daff.slo.evaluation.AlertResource.AlertView;
import dev.daff.slo.evaluation.SloAlerts;
import dev.daff.slo.paging.listing.Listing;

/** TICKET alerts page nobody: they are work for the team's queue, listed here. */
@Path("/api/tickets")
@Produces(MediaType.APPLICATION_JSON)
public class TicketResource {

    private final SloAlerts alerts;

    public TicketResource(SloAlerts alerts) {
        this.alerts = alerts;
    }

    /** Newest first, {@code limit} at a time; {@code X-Next-Cursor} names the next page's {@code cursor}. */
    @GET
    @Transactional
    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    public RestResponse<List<AlertView>> list(@QueryParam("state") @DefaultValue("firing") String state,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return AlertResource.list(alerts, state, null, "TICKET", Listing.of(limit, cursor));
    }
}
