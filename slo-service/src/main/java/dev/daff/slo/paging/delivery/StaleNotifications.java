package dev.daff.slo.paging.delivery;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

/** What {@link PageDispatcher} claims but does not send: notifications whose page has moved on since they were queued. */
@ApplicationScoped
public class StaleNotifications {

    private final PageNotifications notifications;

    public StaleNotifications(PageNotifications notifications) {
        this.notifications = notifications;
    }

    /**
     * Which of the claimed notifications are not worth sending any more. A trigger of a page that was acknowledged or
     * resolved, or of an earlier round of it (before a re-open or a change of team), while it waited for a retry: a
     * rate-limited channel would otherwise page someone after the acknowledgement. A resolve or acknowledge to a channel
     * none of whose triggers of the page was taken or may have been (a 2xx, no answer, a 5xx): nobody there heard of
     * the page, and a resolve of something never seen is noise.
     */
    Set<Long> among(List<PageNotification> claimed) {
        Long[] ids = claimed.stream().filter(n -> n.pageId != null).map(n -> n.id).toArray(Long[]::new);
        if (ids.length == 0) {
            return Set.of();
        }
        @SuppressWarnings("unchecked")
        List<Number> stale = notifications.getEntityManager().createNativeQuery("""
                select n.id from page_notification n join page p on p.id = n.page_id
                where n.id = any(?1) and (
                  n.action = 'trigger' and (p.state <> 'TRIGGERED' or n.created_at < p.routed_at)
                  or n.action <> 'trigger' and not exists (
                     select 1 from page_notification t
                     where t.page_id = n.page_id and t.id < n.id and t.action = 'trigger'
                       and t.channel_type = n.channel_type and t.channel_ref is not distinct from n.channel_ref
                       and t.endpoint is not distinct from n.endpoint
                       and (t.status in ('DELIVERED', 'PENDING') or exists (
                          select 1 from delivery_attempt a
                          where a.notification_id = t.id and (a.status_code is null or a.status_code >= 500)))))""")
                .setParameter(1, ids).getResultList();
        return stale.stream().map(Number::longValue).collect(Collectors.toSet());
    }
}
