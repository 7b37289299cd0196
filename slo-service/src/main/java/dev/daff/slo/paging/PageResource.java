package dev.daff.slo.paging;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestResponse;

import dev.daff.kit.problem.ProblemException;
import dev.daff.kit.security.CurrentActor;
import dev.daff.kit.security.Roles;
import dev.daff.slo.paging.PagingRepositories.Attempts;
import dev.daff.slo.paging.PagingRepositories.Notifications;
import dev.daff.slo.paging.PagingRepositories.Pages;
import dev.daff.slo.paging.listing.Listing;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;

@Path("/api/pages")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class PageResource {

    public record AttemptView(int attempt, Instant at, Integer statusCode, String error, long durationMs) {
    }

    /** One notification; endpoints of PagerDuty and Slack channels are secrets and not shown. */
    public record NotificationView(long id, String action, String recipient, String channel, String status, int attempts,
            Instant createdAt, Instant deliveredAt, List<AttemptView> deliveryLog) {
    }

    public record PageView(UUID id, String dedupKey, String alertId, String slo, String service, String team, String kind,
            String tier, String summary, String state, String primary, int escalationLevel, int escalationRound,
            Instant nextEscalationAt, Instant createdAt, Instant acknowledgedAt, String acknowledgedBy,
            String acknowledgedBySubject, Instant resolvedAt, List<NotificationView> notifications) {
    }

    /**
     * The acknowledger is the token's user: {@code acknowledgedBySubject} its {@code sub} (who it is),
     * {@code acknowledgedBy} its display name (what people read); a {@code by} in the body is ignored.
     */
    public record Acknowledgement(String by) {
    }

    private final Pages pages;
    private final Notifications notifications;
    private final Attempts attempts;
    private final Pager pager;
    private final CurrentActor actor;

    public PageResource(Pages pages, Notifications notifications, Attempts attempts, Pager pager, CurrentActor actor) {
        this.pages = pages;
        this.notifications = notifications;
        this.attempts = attempts;
        this.pager = pager;
        this.actor = actor;
    }

    /** Newest first, {@code limit} at a time; {@code X-Next-Cursor} names the next page's {@code cursor}. */
    @GET
    @Transactional
    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    public RestResponse<List<PageView>> list(@QueryParam("team") String team, @QueryParam("state") String state,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        if (state != null && !List.of(Page.TRIGGERED, Page.ACKNOWLEDGED, Page.RESOLVED).contains(state)) {
            throw ProblemException.invalidField("state", "must be TRIGGERED, ACKNOWLEDGED or RESOLVED");
        }
        Listing listing = Listing.of(limit, cursor);
        StringBuilder query = new StringBuilder("1 = 1");
        Parameters parameters = new Parameters();
        if (team != null) {
            query.append(" and team = :team");
            parameters.and("team", team);
        }
        if (state != null) {
            query.append(" and state = :state");
            parameters.and("state", state);
        }
        Optional<Listing.Key> after = listing.afterTime();
        if (after.isPresent()) {
            query.append(" and (createdAt < :at or (createdAt = :at and id < :id))");
            parameters.and("at", after.get().at()).and("id", pageId(after.get().id()));
        }
        List<Page> fetched = pages.find(query.toString(), Sort.descending("createdAt", "id"), parameters)
                .range(0, listing.fetch() - 1).list();
        return listing.answer(fetched, page -> new Listing.Key(page.createdAt, page.id.toString()), page -> view(page, false));
    }

    private static UUID pageId(String cursorId) {
        try {
            return UUID.fromString(cursorId);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField("cursor", "is not a cursor this endpoint gave out");
        }
    }

    @GET
    @Path("{id}")
    @Transactional
    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    public PageView get(@PathParam("id") UUID id) {
        return pages.findByIdOptional(id).map(page -> view(page, true))
                .orElseThrow(() -> ProblemException.notFound("page", id.toString()));
    }

    @POST
    @Path("{id}/ack")
    @RolesAllowed({ Roles.RESPONDER, Roles.ADMIN })
    public PageView acknowledge(@PathParam("id") UUID id, Acknowledgement ignored) {
        pager.acknowledge(id, actor.subject(), actor.displayName());
        return get(id);
    }

    PageView view(Page page, boolean withDeliveries) {
        List<NotificationView> sent = !withDeliveries ? null
                : notifications.list("pageId", Sort.by("id"), page.id).stream()
                        .map(notification -> new NotificationView(notification.id, notification.action,
                                notification.recipient, notification.channelType, notification.status,
                                notification.attempts, notification.createdAt, notification.deliveredAt,
                                attempts.list("notificationId", Sort.by("attempt"), notification.id).stream()
                                        .map(a -> new AttemptView(a.attempt, a.at, a.statusCode, a.error, a.durationMs))
                                        .toList()))
                        .toList();
        return new PageView(page.id, page.dedupKey, page.alertId, page.sloName, page.service, page.team, page.kind,
                page.tier, page.summary, page.state, page.primaryHandle, page.escalationLevel, page.escalationRound,
                page.nextEscalationAt, page.createdAt, page.acknowledgedAt, page.acknowledgedBy, page.acknowledgedBySubject,
                page.resolvedAt, sent);
    }
}
