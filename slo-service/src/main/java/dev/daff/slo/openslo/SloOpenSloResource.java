package dev.daff.slo.openslo;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;

import dev.daff.kit.problem.ProblemException;
import dev.daff.kit.security.Roles;

/** One SLO as an OpenSLO v1 document. */
@Path("/api/slos/{name}/openslo")
public class SloOpenSloResource {

    private final OpenSloService openSlo;

    public SloOpenSloResource(OpenSloService openSlo) {
        this.openSlo = openSlo;
    }

    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    @GET
    @Produces(OpenSloApi.YAML)
    public String export(@PathParam("name") String name) {
        return openSlo.export(name).orElseThrow(() -> ProblemException.notFound("SLO", name));
    }
}
