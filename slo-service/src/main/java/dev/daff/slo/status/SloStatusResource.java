package dev.daff.slo.status;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.daff.kit.security.Roles;
import dev.daff.slo.status.SloStatusApi.SloStatus;

@Path("/api/slos/{name}/status")
@Produces(MediaType.APPLICATION_JSON)
public class SloStatusResource {

    private final SloStatusService status;

    public SloStatusResource(SloStatusService status) {
        this.status = status;
    }

    @GET
    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    public SloStatus status(@PathParam("name") String name) {
        return status.status(name);
    }
}
