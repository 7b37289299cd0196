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
     * Which of the claimed notifications are triggers not worth sending any more: their page was acknowledged or
     * resolved, or has begun another round (a re-open, a change of team), while they waited for a retry. A rate-limited
     * channel would otherwise page someone after the acknowledgement. Follow-ups (resolve, acknowledge) always go: a
     * trigger may have reached its channel without its attempt being recorded (a replica killed after the 2xx), and
     * a PagerDuty incident left unresolved goes on paging.
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
                where n.id = any(?1) and (p.state <> 'TRIGGERED' or n.created_at < p.routed_at)""")
                .setParameter(1, triggers).getResultList();
        return stale.stream().map(Number::longValue).collect(Collectors.toSet());
    }
}
