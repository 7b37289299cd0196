package dev.daff.slo.paging.delivery;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.narayana.jta.QuarkusTransaction;

/** Notifications of pages, queued and sent ({@code page_notification}). */
@ApplicationScoped
public class PageNotifications implements PanacheRepositoryBase<PageNotification, Long> {

    private static final Logger LOG = Logger.getLogger(PageNotifications.class);

    /**
     * A trigger of the page was given up for good: when no trigger of its current round (since it fired, was re-opened
     * or moved) reached a channel, is still being tried, or may have reached one (an attempt answered 5xx, a gateway's
     * after the receiver took it, or failed once under way: {@link ChannelSender#NEVER_SENT} are those that did not),
     * every channel refused the page and nobody has heard of it. Waiting out the level's ackTimeout (up to a day) kept
     * the next level from being paged for nothing (a revoked Slack URL, a webhook that answers 404): the page is due
     * for escalation now. In a transaction of its own, holding no notification, as everything that takes the page's
     * row takes it before its notifications'; the page is locked first and the notifications read after, so that a
     * step the escalator committed meanwhile is seen, not escalated past.
     */
    public void escalateWhenNobodyHears(UUID pageId, Instant now) {
        EntityManager entityManager = getEntityManager();
        if (entityManager.createNativeQuery("select id from page where id = ?1 and state = 'TRIGGERED' for no key update")
                .setParameter(1, pageId).getResultList().isEmpty()) {
            return;
        }
        entityManager.createNativeQuery("""
                update page p set next_escalation_at = ?2, version = version + 1
                where p.id = ?1 and p.next_escalation_at > ?2
                  and not exists (select 1 from page_notification n where n.page_id = p.id and n.action = 'trigger'
                                  and n.created_at >= coalesce(p.routed_at, p.created_at)
                                  and (n.status in ('PENDING', 'DELIVERED') or exists (
                                       select 1 from delivery_attempt a where a.notification_id = n.id
                                         and (a.status_code >= 500 or a.status_code is null
                                              and coalesce(a.error, '') <> all(?3)))))""")
                .setParameter(1, pageId).setParameter(2, now)
                .setParameter(3, ChannelSender.NEVER_SENT.toArray(String[]::new)).executeUpdate();
    }

    /**
     * Ends this replica's leases of notifications it claimed and never started: due again at {@code now}, and not
     * first claimed if this claim was the first (it sent nothing, so it is no sign that the trigger may have gone
     * out). One still being sent here ({@code sending}: its lease ran out on a clock that jumped) and a lease another
     * replica took over are left alone.
     */
    public void giveBack(List<PageNotification> unstarted, Set<Long> sending, Instant now) {
        try {
            QuarkusTransaction.requiringNew().run(() -> unstarted.stream()
                    .filter(notification -> !sending.contains(notification.id))
                    .forEach(notification -> getEntityManager().createNativeQuery("""
                            update page_notification set next_attempt_at = ?1,
                                   first_claimed_at = case when ?4 then null else first_claimed_at end
                            where id = ?2 and status = 'PENDING' and next_attempt_at = ?3""")
                    .setParameter(1, now).setParameter(2, notification.id).setParameter(3, notification.nextAttemptAt)
                    .setParameter(4, notification.firstClaimedNow)
                    .executeUpdate()));
        } catch (RuntimeException e) {
            LOG.warnf("%d claimed page notifications were not given back; their leases run out: %s", unstarted.size(),
                    e.toString());
        }
    }
}
