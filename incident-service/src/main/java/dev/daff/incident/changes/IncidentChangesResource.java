package dev.daff.incident.changes;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.RestResponse;

import dev.daff.incident.changes.ChangesApi.LinkChange;
import dev.daff.incident.changes.ChangesApi.LinkView;
import dev.daff.incident.changes.ChangesApi.RollbackFired;
import dev.daff.incident.changes.ChangesApi.WhatChanged;
import dev.daff.incident.timeline.Actor;
import dev.daff.kit.listing.NextPage;
import dev.daff.kit.listing.PageRequest;
import dev.daff.kit.problem.ProblemException;
import dev.daff.kit.security.CurrentActor;
import dev.daff.kit.security.Roles;

/** "What changed?" for an incident, and the changes people linked to it. */
@Path("/api/incidents/{id}/changes")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class IncidentChangesResource {

    private final WhatChangedService changes;
    private final CurrentActor actor;
    private final RollbackHooks rollbackHooks;

    public IncidentChangesResource(WhatChangedService changes, CurrentActor actor, RollbackHooks rollbackHooks) {
        this.rollbackHooks = rollbackHooks;
        this.changes = changes;
        this.actor = actor;
    }

    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    @GET
    public RestResponse<WhatChanged> whatChanged(@PathParam("id") UUID id, @QueryParam("lookback") String lookback,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor, @Context UriInfo uri) {
        WhatChanged found = changes.whatChanged(id, lookback == null ? null : duration(lookback),
                PageRequest.of(limit, cursor));
        return NextPage.answer(found, found.nextCursor(), uri);
    }

    @RolesAllowed({ Roles.RESPONDER, Roles.ADMIN })
    @POST
    @Path("{changeId}")
    public LinkView link(@PathParam("id") UUID id, @PathParam("changeId") UUID changeId, LinkChange request) {
        return changes.link(id, changeId, request, caller());
    }

    /** Fires the changed service's rollback hook (signed, recorded on the timeline with its answer); never automatic. */
    @RolesAllowed({ Roles.RESPONDER, Roles.ADMIN })
    @POST
    @Path("{changeId}/rollback")
    @Consumes(MediaType.WILDCARD) // no body

    public RollbackFired rollback(@PathParam("id") UUID id, @PathParam("changeId") UUID changeId) {
        RollbackFired fired = rollbackHooks.fire(id, changeId, caller());
        return actor.hasRole(Roles.ADMIN) ? fired : fired.hookMasked();
    }

    private static Duration duration(String text) {
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw ProblemException.invalidField("lookback", "must be an ISO-8601 duration such as PT24H");
        }
    }

    private Actor caller() {
        return new Actor(actor.subject(), actor.displayName());
    }
}
