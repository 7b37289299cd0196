package dev.daff.slo.ingest;

import java.time.Instant;
import java.util.List;

import jakarta.validation.constraints.NotNull;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.daff.kit.security.Roles;

@Path("/api/slos/{name}/events")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SliIngestResource {

    /** Counts observed at instant {@code at} (default: now). */
    public record Observation(Instant at, long good, long total) {
    }

    /** How many observations were accepted; each is on the ingest topic and will be counted exactly once. */
    public record Accepted(String slo, int accepted) {
    }

    private final SliPublisher publisher;

    public SliIngestResource(SliPublisher publisher) {
        this.publisher = publisher;
    }

    @RolesAllowed({ Roles.INGEST, Roles.ADMIN })
    @POST
    public Response ingest(@PathParam("name") String name, @HeaderParam("Idempotency-Key") String idempotencyKey,
            @NotNull List<Observation> observations) {
        int accepted = publisher.publish(name, observations, idempotencyKey);
        return Response.accepted(new Accepted(name, accepted)).build();
    }
}
