package dev.daff.slo.paging.report;

import java.time.Instant;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.daff.kit.security.Roles;

@Path("/api/teams/{team}/paging-report")
@Produces(MediaType.APPLICATION_JSON)
public class PagingReportResource {

    private final PagingReportService reports;

    public PagingReportResource(PagingReportService reports) {
        this.reports = reports;
    }

    @GET
    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    public PagingReport report(@PathParam("team") String team, @QueryParam("from") Instant from,
            @QueryParam("to") Instant to) {
        return reports.report(team, from, to);
    }
}
