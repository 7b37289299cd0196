package dev.daff.slo.paging.escalation;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

import dev.daff.slo.evaluation.AlertQueries;
import dev.daff.slo.paging.oncall.OnCall;
import dev.daff.slo.paging.oncall.TeamDefinition;
import dev.daff.slo.paging.oncall.TeamService;
import dev.daff.slo.paging.pages.Page;
import dev.daff.slo.paging.pages.PageMessages;
import dev.daff.slo.paging.pages.Pager;
import dev.daff.slo.paging.pages.Pages;

/** Pages the next level of a team's escalation policy when nobody acknowledged a page in time. */
@ApplicationScoped
public class Escalator {

    private static final Logger LOG = Logger.getLogger(Escalator.class);

    private final Pages pages;
    private final TeamService teams;
    private final Pager pager;
    private final Clock clock;
    private final AlertQueries alerts;

    public Escalator(Pages pages, TeamService teams, Pager pager, Clock clock, AlertQueries alerts) {
        this.alerts = alerts;
        this.pages = pages;
        this.teams = teams;
        this.pager = pager;
        this.clock = clock;
    }

    @Scheduled(every = "${daff.paging.escalation-check-every}", identity = "page-escalation",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void escalateDue() {
        reopenStillFiring(clock.instant());
        escalate(clock.instant());
    }

    /**
     * Re-opens every acknowledged page whose {@code reackAfter} has passed while its alert still fires; answers how
     * many. A page whose alert has cleared is left to its AlertResolved, which is on its way. Locked like
     * {@link #escalate}, so two replicas never re-open one page twice.
     */
    @Transactional
    public int reopenStillFiring(Instant now) {
        @SuppressWarnings("unchecked")
        List<Page> due = pages.getEntityManager().createNativeQuery("""
                select * from page where state = 'ACKNOWLEDGED' and reack_due_at <= ?1
                order by reack_due_at for update skip locked""", Page.class)
                .setParameter(1, now).getResultList();
        int reopened = 0;
        for (Page page : due) {
            Optional<TeamDefinition> team = teams.definition(page.team);
            if (team.isEmpty() || team.get().reackAfter() == null || !alerts.stillFiring(page.dedupKey)) {
                page.reackDueAt = null;
                continue;
            }
            reopen(page, team.get(), OnCall.at(team.get(), now), now);
            reopened++;
        }
        return reopened;
    }

    /**
     * Back to TRIGGERED at the first escalation level, the on-call and the team's channels paged again, the reason
     * leading every message from here on ({@code reopenReason}).
     */
    private void reopen(Page page, TeamDefinition team, OnCall onCall, Instant now) {
        page.reopenReason = "acknowledged by " + page.acknowledgedBy + " at " + page.acknowledgedAt
                + ", and its alert still fires after the team's reackAfter of " + PageMessages.human(team.reackAfter());
        page.state = Page.TRIGGERED;
        page.reopenedCount++;
        page.reackDueAt = null;
        page.escalationLevel = 0;
        page.escalationRound = 0;
        page.primaryHandle = onCall.primary();
        pager.notifyLevel(page, team, onCall, true);
        page.nextEscalationAt = now.plus(team.escalationOrDefault().ackTimeout());
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
                // A page nobody can be told of stays due: the team may be defined (again) any minute.
                LOG.warnf("page %s for team %s has nobody to go to: the team has no on-call schedule", page.id, page.team);
                page.nextEscalationAt = now.plus(Pager.UNROUTED_RETRY);
                continue;
            }
            if (page.primaryHandle == null) {
                pager.firstPage(page, team.get(), now); // its team was not defined when it fired
                escalated++;
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
            pager.notifyLevel(page, team.get(), OnCall.at(team.get(), now), false);
            page.nextEscalationAt = now.plus(escalation.ackTimeout());
            escalated++;
        }
        return escalated;
    }
}
