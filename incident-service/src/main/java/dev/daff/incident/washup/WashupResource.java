package dev.daff.incident.washup;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.daff.incident.timeline.Actor;
import dev.daff.incident.washup.WashupApi.CauseView;
import dev.daff.incident.washup.WashupApi.PutWashup;
import dev.daff.incident.washup.WashupApi.Review;
import dev.daff.incident.washup.WashupApi.SetCause;
import dev.daff.incident.washup.WashupApi.WashupView;
import dev.daff.kit.security.CurrentActor;
import dev.daff.kit.security.Roles;

/** An incident's cause and washup. */
@Path("/api/incidents/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class WashupResource {

    private final CauseService causes;
    private final WashupService washups;
    private final WashupDocument document;
    private final CurrentActor actor;
    private final PastIncidents past;

    public WashupResource(CauseService causes, WashupService washups, WashupDocument document, CurrentActor actor,
            PastIncidents past) {
        this.past = past;
        this.causes = causes;
        this.washups = washups;
        this.document = document;
        this.actor = actor;
    }

    @RolesAllowed({ Roles.RESPONDER, Roles.ADMIN })
    @PUT
    @Path("cause")
    public CauseView setCause(@PathParam("id") UUID id, SetCause request) {
        return causes.setCause(id, request, caller());
    }

    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    @GET
    @Path("cause")
    public CauseView cause(@PathParam("id") UUID id) {
        return causes.cause(id);
    }

    @RolesAllowed({ Roles.RESPONDER, Roles.ADMIN })
    @PUT
    @Path("washup")
    public WashupView putWashup(@PathParam("id") UUID id, PutWashup request) {
        return washups.putWashup(id, request, caller());
    }

    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    @GET
    @Path("washup")
    public WashupView washup(@PathParam("id") UUID id) {
        return washups.washup(id);
    }

    @RolesAllowed({ Roles.RESPONDER, Roles.ADMIN })
    @POST
    @Path("washup/review")
    public WashupView review(@PathParam("id") UUID id, Review request) {
        // Judged first, with all that is known now, in a transaction of its own: kept when the review is refused for
        // it (whyFixDidNotHold), so that the washup then says which earlier incident's fix did not hold.
        past.judgeRecurrence(id);
        return washups.review(id, request, caller());
    }

    @RolesAllowed({ Roles.RESPONDER, Roles.ADMIN })
    @POST
    @Path("washup/review/confirmations")
    @Consumes(MediaType.WILDCARD)
    public WashupView confirmReview(@PathParam("id") UUID id) {
        return washups.confirmReview(id, caller());
    }

    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    @GET
    @Path("washup.md")
    @Produces("text/markdown; charset=UTF-8")
    public String markdown(@PathParam("id") UUID id) {
        return document.markdown(id);
    }

    private Actor caller() {
        return new Actor(actor.subject(), actor.displayName());
    }
}
