package dev.daff.slo.evaluation;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.RestResponse;

import dev.daff.kit.listing.NextPage;
import dev.daff.kit.listing.PageRequest;
import dev.daff.kit.security.Roles;
import dev.daff.slo.evaluation.AlertApi.AlertView;

/** TICKET alerts page nobody: they are work for the team's queue, listed here. */
@Path("/api/tickets")
@Produces(MediaType.APPLICATION_JSON)
public class TicketResource {

    private final AlertQueries alerts;

    public TicketResource(AlertQueries alerts) {
        this.alerts = alerts;
    }

    /** Newest first, {@code limit} at a time; {@code X-Next-Cursor} names the next page's {@code cursor}. */
    @GET
    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    public RestResponse<List<AlertView>> list(@QueryParam("state") @DefaultValue("firing") String state,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor, @Context UriInfo uri) {
        return NextPage.answer(alerts.list(state, null, "TICKET", PageRequest.of(limit, cursor)), uri);
    }
}
