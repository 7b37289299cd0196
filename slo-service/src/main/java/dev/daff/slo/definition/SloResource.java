package dev.daff.slo.definition;

import java.net.URI;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.daff.kit.security.Roles;
import dev.daff.kit.problem.ProblemException;
import dev.daff.slo.definition.SloApi.SloRequest;
import dev.daff.slo.definition.SloApi.SloView;

@Path("/api/slos")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SloResource {

    private final SloService service;

    public SloResource(SloService service) {
        this.service = service;
    }

    @RolesAllowed(Roles.ADMIN)
    @POST
    public Response create(SloRequest request) {
        SloView created = service.create(request);
        return Response.created(URI.create("/api/slos/" + created.name())).entity(created).build();
    }

    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    @GET
    public List<SloView> list() {
        return service.list();
    }

    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    @GET
    @Path("{name}")
    public SloView get(@PathParam("name") String name) {
        return service.find(name).orElseThrow(() -> ProblemException.notFound("SLO", name));
    }

    @RolesAllowed(Roles.ADMIN)
    @PUT
    @Path("{name}")
    public SloView replace(@PathParam("name") String name, SloRequest request) {
        return service.replace(name, request);
    }

    @RolesAllowed(Roles.ADMIN)
    @DELETE
    @Path("{name}")
    public Response delete(@PathParam("name") String name) {
        if (!service.delete(name)) {
            throw ProblemException.notFound("SLO", name);
        }
        return Response.noContent().build();
    }
}
