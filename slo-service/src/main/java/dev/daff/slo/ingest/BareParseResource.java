package dev.daff.slo.ingest;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.daff.kit.security.Roles;
import dev.daff.slo.ingest.SliIngestResource.Accepted;
import dev.daff.slo.ingest.SliIngestResource.Observation;
import io.quarkus.arc.properties.IfBuildProperty;

/**
 * The benchmark's yardstick for HTTP ingest: the same path shape, roles and JSON as {@link SliIngestResource},
 * parsed and answered, nothing validated or stored. Only in a build made with {@code -Pbenchmark}
 * ({@code daff.benchmark.bare-endpoint=true}); production builds do not have it.
 */
@Path("/bench/bare/{name}/events")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@IfBuildProperty(name = "daff.benchmark.bare-endpoint", stringValue = "true")
public class BareParseResource {

    @RolesAllowed({ Roles.INGEST, Roles.ADMIN })
    @POST
    public Response parse(@PathParam("name") String name, @NotNull List<Observation> observations) {
        return Response.accepted(new Accepted(name, observations.size())).build();
    }
}
