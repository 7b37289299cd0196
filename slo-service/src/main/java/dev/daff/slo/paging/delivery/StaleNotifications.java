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
     * Which of the claimed notifications are triggers not worth sending any more: their page was acknowledged, or was
     * resolved while they waited for a retry, or has begun another round (a re-open, a change of team). A rate-limited
     * channel would otherwise page someone after the acknowledgement. A trigger never tried whose page has resolved
     * still goes, before its resolve, unless another of the page's triggers was delivered: an episode that fired and
     * cleared while paging was behind was a page-level burn someone must hear of, and a resolve alone tells nothing.
     * Follow-ups (resolve, acknowledge) always go: a trigger may have reached its channel without its attempt being
     * recorded (a replica killed after the 2xx), and a PagerDuty incident left unresolved goes on paging.
     */
    Set<Long> among(List<PageNotification> claimed) {
        Long[] triggers = claimed.stream().filter(n -> n.pageId != null && "trigger".equals(n.action)).map(n -> n.id)
                .toArray(Long[]::new);
        if (triggers.length == 0) {
            return Set.of();
        }
        @SuppressWarnings("unchecked")
        List<Number> stale = notifications.getEntityManager().createNativeQuery("""
                select n.id from page_notification n join page p on p.id = n.page_id
                where n.id = any(?1)
                  and (p.state = 'ACKNOWLEDGED' or n.created_at < p.routed_at
                       or p.state = 'RESOLVED' and (n.attempts > 0 or exists (
                           select 1 from page_notification told where told.page_id = n.page_id
                             and told.action = 'trigger' and told.status = 'DELIVERED')))""")
                .setParameter(1, triggers).getResultList();
        return stale.stream().map(Number::longValue).collect(Collectors.toSet());
    }
}
