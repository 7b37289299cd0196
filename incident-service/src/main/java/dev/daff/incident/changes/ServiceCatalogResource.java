package dev.daff.incident.changes;

import java.net.URI;
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
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.RestResponse;

import dev.daff.incident.changes.ChangesApi.PutService;
import dev.daff.incident.changes.ChangesApi.ServiceView;
import dev.daff.incident.timeline.Actor;
import dev.daff.kit.listing.NextPage;
import dev.daff.kit.listing.PageRequest;
import dev.daff.kit.security.CurrentActor;
import dev.daff.kit.security.Roles;

@Path("/api/services")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ServiceCatalogResource {

    private final CatalogService changes;
    private final CurrentActor actor;

    public ServiceCatalogResource(CatalogService changes, CurrentActor actor) {
        this.changes = changes;
        this.actor = actor;
    }

    @RolesAllowed({ Roles.ADMIN })
    @PUT
    @Path("{name}")
    public Response put(@PathParam("name") String name, PutService request) {
        boolean created = changes.putService(name, request, caller());
        ServiceView view = changes.service(name);
        return created ? Response.created(URI.create("/api/services/" + name)).entity(view).build()
                : Response.ok(view).build();
    }

    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    @GET
    public RestResponse<List<ServiceView>> list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor,
            @Context UriInfo uri) {
        boolean admin = actor.hasRole(Roles.ADMIN);
        return NextPage.answer(changes.services(PageRequest.of(limit, cursor)).map(view -> admin ? view : view.hookMasked()),
                uri);
    }

    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    @GET
    @Path("{name}")
    public ServiceView get(@PathParam("name") String name) {
        ServiceView view = changes.service(name);
        return actor.hasRole(Roles.ADMIN) ? view : view.hookMasked();
    }

    private Actor caller() {
        return new Actor(actor.subject(), actor.displayName());
    }
}
