package dev.daff.action.reminders;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import dev.daff.action.followup.FollowUpAction;
import dev.daff.action.followup.FollowUpActions;
import dev.daff.events.TeamNotice;
import dev.daff.events.Topics;
import dev.daff.kit.outbox.Outbox;
import io.quarkus.scheduler.Scheduled;

/**
 * Reminds the owner team of every open action (OPEN or IN_PROGRESS) twice: {@code ActionDueSoon} once it is due
 * within {@code daff.actions.reminders.before}, and {@code ActionDue} once its due date has passed. Each reminder is
 * claimed with a row of {@code action_reminder} (key: action, kind, due date) in the same transaction as its outbox
 * row, inserted "on conflict do nothing": however many replicas run the check, and however often, each reminder is
 * sent once, and a crash loses none. An action moved to a new due date is reminded again for that date; a closed
 * action (DONE, WONT_DO) never is.
 */
@ApplicationScoped
public class ActionReminders {

    private static final Logger LOG = Logger.getLogger(ActionReminders.class);
    /** Reminders claimed per kind and run, so one transaction stays small when the check is first turned on. */
    static final int BATCH = 500;

    private final FollowUpActions actions;
    private final Outbox outbox;
    private final RemindersConfig config;
    private final EntityManager entityManager;
    private final Clock clock;

    public ActionReminders(FollowUpActions actions, Outbox outbox, RemindersConfig config,
            EntityManager entityManager, Clock clock) {
        this.actions = actions;
        this.outbox = outbox;
        this.config = config;
        this.entityManager = entityManager;
        this.clock = clock;
    }

    @Scheduled(every = "${daff.actions.reminders.every}", identity = "action-reminders",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warnf("reminder check will retry on the next tick: %s", e.getMessage());
        }
    }

    /** What the schedule runs: the check when reminders are enabled, nothing otherwise; answers how many it sent. */
    public int tick() {
        return config.enabled() ? check() : 0;
    }

    /** Sends every reminder due now that was not sent yet; answers how many it sent. */
    @Transactional
    public int check() {
        Instant now = clock.instant();
        int sent = 0;
        // ActionDue first: an action already past due when first seen is not told it is "due soon".
        for (UUID id : claim("DUE", now, "a.due_at <= ?2")) {
            remind(TeamNotice.ACTION_DUE, actions.findById(id), now);
            sent++;
        }
        for (UUID id : claim("DUE_SOON", now, "a.due_at > ?2 and a.due_at <= ?3")) {
            remind(TeamNotice.ACTION_DUE_SOON, actions.findById(id), now);
            sent++;
        }
        return sent;
    }

    /**
     * Records the reminders of {@code kind} that {@code dueRule} selects and nobody sent yet; answers their actions.
     * A replica running the same insert at once waits for this one's rows and then skips them. The actions' rows are
     * locked until the reminders are sent, so an action handed to another team meanwhile waits, and then forgets
     * this reminder for the new team to get its own; read before it, the reminder went to the old team and stayed.
     */
    private List<UUID> claim(String kind, Instant now, String dueRule) {
        var insert = entityManager.createNativeQuery("""
                insert into action_reminder (action_id, kind, due_at, sent_at)
                select a.id, ?1, a.due_at, ?2 from follow_up_action a
                where a.status in ('OPEN', 'IN_PROGRESS') and %s
                  and (a.kind <> 'WASHUP' or not exists (select 1 from known_incident k
                                                         where k.id = a.incident_id and k.status <> 'RESOLVED'))
                  and not exists (select 1 from action_reminder r
                                  where r.action_id = a.id and r.kind = ?1 and r.due_at = a.due_at)
                order by a.due_at, a.id limit %d
                for update of a
                on conflict do nothing
                returning action_id""".formatted(dueRule, BATCH), UUID.class)
                .setParameter(1, kind).setParameter(2, now);
        if (dueRule.contains("?3")) {
            insert.setParameter(3, now.plus(config.before()));
        }
        @SuppressWarnings("unchecked")
        List<UUID> claimed = insert.getResultList();
        return claimed;
    }

    private void remind(String type, FollowUpAction action, Instant now) {
        String summary = TeamNotice.ACTION_DUE.equals(type)
                ? "Follow-up action due now: " + action.title
                : "Follow-up action due in " + inWords(Duration.between(now, action.dueAt)) + ": " + action.title;
        TeamNotice notice = new TeamNotice(UUID.randomUUID().toString(), type, TeamNotice.CURRENT_VERSION, now,
                action.ownerTeam, summary, action.id.toString(), action.incidentId.toString(), action.title,
                action.assignee, action.dueAt, null);
        outbox.publish(Topics.TEAM_NOTICES, action.ownerTeam, notice);
    }

    /** "2 days", "5 hours", "40 minutes": what a reader needs, rounded down. */
    static String inWords(Duration left) {
        if (left.toDays() >= 1) {
            return left.toDays() + (left.toDays() == 1 ? " day" : " days");
        }
        if (left.toHours() >= 1) {
            return left.toHours() + (left.toHours() == 1 ? " hour" : " hours");
        }
        long minutes = Math.max(1, left.toMinutes());
        return minutes + (minutes == 1 ? " minute" : " minutes");
    }
}
