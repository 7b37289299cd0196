package dev.daff.incident.changes;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
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

import dev.daff.incident.changes.ChangesApi.ChangeView;
import dev.daff.incident.changes.ChangesApi.NewChange;
import dev.daff.incident.changes.ChangesApi.Registered;
import dev.daff.incident.timeline.Actor;
import dev.daff.kit.http.IdempotentCreates;
import dev.daff.kit.http.IdempotentCreates.Made;
import dev.daff.kit.listing.NextPage;
import dev.daff.kit.listing.PageRequest;
import dev.daff.kit.problem.ProblemException;
import dev.daff.kit.security.CurrentActor;
import dev.daff.kit.security.Roles;

@Path("/api/changes")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ChangeResource {

    private final ChangeLogService changes;
    private final CurrentActor actor;

    public ChangeResource(ChangeLogService changes, CurrentActor actor) {
        this.changes = changes;
        this.actor = actor;
    }

    @RolesAllowed({ Roles.INGEST, Roles.ADMIN })
    @POST
    public Response register(NewChange request, @HeaderParam(IdempotentCreates.HEADER) String idempotencyKey) {
        Made<Registered> registered = changes.register(request, caller(), idempotencyKey);
        return registered.created(URI.create("/api/changes/" + registered.view().change().id()));
    }

    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    @GET
    public RestResponse<List<ChangeView>> list(@QueryParam("service") String service, @QueryParam("kind") String kind,
            @QueryParam("from") Instant from, @QueryParam("to") Instant to, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor, @Context UriInfo uri) {
        return NextPage.answer(changes.list(service, kind == null ? null : kind(kind), from, to,
                PageRequest.of(limit, cursor)), uri);
    }

    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    @GET
    @Path("{id}")
    public ChangeView get(@PathParam("id") UUID id) {
        return changes.change(id);
    }

    static ChangeKind kind(String kind) {
        try {
            return ChangeKind.valueOf(kind);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField("kind", "cannot be '" + kind + "'; one of " + List.of(ChangeKind.values()));
        }
    }

    private Actor caller() {
        return new Actor(actor.subject(), actor.displayName());
    }
}
