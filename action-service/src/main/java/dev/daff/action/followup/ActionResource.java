package dev.daff.action.followup;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.RestResponse;

import dev.daff.action.followup.ActionApi.ActionTransition;
import dev.daff.action.followup.ActionApi.ActionView;
import dev.daff.action.followup.ActionApi.CreateAction;
import dev.daff.action.followup.ActionApi.EditAction;
import dev.daff.action.followup.ActionTypes.Status;
import dev.daff.kit.http.IdempotentCreates;
import dev.daff.kit.http.IdempotentCreates.Made;
import dev.daff.kit.listing.NextPage;
import dev.daff.kit.listing.PageRequest;
import dev.daff.kit.problem.ProblemException;
import dev.daff.kit.security.CurrentActor;
import dev.daff.kit.security.Roles;

@Path("/api/actions")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ActionResource {

    private final ActionService actions;
    private final ActionEdits edits;
    private final CurrentActor actor;

    public ActionResource(ActionService actions, ActionEdits edits, CurrentActor actor) {
        this.actions = actions;
        this.edits = edits;
        this.actor = actor;
    }

    @RolesAllowed({ Roles.RESPONDER, Roles.ADMIN })
    @POST
    public Response create(CreateAction request, @HeaderParam(IdempotentCreates.HEADER) String idempotencyKey) {
        Made<ActionView> created = actions.create(request, caller(), idempotencyKey);
        return created.created(URI.create("/api/actions/" + created.view().id()));
    }

    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    @GET
    public RestResponse<List<ActionView>> list(@QueryParam("incidentId") UUID incidentId,
            @QueryParam("ownerTeam") String ownerTeam, @QueryParam("status") Status status,
            @QueryParam("overdue") Boolean overdue, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor, @Context UriInfo uri) {
        return NextPage.answer(actions.list(incidentId, ownerTeam, status, Boolean.TRUE.equals(overdue),
                PageRequest.of(limit, cursor)), uri);
    }

    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    @GET
    @Path("{id}")
    public ActionView get(@PathParam("id") UUID id) {
        return actions.find(id).orElseThrow(() -> ProblemException.notFound("action", id.toString()));
    }

    @RolesAllowed({ Roles.RESPONDER, Roles.ADMIN })
    @PATCH
    @Path("{id}")
    public ActionView edit(@PathParam("id") UUID id, EditAction edit) {
        return edits.edit(id, edit, caller());
    }

    @RolesAllowed({ Roles.RESPONDER, Roles.ADMIN })
    @POST
    @Path("{id}/transitions")
    public ActionView transition(@PathParam("id") UUID id, ActionTransition transition) {
        return actions.transition(id, transition, caller());
    }

    private Actor caller() {
        return new Actor(actor.subject(), actor.displayName());
    }
}
