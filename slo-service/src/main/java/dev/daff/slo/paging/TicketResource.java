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

import dev.daff.kit.problem.ProblemException;
import dev.daff.kit.security.Roles;
import dev.daff.slo.evaluation.AlertResource;
import dev.daff.slo.evaluation.AlertResource.AlertView;
import dev.daff.slo.evaluation.SloAlerts;

/** TICKET alerts page nobody: they are work for the team's queue, listed here. */
@Path("/api/tickets")
@Produces(MediaType.APPLICATION_JSON)
public class TicketResource {

    private final SloAlerts alerts;

    public TicketResource(SloAlerts alerts) {
        this.alerts = alerts;
    }

    @GET
    @Transactional
    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    public List<AlertView> list(@QueryParam("state") @DefaultValue("firing") String state) {
        if (!state.equals("firing") && !state.equals("all")) {
            throw ProblemException.invalidField("state", "must be firing or all");
        }
        return alerts.list(state.equals("all"), null).stream().filter(alert -> "TICKET".equals(alert.severity))
                .map(AlertResource::view).toList();
    }
}
