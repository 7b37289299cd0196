package dev.daff.slo.paging;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.daff.kit.problem.ProblemException;
import dev.daff.kit.security.Roles;

@Path("/api/teams")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TeamResource {

    private final Teams teams;
    private final Clock clock;

    public TeamResource(Teams teams, Clock clock) {
        this.teams = teams;
        this.clock = clock;
    }

    @PUT
    @Path("{team}")
    @RolesAllowed(Roles.ADMIN)
    public TeamDefinition put(@PathParam("team") String team, TeamDefinition definition) {
        return teams.put(team, definition);
    }

    @GET
    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    public List<String> list() {
        return teams.names();
    }

    @GET
    @Path("{team}")
    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    public TeamDefinition get(@PathParam("team") String team) {
        return teams.definition(team).map(TeamDefinition::masked).orElseThrow(() -> ProblemException.notFound("team", team));
    }

    @GET
    @Path("{team}/oncall")
    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    public OnCall onCall(@PathParam("team") String team, @QueryParam("at") Instant at) {
        return teams.onCall(team, at == null ? clock.instant() : at);
    }
}
