package dev.daff.action.report;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.daff.action.report.TeamReportApi.TeamReport;
import dev.daff.kit.security.Roles;

@Path("/api/teams/{team}/actions/report")
@Produces(MediaType.APPLICATION_JSON)
public class TeamReportResource {

    private final TeamReportService reports;

    public TeamReportResource(TeamReportService reports) {
        this.reports = reports;
    }

    /** How the team's follow-up actions stand; see {@link TeamReport} for what each number means. */
    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    @GET
    public TeamReport report(@PathParam("team") @Size(max = 100) String team) {
        return reports.report(team);
    }
}
