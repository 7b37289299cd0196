package dev.daff.slo.paging.oncall;

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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.RestResponse;

import dev.daff.kit.problem.ProblemException;
import dev.daff.kit.security.Roles;
import dev.daff.kit.listing.NextPage;
import dev.daff.kit.listing.PageRequest;

@Path("/api/teams")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TeamResource {

    private final TeamService teams;
    private final Clock clock;

    public TeamResource(TeamService teams, Clock clock) {
        this.teams = teams;
        this.clock = clock;
    }

    @PUT
    @Path("{team}")
    @RolesAllowed(Roles.ADMIN)
    public TeamDefinition put(@PathParam("team") String team, TeamDefinition definition) {
        return teams.put(team, definition);
    }

    /** Team names in order, {@code limit} at a time; {@code X-Next-Cursor} names the next page's {@code cursor}. */
    @GET
    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    public RestResponse<List<String>> list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor,
            @Context UriInfo uri) {
        return NextPage.answer(teams.names(PageRequest.of(limit, cursor)), uri);
    }

    @GET
    @Path("{team}")
    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    public TeamDefinition get(@PathParam("team") String team, @Context SecurityContext caller) {
        boolean admin = caller.isUserInRole(Roles.ADMIN);
        return teams.definition(team).map(definition -> definition.masked(admin))
                .orElseThrow(() -> ProblemException.notFound("team", team));
    }

    @GET
    @Path("{team}/oncall")
    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    public OnCall onCall(@PathParam("team") String team, @QueryParam("at") Instant at) {
        return teams.onCall(team, at == null ? clock.instant() : at);
    }
}
