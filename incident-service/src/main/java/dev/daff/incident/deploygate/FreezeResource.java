package dev.daff.incident.deploygate;

import java.net.URI;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.daff.incident.deploygate.DeployGateApi.FreezeRequest;
import dev.daff.incident.deploygate.DeployGateApi.FreezeView;
import dev.daff.incident.timeline.Actor;
import dev.daff.kit.security.CurrentActor;
import dev.daff.kit.security.Roles;

/** Freeze windows in which the deploy gate blocks the services they name, or all. */
@Path("/api/freezes")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class FreezeResource {

    private final FreezeService freezes;
    private final CurrentActor actor;

    public FreezeResource(FreezeService freezes, CurrentActor actor) {
        this.freezes = freezes;
        this.actor = actor;
    }

    /** Makes the freeze named by {@code id}, or replaces it: 201 when new, 200 when replaced. */
    @RolesAllowed(Roles.ADMIN)
    @PUT
    public Response put(FreezeRequest request) {
        boolean created = freezes.put(request, new Actor(actor.subject(), actor.displayName()));
        return created ? Response.created(URI.create("/api/freezes/" + request.id())).build() : Response.ok().build();
    }

    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN, Roles.INGEST })
    @GET
    public List<FreezeView> notOver() {
        return freezes.notOver();
    }

    /** One freeze, where the PUT's {@code Location} points; over or not. */
    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN, Roles.INGEST })
    @GET
    @Path("/{id}")
    public FreezeView get(@PathParam("id") String id) {
        return freezes.get(id);
    }

    @RolesAllowed(Roles.ADMIN)
    @DELETE
    @Path("/{id}")
    public Response lift(@PathParam("id") String id) {
        freezes.lift(id);
        return Response.noContent().build();
    }
}
