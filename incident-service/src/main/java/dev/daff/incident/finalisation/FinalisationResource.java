package dev.daff.incident.finalisation;

import java.net.URI;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.daff.incident.finalisation.FinalisationApi.FinalisationView;
import dev.daff.incident.finalisation.FinalisationApi.Waiver;
import dev.daff.incident.finalisation.FinalisationApi.WaiverApproval;
import dev.daff.incident.timeline.Actor;
import dev.daff.kit.security.CurrentActor;
import dev.daff.kit.security.Roles;

/** Whether an incident may be finalised, and waivers for when it may anyway. */
@Path("/api/incidents/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class FinalisationResource {

    private final FinalisationService finalisation;
    private final CurrentActor actor;

    public FinalisationResource(FinalisationService finalisation, CurrentActor actor) {
        this.finalisation = finalisation;
        this.actor = actor;
    }

    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    @GET
    @Path("finalisation")
    public FinalisationView checklist(@PathParam("id") UUID id) {
        return finalisation.checklist(id);
    }

    @RolesAllowed({ Roles.RESPONDER, Roles.ADMIN })
    @POST
    @Path("finalisation-waiver")
    public Response proposeWaiver(@PathParam("id") UUID id, Waiver waiver) {
        FinalisationView view = finalisation.proposeWaiver(id, waiver, caller(), actor.hasRole(Roles.ADMIN));
        return Response.created(URI.create("/api/incidents/" + id + "/finalisation")).entity(view).build();
    }

    @RolesAllowed({ Roles.RESPONDER, Roles.ADMIN })
    @POST
    @Path("finalisation-waiver/approval")
    @Consumes(MediaType.APPLICATION_JSON)
    public FinalisationView approveWaiver(@PathParam("id") UUID id, @NotNull @Valid WaiverApproval approval) {
        return finalisation.approveWaiver(id, approval.reason(), caller());
    }

    private Actor caller() {
        return new Actor(actor.subject(), actor.displayName());
    }
}
