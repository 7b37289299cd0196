package dev.daff.incident.lifecycle;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.RestResponse;

import dev.daff.kit.security.Roles;
import dev.daff.incident.lifecycle.IncidentApi.IncidentView;
import dev.daff.incident.lifecycle.IncidentApi.Note;
import dev.daff.incident.lifecycle.IncidentApi.OpenIncident;
import dev.daff.incident.lifecycle.IncidentApi.Page;
import dev.daff.incident.lifecycle.IncidentApi.PatchIncident;
import dev.daff.incident.lifecycle.IncidentApi.Role;
import dev.daff.incident.lifecycle.IncidentApi.RoleAssignment;
import dev.daff.incident.lifecycle.IncidentApi.TimelineView;
import dev.daff.incident.lifecycle.IncidentApi.Transition;
import dev.daff.incident.timeline.Actor;
import dev.daff.kit.listing.NextPage;
import dev.daff.kit.listing.PageRequest;
import dev.daff.kit.http.IdempotentCreates;
import dev.daff.kit.http.IdempotentCreates.Made;
import dev.daff.kit.problem.ProblemException;
import dev.daff.kit.security.CurrentActor;

@Path("/api/incidents")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class IncidentResource {

    private final IncidentCommands commands;
    private final IncidentQueries queries;
    private final IncidentRoles roles;
    private final CurrentActor actor;

    public IncidentResource(IncidentCommands commands, IncidentQueries queries, IncidentRoles roles, CurrentActor actor) {
        this.commands = commands;
        this.queries = queries;
        this.roles = roles;
        this.actor = actor;
    }

    @RolesAllowed({ Roles.RESPONDER, Roles.ADMIN })
    @POST
    public Response open(OpenIncident request, @HeaderParam(IdempotentCreates.HEADER) String idempotencyKey) {
        Made<IncidentView> opened = commands.open(request, caller(), idempotencyKey);
        return opened.created(URI.create("/api/incidents/" + opened.view().id()));
    }

    /**
     * Newest first. {@code size} and {@code page} are the older names for paging this list (size = limit, page =
     * page number); new clients follow {@code nextCursor}.
     */
    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    @GET
    public RestResponse<Page<IncidentView>> list(@QueryParam("status") IncidentStatus status,
            @QueryParam("service") String service, @QueryParam("team") String team,
            @QueryParam("severity") Severity severity, @QueryParam("from") Instant from, @QueryParam("to") Instant to,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor, @QueryParam("size") String size,
            @QueryParam("page") String page, @Context UriInfo uri) {
        if (limit != null && size != null) {
            throw ProblemException.invalidField("size", "is the older name of limit; send one of them");
        }
        Page<IncidentView> found = queries.list(status, service, team, severity, from, to,
                PageRequest.of(limit != null ? limit : size, cursor), pageNumber(page));
        return NextPage.answer(found, found.nextCursor(), uri);
    }

    private static Integer pageNumber(String page) {
        if (page == null || page.isEmpty()) {
            return null;
        }
        try {
            int number = Integer.parseInt(page.trim());
            if (number >= 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemException.invalidField("page", "must be a whole number from 0");
    }

    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    @GET
    @Path("{id}")
    public IncidentView get(@PathParam("id") UUID id) {
        return queries.find(id).orElseThrow(() -> ProblemException.notFound("incident", id.toString()));
    }

    @RolesAllowed({ Roles.RESPONDER, Roles.ADMIN })
    @PATCH
    @Path("{id}")
    public IncidentView patch(@PathParam("id") UUID id, PatchIncident patch) {
        return commands.patch(id, patch, caller());
    }

    @RolesAllowed({ Roles.RESPONDER, Roles.ADMIN })
    @POST
    @Path("{id}/transitions")
    public IncidentView transition(@PathParam("id") UUID id, Transition transition) {
        return commands.transition(id, transition, caller());
    }

    @RolesAllowed({ Roles.RESPONDER, Roles.ADMIN })
    @PUT
    @Path("{id}/roles/{role}")
    public TimelineView assignRole(@PathParam("id") UUID id, @PathParam("role") Role role,
            @jakarta.validation.Valid @jakarta.validation.constraints.NotNull RoleAssignment assignment) {
        return roles.assignRole(id, role, assignment.handle(), caller());
    }

    @RolesAllowed({ Roles.RESPONDER, Roles.ADMIN })
    @POST
    @Path("{id}/timeline")
    public Response addNote(@PathParam("id") UUID id, Note note) {
        TimelineView entry = commands.addNote(id, note, caller());
        return Response.status(Response.Status.CREATED).entity(entry).build();
    }

    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    @GET
    @Path("{id}/timeline")
    public RestResponse<List<TimelineView>> timeline(@PathParam("id") UUID id, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor, @Context UriInfo uri) {
        return NextPage.answer(queries.timeline(id, PageRequest.of(limit, cursor)), uri);
    }

    private Actor caller() {
        return new Actor(actor.subject(), actor.displayName());
    }
}
