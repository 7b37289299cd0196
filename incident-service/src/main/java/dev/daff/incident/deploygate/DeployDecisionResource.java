package dev.daff.incident.deploygate;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.daff.incident.deploygate.DeployGateApi.DecisionRequest;
import dev.daff.incident.deploygate.DeployGateApi.DecisionView;
import dev.daff.incident.deploygate.DeployGateApi.OverrideRequest;
import dev.daff.incident.timeline.Actor;
import dev.daff.kit.problem.ProblemException;
import dev.daff.kit.security.CurrentActor;
import dev.daff.kit.security.Roles;

/** "May I deploy now?" for CI/CD pipelines: ALLOW, WARN or BLOCK with the reasons, every answer kept. */
@Path("/api/deploy-decisions")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class DeployDecisionResource {

    private final DeployGate gate;
    private final CurrentActor actor;

    public DeployDecisionResource(DeployGate gate, CurrentActor actor) {
        this.gate = gate;
        this.actor = actor;
    }

    @RolesAllowed({ Roles.INGEST, Roles.ADMIN })
    @POST
    public Response decide(DecisionRequest request) {
        DecisionView decision = gate.decide(request, caller());
        return Response.created(URI.create("/api/deploy-decisions/" + decision.decisionId())).entity(decision).build();
    }

    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN, Roles.INGEST })
    @GET
    public List<DecisionView> list(@QueryParam("service") String service, @QueryParam("limit") String limit) {
        return gate.list(service, limit(limit));
    }

    /** One decision, where the POST's {@code Location} points: a pipeline reads whether it was overridden since. */
    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN, Roles.INGEST })
    @GET
    @Path("/{id}")
    public DecisionView get(@PathParam("id") UUID id) {
        return gate.get(id);
    }

    /** Ship anyway: an admin token and a reason, recorded on the decision. */
    @RolesAllowed(Roles.ADMIN)
    @POST
    @Path("/{id}/override")
    public DecisionView override(@PathParam("id") UUID id, OverrideRequest request) {
        return gate.override(id, request == null ? null : request.reason(), caller());
    }

    private static int limit(String limit) {
        if (limit == null) {
            return 50;
        }
        try {
            int value = Integer.parseInt(limit);
            if (value >= 1 && value <= 200) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemException.invalidField("limit", "must be a whole number from 1 to 200");
    }

    private Actor caller() {
        return new Actor(actor.subject(), actor.displayName());
    }
}
