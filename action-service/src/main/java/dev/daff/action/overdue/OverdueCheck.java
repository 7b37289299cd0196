package dev.daff.action.overdue;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import dev.daff.action.followup.ActionConfig;
import dev.daff.action.followup.ActionEvents;
import dev.daff.action.followup.ActionTypes.Kind;
import dev.daff.action.followup.ActionTypes.Status;
import dev.daff.action.followup.FollowUpAction;
import dev.daff.action.followup.FollowUpActions;
import dev.daff.events.ActionEvent;
import dev.daff.kit.db.AdvisoryLocks;
import io.quarkus.panache.common.Parameters;
import io.quarkus.scheduler.Scheduled;

/**
 * Finds open actions (OPEN or IN_PROGRESS) past their due date and announces each with {@code ActionOverdue}:
 * once when it first becomes overdue, then again every {@code daff.actions.overdue-repeat} while it stays
 * open. A closed action (DONE or WONT_DO) is never announced. Each announcement is stored on the action
 * ({@code overdueNotifiedAt}) in the same transaction as its outbox row, so a crash neither loses nor repeats it.
 */
@ApplicationScoped
public class OverdueCheck {

    private static final Logger LOG = Logger.getLogger(OverdueCheck.class);
    /** Any constant shared by all replicas: one check at a time, so no action is announced twice. */
    private static final long CHECK_LOCK = 0x0da1ff0d;

    /** Open, past due, and not announced within the repeat interval; a WASHUP action waits while its incident is reopened. */
    private static final String DUE = "status in :open and dueAt < :now"
            + " and (overdueNotifiedAt is null or overdueNotifiedAt <= :repeatBefore)"
            + " and (kind <> :washup or incidentId not in (select k.id from KnownIncident k where k.status <> 'RESOLVED'))";

    private final FollowUpActions actions;
    private final ActionEvents events;
    private final ActionConfig config;
    private final EntityManager entityManager;
    private final Clock clock;

    public OverdueCheck(FollowUpActions actions, ActionEvents events, ActionConfig config, EntityManager entityManager,
            Clock clock) {
        this.actions = actions;
        this.events = events;
        this.config = config;
        this.entityManager = entityManager;
        this.clock = clock;
    }

    @Scheduled(every = "${daff.actions.overdue-check-every}", identity = "action-overdue-check",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            check();
        } catch (RuntimeException e) {
            LOG.warnf("overdue check will retry on the next tick: %s", e.getMessage());
        }
    }

    /**
     * Announces every action that is overdue now and was not announced within the repeat interval; answers how
     * many it announced. Replicas (and a direct call racing the schedule) take turns on a PostgreSQL advisory
     * lock, and the one that waits sees what the other committed. The WASHUP action of an incident reopened since it
     * was made waits: its washup cannot be written until the incident is resolved again, which gives it a new due date.
     */
    @Transactional
    public int check() {
        AdvisoryLocks.take(entityManager, CHECK_LOCK);
        Instant now = clock.instant();
        Parameters parameters = Parameters.with("open", List.of(Status.OPEN, Status.IN_PROGRESS)).and("now", now)
                .and("repeatBefore", now.minus(config.overdueRepeat())).and("washup", Kind.WASHUP);
        // The incidents' locks before any of their actions' rows, as every writer of actions takes them: holding a row
        // it had marked while waiting for an incident a person's transition held (and that transition waiting for the
        // row), one of the two was aborted as a deadlock. Read after the locks, no action changes under the marking.
        TypedQuery<UUID> incidents = entityManager.createQuery("select distinct incidentId from FollowUpAction where " + DUE,
                UUID.class);
        parameters.map().forEach(incidents::setParameter);
        events.lockIncidents(incidents.getResultList());
        List<FollowUpAction> due = actions.list(DUE + " order by dueAt, id", parameters);
        for (FollowUpAction action : due) {
            action.overdueNotifiedAt = now;
            events.publish(ActionEvent.OVERDUE, action);
        }
        return due.size();
    }
}
