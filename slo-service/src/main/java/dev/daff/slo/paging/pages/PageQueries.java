package dev.daff.slo.paging.pages;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.daff.kit.listing.PageRequest;
import dev.daff.kit.listing.Slice;
import dev.daff.kit.problem.ProblemException;
import dev.daff.slo.paging.delivery.DeliveryAttempts;
import dev.daff.slo.paging.delivery.PageNotifications;
import dev.daff.slo.paging.pages.PageApi.AttemptView;
import dev.daff.slo.paging.pages.PageApi.NotificationView;
import dev.daff.slo.paging.pages.PageApi.PageView;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;

/** Pages as the API shows them: a list a page at a time, and one page with its delivery log. */
@ApplicationScoped
public class PageQueries {

    private final Pages pages;
    private final PageNotifications notifications;
    private final DeliveryAttempts attempts;

    public PageQueries(Pages pages, PageNotifications notifications, DeliveryAttempts attempts) {
        this.pages = pages;
        this.notifications = notifications;
        this.attempts = attempts;
    }

    /** How many pages of each SLO nobody has acknowledged yet (SLOs without any are absent). */
    @Transactional
    public Map<String, Integer> unacknowledgedBySlo() {
        Map<String, Integer> counts = new HashMap<>();
        pages.getEntityManager().createQuery("select p.sloName, count(p) from Page p where p.state = ?1 group by p.sloName",
                Object[].class).setParameter(1, Page.TRIGGERED).getResultList()
                .forEach(row -> counts.put((String) row[0], ((Number) row[1]).intValue()));
        return counts;
    }

    /** Newest first, of one team and one state when given; the cursor holds the last page's time and id. */
    @Transactional
    public Slice<PageView> list(String team, String state, PageRequest request) {
        if (state != null && !List.of(Page.TRIGGERED, Page.ACKNOWLEDGED, Page.RESOLVED).contains(state)) {
            throw ProblemException.invalidField("state", "must be TRIGGERED, ACKNOWLEDGED or RESOLVED");
        }
        request.expectParts(2);
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
        if (!request.isFirst()) {
            query.append(" and (createdAt < :at or (createdAt = :at and id < :id))");
            parameters.and("at", request.instant(0)).and("id", request.uuid(1));
        }
        List<Page> fetched = pages.find(query.toString(), Sort.descending("createdAt", "id"), parameters)
                .range(0, request.limit()).list();
        return Slice.of(fetched, request.limit(), page -> PageRequest.cursorAfter(page.createdAt, page.id))
                .map(page -> view(page, false));
    }

    @Transactional
    public PageView get(UUID id) {
        return pages.findByIdOptional(id).map(page -> view(page, true))
                .orElseThrow(() -> ProblemException.notFound("page", id.toString()));
    }

    private PageView view(Page page, boolean withDeliveries) {
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
                page.resolvedAt, sent, page.resolvedBy, page.reopenedCount, page.reopenReason, page.reackDueAt);
    }
}
