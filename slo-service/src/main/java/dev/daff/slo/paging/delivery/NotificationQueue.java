package dev.daff.slo.paging.delivery;

import java.time.Clock;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

/**
 * Queues notifications for {@link PageDispatcher} to deliver, in the caller's transaction: paging only queues, so a
 * slow or failing channel never holds up alerting or other pages.
 */
@ApplicationScoped
public class NotificationQueue {

    /** Fired after notifications were committed, so the dispatcher starts at once instead of at its next poll. */
    public record NotificationsQueued(UUID pageId) {
    }

    /** Where a notification goes: the channel as the team stores it, its secret sealed. */
    public record Destination(String recipient, String channelRef, String channelType, String endpoint, String secret) {

        /** The channel an earlier notification went to (a resolve or acknowledge follows its trigger). */
        public static Destination of(PageNotification sent) {
            return new Destination(sent.recipient, sent.channelRef, sent.channelType, sent.endpoint, sent.secret);
        }
    }

    private final PageNotifications notifications;
    private final Clock clock;
    private final Event<NotificationsQueued> queued;

    public NotificationQueue(PageNotifications notifications, Clock clock, Event<NotificationsQueued> queued) {
        this.notifications = notifications;
        this.clock = clock;
        this.queued = queued;
    }

    public void queue(UUID pageId, String action, Destination destination, String body) {
        PageNotification notification = new PageNotification();
        notification.pageId = pageId;
        notification.action = action;
        notification.recipient = destination.recipient();
        notification.channelRef = destination.channelRef();
        notification.channelType = destination.channelType();
        notification.endpoint = destination.endpoint();
        notification.lane = DeliveryLanes.of(destination.channelType(), destination.endpoint());
        notification.secret = destination.secret();
        notification.body = body;
        notification.status = PageNotification.PENDING;
        notification.createdAt = clock.instant();
        notification.nextAttemptAt = notification.createdAt;
        notifications.persist(notification);
        queued.fire(new NotificationsQueued(pageId));
    }
}
