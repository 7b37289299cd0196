package dev.daff.slo.paging.delivery;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

/** What {@link PageDispatcher} claims but does not send: notifications whose page has moved on since they were queued. */
@ApplicationScoped
public class StaleNotifications {

    /** Trigger {@code t} went to the channel of notification {@code n}: the same entry, by type, position and address. */
    private static final String SAME_CHANNEL = "t.channel_type = n.channel_type and t.channel_ref is not distinct from"
            + " n.channel_ref and t.endpoint is not distinct from n.endpoint";

    private final PageNotifications notifications;

    public StaleNotifications(PageNotifications notifications) {
        this.notifications = notifications;
    }

    /**
     * Which of the claimed notifications are not worth sending any more.
     * <p>
     * A trigger: its page was acknowledged, or has begun another round (a re-open, a change of team) since it was
     * queued, or has resolved after this round's paging reached someone or after the trigger's own channel may have
     * had the page — its own retry, an earlier level's trigger there that was handed to a sender and not refused
     * for good — so a rate-limited channel does not page someone after the burn stopped. A trigger of a resolved page
     * that nothing of its round reached goes, before its resolve: an episode that fired and cleared while paging was
     * behind was a page-level burn someone must hear of, and a resolve alone tells nothing.
     * <p>
     * A follow-up (resolve, acknowledge) goes to a channel a trigger of its page may have reached: delivered, or
     * handed to a sender with an attempt that got no answer, a 5xx (a gateway's, after the receiver took it) or none
     * recorded (a replica killed after the channel's 2xx), since a PagerDuty incident left unresolved goes on paging.
     * It is dropped where every trigger was never handed to a sender or was refused with a 4xx (a rate limit
     * included): nobody gets a resolve for a page they never had. A trigger delivered or tried was handed to a
     * sender whatever its {@code first_claimed_at} says: a replica from before V23, still sending during the rolling
     * upgrade, left it null, and the resolves of its triggers were dropped. A channel is a team's or member's n-th
     * channel entry (its type, position and address).
     */
    Set<Long> among(List<PageNotification> claimed) {
        Long[] ids = claimed.stream().filter(n -> n.pageId != null).map(n -> n.id).toArray(Long[]::new);
        if (ids.length == 0) {
            return Set.of();
        }
        @SuppressWarnings("unchecked")
        List<Number> stale = notifications.getEntityManager().createNativeQuery("""
                select n.id from page_notification n join page p on p.id = n.page_id
                where n.id = any(?1) and case when n.action = 'trigger' then
                    p.state = 'ACKNOWLEDGED' or n.created_at < p.routed_at
                    or p.state = 'RESOLVED' and exists (
                        select 1 from page_notification t where t.page_id = n.page_id and t.action = 'trigger'
                          and t.created_at >= coalesce(p.routed_at, p.created_at)
                          and (t.status = 'DELIVERED' or (t.first_claimed_at is not null or t.attempts > 0)
                               and t.status <> 'FAILED' and %1$s))
                  else not exists (
                        select 1 from page_notification t where t.page_id = n.page_id and t.action = 'trigger'
                          and (t.first_claimed_at is not null or t.status = 'DELIVERED' or t.attempts > 0) and %1$s
                          and (t.status in ('DELIVERED', 'PENDING') or t.attempts = 0 or exists (
                               select 1 from delivery_attempt a where a.notification_id = t.id
                                 and (a.status_code is null or a.status_code >= 500))))
                  end""".formatted(SAME_CHANNEL))
                .setParameter(1, ids).getResultList();
        return stale.stream().map(Number::longValue).collect(Collectors.toSet());
    }
}
