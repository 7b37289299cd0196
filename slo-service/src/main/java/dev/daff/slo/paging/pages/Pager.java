package dev.daff.slo.paging.pages;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.events.AlertEvent;
import dev.daff.kit.problem.ProblemException;
import dev.daff.kit.problem.TransientFailures;
import dev.daff.slo.evaluation.AlertQueries;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.panache.common.Sort;
import dev.daff.slo.paging.PagingConfig;
import dev.daff.slo.paging.delivery.NotificationQueue;
import dev.daff.slo.paging.delivery.NotificationQueue.Destination;
import dev.daff.slo.paging.delivery.PageNotifications;
import dev.daff.slo.paging.delivery.PageNotification;
import dev.daff.slo.paging.oncall.TeamService;
import dev.daff.slo.paging.oncall.OnCall;
import dev.daff.slo.paging.oncall.TeamDefinition;
import dev.daff.slo.paging.secrets.Keyring;

/**
 * Turns PAGE alerts into pages for whoever is on call, takes acknowledgements, and sends the resolve when the alert
 * clears. It only queues notifications ({@link NotificationQueue}); escalation of what nobody acknowledges is
 * {@link dev.daff.slo.paging.escalation.Escalator}'s.
 */
@ApplicationScoped
public class Pager {

    private static final Logger LOG = Logger.getLogger(Pager.class);
    /** How often a page whose team has no definition looks for one again. */
    public static final Duration UNROUTED_RETRY = Duration.ofMinutes(1);

    private final Pages pages;
    private final PageNotifications notifications;
    private final NotificationQueue queue;
    private final TeamService teams;
    private final PageMessages messages;
    private final PagingConfig config;
    private final ObjectMapper json;
    private final Clock clock;
    private final AlertQueries alerts;
    private final PagesFollowTheirSlo owners;

    public Pager(Pages pages, PageNotifications notifications, NotificationQueue queue, TeamService teams,
            PagingConfig config, ObjectMapper json, Clock clock, AlertQueries alerts, Keyring keyring,
            PagesFollowTheirSlo owners) {
        this.alerts = alerts;
        this.owners = owners;
        this.pages = pages;
        this.notifications = notifications;
        this.queue = queue;
        this.teams = teams;
        this.config = config;
        this.json = json;
        this.clock = clock;
        this.messages = new PageMessages(json, keyring, config.publicUrl(), config.consoleUrl());
    }

    /** Pages a PAGE alert that fired, or resolves its page when it cleared; tickets are listed, not paged. */
    void apply(AlertEvent alert, String payload) {
        if (!AlertEvent.PAGE.equals(alert.severity()) || alert.dedupKey() == null) {
            return; // tickets are listed, not paged
        }
        Optional<Page> existing = pages.find("dedupKey", alert.dedupKey()).firstResultOptional();
        if (AlertEvent.FIRED.equals(alert.type()) && existing.isEmpty()) {
            trigger(alert, payload);
        } else if (!AlertEvent.FIRED.equals(alert.type())) {
            existing.ifPresentOrElse(page -> resolve(page, alert),
                    () -> pages.persist(Page.resolvedBeforePaged(alert, payload, clock.instant())));
        }
    }

    private void trigger(AlertEvent alert, String payload) {
        Page page = Page.firing(alert, owners.teamFor(alert), payload, clock.instant());
        pages.persist(page);
        try {
            Optional<TeamDefinition> team = teams.definition(page.team);
            if (team.isPresent()) {
                firstPage(page, team.get(), page.createdAt);
                return;
            }
            LOG.warnf("page %s for team %s has nobody to go to yet: the team is not defined", page.id, page.team);
        } catch (RuntimeException e) {
            if (TransientFailures.databaseError(e).isPresent() || QuarkusTransaction.isRollbackOnly()
                    || ApplicationLifecycleManager.isVmShuttingDown()) { // stopping: the EntityManager closed under it
                throw e; // the transaction is lost with it; the alert is consumed again, here or by another replica
            }
            // Thrown on, it would dead-letter the alert and the page would never be seen; stored, it is retried
            // whole (what was queued before the failure goes: the retry queues it again).
            LOG.errorf(e, "page %s for team %s: its first notifications could not be worked out", page.id, page.team);
            notifications.delete("pageId", page.id);
        }
        page.primaryHandle = null; // the escalation check pages it as soon as the team can be paged
        page.nextEscalationAt = page.createdAt.plus(UNROUTED_RETRY);
    }

    /** The page's first notifications, to whoever is on call now; escalation follows from here. */
    public void firstPage(Page page, TeamDefinition team, Instant now) {
        OnCall onCall = OnCall.at(team, now);
        page.primaryHandle = onCall.primary();
        page.nextEscalationAt = team.nextEscalationAt(notifyLevel(page, team, onCall, true), now);
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
        Set<String> sent = new LinkedHashSet<>();
        for (PageNotification trigger : notifications.list("pageId = ?1 and action = 'trigger'", Sort.by("id"), page.id)) {
            if (!sent.add(messages.followUpKey(trigger))) {
                continue;
            }
            String body = switch (trigger.channelType) {
                case "pagerduty" -> messages.pagerDutyFollowUp("resolve", trigger);
                case "slack" -> messages.slack("resolve", page, page.firedAlert(json));
                default -> messages.webhook("resolve", page, trigger.recipient, json.valueToTree(alert));
            };
            queue(page, "resolve", trigger, body);
        }
    }

    /**
     * Acknowledges a triggered page (an acknowledged one stays as it is); a resolved page answers 409. The row lock
     * makes an acknowledgement wait for an escalation or resolve in flight and then see what it wrote.
     * {@code toldByPagerDuty} when PagerDuty is who told us.
     */
    @Transactional
    public void acknowledge(UUID id, String subject, String displayName, boolean toldByPagerDuty) {
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
            page.reackDueAt = teams.reackAfter(page.team).map(page.acknowledgedAt::plus).orElse(null);
            acknowledgeInPagerDuty(page, toldByPagerDuty);
        }
        pages.flush(); // a stale write (a writer that skipped the lock) fails here, as 409, not at commit
    }

    /**
     * A person resolving a page by hand: only once its alert has cleared (its AlertResolved may be on its way); a
     * page closed while the SLO burns would hide the burn from everyone, so that is 409 and nothing changes.
     */
    @Transactional
    public void resolveByPerson(UUID id, String displayName) {
        Page page = pages.findByIdOptional(id, LockModeType.PESSIMISTIC_WRITE)
                .orElseThrow(() -> ProblemException.notFound("page", id.toString()));
        if (Page.RESOLVED.equals(page.state)) {
            throw ProblemException.conflict("page-resolved", "Page already resolved",
                    "The alert behind this page has cleared and the page is resolved.");
        }
        if (alerts.stillFiring(page.dedupKey)) {
            throw ProblemException.conflict("alert-still-firing", "The page's alert still fires",
                    "SLO " + page.sloName + " still fires its " + page.kind + " alert (" + page.tier + "), so the page"
                            + " stays open: daff resolves it when the alert clears. Acknowledge it to stop the escalation.");
        }
        resolve(page, page.firedAlert(json));
        page.resolvedBy = displayName;
        pages.flush();
    }

    /**
     * PagerDuty runs its own escalation: tell it too, once per service paged. Its webhook does not say which service told
     * us: with one, nobody else to tell; with several all are told (to the one that told us, a no-op), or others page on.
     */
    private void acknowledgeInPagerDuty(Page page, boolean toldByPagerDuty) {
        Map<String, PageNotification> byService = new LinkedHashMap<>();
        notifications.list("pageId = ?1 and action = 'trigger' and channelType = 'pagerduty'", Sort.by("id"), page.id)
                .forEach(trigger -> byService.putIfAbsent(messages.followUpKey(trigger), trigger));
        if (!toldByPagerDuty || byService.size() > 1) {
            byService.values().forEach(trigger -> queue(page, "acknowledge", trigger,
                    messages.pagerDutyFollowUp("acknowledge", trigger)));
        }
    }

    /** Queues the current escalation level's notifications (and, the first time, the team's); answers how many. */
    public int notifyLevel(Page page, TeamDefinition team, OnCall onCall, boolean first) {
        return notify(page, team, team.levelRecipients(page.escalationLevel, onCall), first);
    }

    /** Queues a trigger to each channel of {@code recipients} and of {@link TeamDefinition#teamChannelsFor}; a count. */
    public int notify(Page page, TeamDefinition team, Collection<String> recipients, boolean first) {
        AlertEvent alert = page.firedAlert(json);
        int queued = 0;
        for (String handle : recipients) {
            List<TeamDefinition.Channel> channels = team.member(handle).map(TeamDefinition.Member::channels).orElse(List.of());
            for (int i = 0; i < channels.size(); i++, queued++) {
                queue(page, handle, handle + "/" + i, channels.get(i), alert);
            }
        }
        List<TeamDefinition.Channel> teamChannels = team.teamChannelsFor(first, recipients);
        for (int i = 0; i < teamChannels.size(); i++, queued++) {
            queue(page, null, "team/" + i, teamChannels.get(i), alert);
        }
        return queued;
    }

    /**
     * Queues a trigger. The channel's secret goes into the row as the team stores it, sealed (the Slack URL too, so
     * {@code endpoint} is empty for Slack); the PagerDuty body has no routing key: the dispatcher opens the secret
     * and puts it into the request only when it sends.
     */
    private void queue(Page page, String recipient, String channelRef, TeamDefinition.Channel channel, AlertEvent alert) {
        switch (channel.type()) {
            case "pagerduty" -> queue.queue(page.id, "trigger", new Destination(recipient, channelRef, "pagerduty",
                    config.pagerdutyUrl(), channel.routingKey()), messages.pagerDuty("trigger", page, alert));
            case "slack" -> queue.queue(page.id, "trigger", new Destination(recipient, channelRef, "slack", null,
                    channel.url()), messages.slack("trigger", page, alert));
            default -> queue.queue(page.id, "trigger", new Destination(recipient, channelRef, "webhook", channel.url(),
                    channel.secret()), messages.webhook("trigger", page, recipient, json.valueToTree(alert)));
        }
    }

    /** A follow-up (resolve, acknowledge) to the channel {@code trigger} went to, with the same sealed secret. */
    private void queue(Page page, String action, PageNotification trigger, String body) {
        queue.queue(page.id, action, Destination.of(trigger), body);
    }
}
