package dev.daff.slo.openslo;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.daff.kit.security.Roles;
import dev.daff.slo.openslo.OpenSloApi.ImportResult;

/** SLOs as OpenSLO v1: imported from the files teams keep in git, exported for the tools that read them. */
@Path("/api/openslo")
public class OpenSloResource {

    private final OpenSloService openSlo;

    public OpenSloResource(OpenSloService openSlo) {
        this.openSlo = openSlo;
    }

    /**
     * One or many {@code ---} separated documents; all of them are imported or none. {@code team}: the team of SLOs
     * that name none; {@code dryRun}: say what would be created or changed, store nothing.
     */
    @RolesAllowed(Roles.ADMIN)
    @POST
    @Consumes({ OpenSloApi.YAML, OpenSloApi.TEXT_YAML, OpenSloApi.X_YAML })
    @Produces(MediaType.APPLICATION_JSON)
    public ImportResult importDocuments(String yaml, @QueryParam("team") String team,
            @QueryParam("dryRun") Boolean dryRun) {
        return openSlo.importDocuments(yaml, team == null || team.isBlank() ? null : team, Boolean.TRUE.equals(dryRun));
    }

    /** Every SLO, one document each. */
    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    @GET
    @Produces(OpenSloApi.YAML)
    public String exportAll() {
        return openSlo.exportAll();
    }
}
