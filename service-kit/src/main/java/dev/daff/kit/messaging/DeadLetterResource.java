package dev.daff.kit.messaging;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.daff.kit.security.Roles;

/** What waits on this service's dead-letter topics, and the replay an operator runs after fixing the cause. */
@Path("/api/admin/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {

    private final DeadLetters deadLetters;

    public DeadLetterResource(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    @GET
    @RolesAllowed(Roles.ADMIN)
    public List<DeadLetters.Depth> depths() {
        return deadLetters.depths();
    }

    @POST
    @Path("/{topic}/replay")
    @RolesAllowed(Roles.ADMIN)
    public DeadLetters.Replayed replay(@PathParam("topic") String topic, @QueryParam("max") @DefaultValue("1000") int max) {
        return deadLetters.replay(topic, max);
    }
}
