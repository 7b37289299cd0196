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

import dev.daff.kit.audit.AuditTrail;
import dev.daff.kit.problem.ProblemException;
import dev.daff.kit.security.Roles;

/** What waits on this service's dead-letter topics, and the replay an operator runs after fixing the cause. */
@Path("/api/admin/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {

    private final DeadLetters deadLetters;
    private final AuditTrail audit;

    public DeadLetterResource(DeadLetters deadLetters, AuditTrail audit) {
        this.deadLetters = deadLetters;
        this.audit = audit;
    }

    @GET
    @RolesAllowed(Roles.ADMIN)
    public List<DeadLetters.Depth> depths() {
        return deadLetters.depths();
    }

    @POST
    @Path("/{topic}/replay")
    @RolesAllowed(Roles.ADMIN)
    public DeadLetters.Replayed replay(@PathParam("topic") String topic, @QueryParam("max") @DefaultValue("1000") String max) {
        // Read here, not by JAX-RS: a max that is not a number would be its 404, not a 400 naming the parameter.
        if (!max.matches("\\d{1,5}")) {
            throw ProblemException.invalidField("max", "must be a whole number from 1 to " + DeadLetters.MAX_REPLAY);
        }
        DeadLetters.Replayed replayed = deadLetters.replay(topic, Integer.parseInt(max));
        // The records go to Kafka, not to this database, so no transaction holds them: the audit entry is written
        // after the sends, in a transaction of its own.
        audit.touchedApart("dead_letter_topic", topic, "replay", List.of("records"));
        return replayed;
    }
}
