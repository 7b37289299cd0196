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
    public DeadLetters.Replayed replay(@PathParam("topic") String topic, @QueryParam("max") @DefaultValue("1000") int max) {
        DeadLetters.Replayed replayed = deadLetters.replay(topic, max);
        // The records go to Kafka, not to this database, so no transaction holds them: the audit entry is written
        // after the sends, in a transaction of its own.
        audit.touchedApart("dead_letter_topic", topic, "replay", List.of("records"));
        return replayed;
    }
}
