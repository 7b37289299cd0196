package dev.daff.slo.paging;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.events.AlertEvent;
import dev.daff.kit.messaging.IdempotentConsumer;
import dev.daff.kit.messaging.IdempotentConsumer.Subscription;
import dev.daff.kit.problem.ProblemException;
import dev.daff.slo.paging.PagingRepositories.Notifications;
import dev.daff.slo.paging.PagingRepositories.Pages;
import io.quarkus.panache.common.Sort;
import io.smallrye.common.annotation.Blocking;

/**
 * Turns PAGE alerts into pages for whoever is on call, escalates what nobody acknowledges, and sends the
 * resolve when the alert clears. It only queues notifications; {@link PageDispatcher} delivers them, so a
 * slow or failing channel never holds up alerting or other pages.
 */
@ApplicationScoped
public class Pager {

    private static final Logger LOG = Logger.getLogger(Pager.class);

    /** Fired after notifications were committed, so the dispatcher starts at once instead of at its next poll. */
    public record NotificationsQueued() {
    }

    /** The channel (topic daff.slo-alerts) in application.properties. */
    public static final String CHANNEL = "paging-alerts";
    static final Subscription<AlertEvent> SUBSCRIPTION = Subscription.of("slo-service/paging-alerts", AlertEvent.class,
            AlertEvent.CURRENT_VERSION, Set.of(AlertEvent.FIRED, AlertEvent.RESOLVED));

    private final IdempotentConsumer consumer;
    private final Pages pages;
    private final Notifications notifications;
    private final Teams teams;
    private final PageMessages messages;
    private final PagingConfig config;
    private final ObjectMapper json;
    private final Clock clock;
    private final Event<NotificationsQueued> queued;

    public Pager(IdempotentConsumer consumer, Pages pages, Notifications notifications, Teams teams, PagingConfig config, ObjectMapper json,
            Clock clock, Event<NotificationsQueued> queued) {
        this.consumer = consumer;
        this.pages = pages;
        this.notifications = notifications;
        this.teams = teams;
        this.config = config;
        this.json = json;
        this.clock = clock;
        this.queued = queued;
        this.messages = new PageMessages(json, config.publicUrl());
    }

    @Incoming(CHANNEL)
    @Blocking
    public void onAlert(String payload) {
        consumer.consume(SUBSCRIPTION, payload, alert -> apply(alert, payload));
    }

    private void apply(AlertEvent alert, String payload) {
        if (!AlertEvent.PAGE.equals(alert.severity()) || alert.dedupKey() == null) {
            return; // tickets are listed, not paged
        }
        if (AlertEvent.FIRED.equals(alert.type())) {
            if (pages.find("dedupKey", alert.dedupKey()).firstResultOptional().isEmpty()) {
                trigger(alert, payload);
            }
        } else {
            pages.find("dedupKey", alert.dedupKey()).firstResultOptional()
                    .filter(page -> !Page.RESOLVED.equals(page.state))
                    .ifPresent(page -> resolve(page, alert));
        }
    }

    private void trigger(AlertEvent alert, String payload) {
        Page page = new Page();
        page.id = UUID.randomUUID();
        page.dedupKey = alert.dedupKey();
        page.alertId = alert.alertId();
        page.sloName = alert.slo();
        page.service = alert.service();
        page.team = alert.team();
        page.kind = alert.kind();
        page.tier = alert.tier();
        page.summary = PageMessages.summary(alert);
        page.alert = payload;
        page.state = Page.TRIGGERED;
        page.createdAt = clock.instant();
        Optional<TeamDefinition> team = teams.definition(alert.team());
        if (team.isEmpty()) {
            LOG.warnf("page %s for team %s has nobody to go to: the team has no on-call schedule", page.id, alert.team());
            pages.persist(page);
            return;
        }
        OnCall onCall = OnCall.at(team.get(), page.createdAt);
        page.primaryHandle = onCall.primary();
        pages.persist(page);
        notifyLevel(page, team.get(), onCall, true);
        page.nextEscalationAt = page.createdAt.plus(team.get().escalationOrDefault().ackTimeout());
    }

    private void resolve(Page page, AlertEvent alert) {
        // Read again under the row lock: an acknowledgement or escalation may have committed since the page was read,
        // and writing this copy back would undo it (and miss the notifications it queued).
        pages.getEntityManager().refresh(page, LockModeType.PESSIMISTIC_WRITE);
        if (Page.RESOLVED.equals(page.state)) {
            return;
        }
        page.state = Page.RESOLVED;
        page.resolvedAt = clock.instant();
        page.nextEscalationAt = null;
        AlertEvent fired = readAlert(page);
        Set<String> sent = new LinkedHashSet<>();
        for (PageNotification trigger : notifications.list("pageId = ?1 and action = 'trigger'", Sort.by("id"), page.id)) {
            if (!sent.add(sameChannel(trigger))) {
                continue;
            }
            String body = switch (trigger.channelType) {
                case "pagerduty" -> messages.pagerDuty("resolve", page, fired);
                case "slack" -> messages.slack("resolve", page, fired);
                default -> messages.webhook("resolve", page, trigger.recipient, json.valueToTree(alert));
            };
            queue(page, "resolve", trigger, body);
        }
    }

    /**
     * Acknowledges a triggered page (an acknowledged one stays as it is); a resolved page answers 409. The row lock
     * makes an acknowledgement wait for an escalation or resolve in flight and then see what it wrote.
     */
    @Transactional
    public Page acknowledge(UUID id, String subject, String displayName) {
        Page page = pages.findByIdOptional(id, LockModeType.PESSIMISTIC_WRITE)
                .orElseThrow(() -> ProblemException.notFound("page", id.toString()));
        if (Page.RESOLVED.equals(page.state)) {
            throw ProblemException.conflict("page-resolved", "Page already resolved",
                    "The alert behind this page has cleared; there is nothing left to acknowledge.");
        }
        if (Page.TRIGGERED.equals(page.state)) {
            page.state = Page.ACKNOWLEDGED;
            page.acknowledgedAt = clock.instant();
            page.acknowledgedBy = displayName;
            page.acknowledgedBySubject = subject;
            page.nextEscalationAt = null;
            // PagerDuty runs its own escalation: tell it too, once per channel paged.
            Set<String> keys = new LinkedHashSet<>();
            for (PageNotification trigger : notifications.list("pageId = ?1 and action = 'trigger' and channelType = 'pagerduty'",
                    Sort.by("id"), page.id)) {
                if (keys.add(sameChannel(trigger))) {
                    queue(page, "acknowledge", trigger, messages.pagerDuty("acknowledge", page, readAlert(page)));
                }
            }
        }
        pages.flush(); // a stale write (a writer that skipped the lock) fails here, as 409, not at commit
        return page;
    }

    @io.quarkus.scheduler.Scheduled(every = "${daff.paging.escalation-check-every:10s}", identity = "page-escalation",
            concurrentExecution = io.quarkus.scheduler.Scheduled.ConcurrentExecution.SKIP)
    void escalateDue() {
        escalate(clock.instant());
    }

    /**
     * Pages the next level for every page nobody acknowledged in time; answers how many escalated. Every replica runs
     * this: {@code SKIP LOCKED} leaves a page that another replica is escalating (or someone is acknowledging or
     * resolving) to that transaction, and once it commits the page is no longer due, so each step is paged once.
     */
    @Transactional
    public int escalate(Instant now) {
        @SuppressWarnings("unchecked")
        List<Page> due = pages.getEntityManager().createNativeQuery("""
                select * from page where state = 'TRIGGERED' and next_escalation_at <= ?1
                order by next_escalation_at for update skip locked""", Page.class)
                .setParameter(1, now).getResultList();
        int escalated = 0;
        for (Page page : due) {
            Optional<TeamDefinition> team = teams.definition(page.team);
            if (team.isEmpty()) {
                page.nextEscalationAt = null;
                continue;
            }
            TeamDefinition.Escalation escalation = team.get().escalationOrDefault();
            int level = page.escalationLevel + 1;
            int round = page.escalationRound;
            if (level >= escalation.levels().size()) {
                level = 0;
                round++;
            }
            if (round > escalation.repeat()) {
                page.nextEscalationAt = null; // everyone was paged repeat + 1 times: stop, the page stays open
                continue;
            }
            page.escalationLevel = level;
            page.escalationRound = round;
            notifyLevel(page, team.get(), OnCall.at(team.get(), now), false);
            page.nextEscalationAt = now.plus(escalation.ackTimeout());
            escalated++;
        }
        return escalated;
    }

    private void notifyLevel(Page page, TeamDefinition team, OnCall onCall, boolean first) {
        String level = team.escalationOrDefault().levels().get(page.escalationLevel);
        List<String> recipients = switch (level) {
            case "SECONDARY" -> List.of(onCall.secondary());
            case "TEAM" -> team.members().stream().map(TeamDefinition.Member::handle).toList();
            default -> List.of(onCall.primary());
        };
        AlertEvent alert = readAlert(page);
        for (String handle : recipients) {
            List<TeamDefinition.Channel> channels = team.member(handle).map(TeamDefinition.Member::channels).orElse(List.of());
            for (int i = 0; i < channels.size(); i++) {
                queue(page, handle, handle + "/" + i, channels.get(i), alert);
            }
        }
        if (first) {
            for (int i = 0; i < team.teamChannels().size(); i++) {
                queue(page, null, "team/" + i, team.teamChannels().get(i), alert);
            }
        }
    }

    /**
     * Queues a trigger. The channel's secret goes into the row as the team stores it, sealed (the Slack URL too, so
     * {@code endpoint} is empty for Slack); the PagerDuty body has no routing key: the dispatcher opens the secret
     * and puts it into the request only when it sends.
     */
    private void queue(Page page, String recipient, String channelRef, TeamDefinition.Channel channel, AlertEvent alert) {
        switch (channel.type()) {
            case "pagerduty" -> queue(page, "trigger", recipient, channelRef, "pagerduty", config.pagerdutyUrl(),
                    channel.routingKey(), messages.pagerDuty("trigger", page, alert));
            case "slack" -> queue(page, "trigger", recipient, channelRef, "slack", null, channel.url(),
                    messages.slack("trigger", page, alert));
            default -> queue(page, "trigger", recipient, channelRef, "webhook", channel.url(), channel.secret(),
                    messages.webhook("trigger", page, recipient, json.valueToTree(alert)));
        }
    }

    /** A follow-up (resolve, acknowledge) to the channel {@code trigger} went to, with the same sealed secret. */
    private void queue(Page page, String action, PageNotification trigger, String body) {
        queue(page, action, trigger.recipient, trigger.channelRef, trigger.channelType, trigger.endpoint, trigger.secret, body);
    }

    /** Notifications that go to one channel: one resolve (or acknowledge) each. */
    private static String sameChannel(PageNotification notification) {
        return notification.channelType + " " + notification.channelRef + " " + notification.endpoint + " " + notification.secret;
    }

    private void queue(Page page, String action, String recipient, String channelRef, String type, String endpoint,
            String secret, String body) {
        PageNotification notification = new PageNotification();
        notification.pageId = page.id;
        notification.action = action;
        notification.recipient = recipient;
        notification.channelRef = channelRef;
        notification.channelType = type;
        notification.endpoint = endpoint;
        notification.secret = secret;
        notification.body = body;
        notification.status = PageNotification.PENDING;
        notification.createdAt = clock.instant();
        notification.nextAttemptAt = notification.createdAt;
        notifications.persist(notification);
        queued.fire(new NotificationsQueued());
    }

    private AlertEvent readAlert(Page page) {
        try {
            return json.readValue(page.alert, AlertEvent.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

}
