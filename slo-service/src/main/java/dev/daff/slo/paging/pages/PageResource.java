package dev.daff.slo.paging.pages;

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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.RestResponse;

import dev.daff.kit.listing.NextPage;
import dev.daff.kit.listing.PageRequest;
import dev.daff.kit.security.CurrentActor;
import dev.daff.kit.security.Roles;
import dev.daff.slo.paging.pages.PageApi.Acknowledgement;
import dev.daff.slo.paging.pages.PageApi.PageView;

@Path("/api/pages")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class PageResource {

    private final PageQueries pages;
    private final Pager pager;
    private final CurrentActor actor;

    public PageResource(PageQueries pages, Pager pager, CurrentActor actor) {
        this.pages = pages;
        this.pager = pager;
        this.actor = actor;
    }

    /** Newest first, {@code limit} at a time; {@code X-Next-Cursor} names the next page's {@code cursor}. */
    @GET
    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    public RestResponse<List<PageView>> list(@QueryParam("team") String team, @QueryParam("state") String state,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor, @Context UriInfo uri) {
        return NextPage.answer(pages.list(team, state, PageRequest.of(limit, cursor)), uri);
    }

    @GET
    @Path("{id}")
    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    public PageView get(@PathParam("id") UUID id) {
        return pages.get(id);
    }

    @POST
    @Path("{id}/ack")
    @RolesAllowed({ Roles.RESPONDER, Roles.ADMIN })
    public PageView acknowledge(@PathParam("id") UUID id, Acknowledgement ignored) {
        pager.acknowledge(id, actor.subject(), actor.displayName(), false);
        return pages.get(id);
    }

    /**
     * Resolves a page by hand, only once its alert has cleared: while the alert fires the answer is 409
     * {@code alert-still-firing} saying so, and the page stays open.
     */
    @POST
    @Path("{id}/resolve")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed({ Roles.RESPONDER, Roles.ADMIN })
    public PageView resolve(@PathParam("id") UUID id) {
        pager.resolveByPerson(id, actor.displayName());
        return pages.get(id);
    }
}
