package dev.daff.slo.paging.escalation;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

import dev.daff.kit.problem.TransientFailures;
import dev.daff.slo.evaluation.AlertQueries;
import dev.daff.slo.paging.delivery.PageNotification;
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
    private final Counter failures;
    private final Counter unreached;
    private final Counter teamUndefined;

    public Escalator(Pages pages, TeamService teams, Pager pager, Clock clock, AlertQueries alerts,
            MeterRegistry registry) {
        this.alerts = alerts;
        this.pages = pages;
        this.teams = teams;
        this.pager = pager;
        this.clock = clock;
        this.failures = Counter.builder("daff.paging.escalation.failures")
                .description("Pages whose escalation step failed for another reason than the database being away")
                .register(registry);
        this.unreached = Counter.builder("daff.paging.pages.unreached")
                .description("Times a page went through every escalation level without anyone having a channel to tell")
                .register(registry);
        this.teamUndefined = Counter.builder("daff.paging.pages.team.undefined")
                .description("Escalation checks that found a page for a team nobody has defined (each check while it waits)")
                .register(registry);
    }

    @Scheduled(every = "${daff.paging.escalation-check-every}", identity = "page-escalation",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void escalateDue() {
        reopenStillFiring(clock.instant());
        escalate(clock.instant());
    }

    /**
     * Re-opens every acknowledged page whose {@code reackAfter} has passed while its alert still fires; answers how
     * many. A page whose alert has cleared is left to its AlertResolved, which is on its way.
     */
    public int reopenStillFiring(Instant now) {
        return eachDue(Page.ACKNOWLEDGED, "reack_due_at", now, page -> {
            Optional<TeamDefinition> team = teams.definition(page.team);
            if (team.isEmpty() || team.get().reackAfter() == null || !alerts.stillFiring(page.dedupKey)) {
                page.reackDueAt = null;
                return false;
            }
            reopen(page, team.get(), OnCall.at(team.get(), now), now);
            return true;
        });
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
        page.routedAt = now;
        page.reackDueAt = null;
        page.escalationLevel = 0;
        page.escalationRound = 0;
        page.primaryHandle = onCall.primary();
        page.nextEscalationAt = team.nextEscalationAt(pager.notifyLevel(page, team, onCall, true), now);
    }

    /** Pages the next level for every page nobody acknowledged in time; answers how many escalated. */
    public int escalate(Instant now) {
        return eachDue(Page.TRIGGERED, "next_escalation_at", now, page -> escalate(page, now));
    }

    private boolean escalate(Page page, Instant now) {
        if (alerts.cleared(page.dedupKey)) {
            // Stored as cleared, its AlertResolved still on the way (a broker that stalls holds it in the outbox):
            // paging the next level would wake people for a burn that stopped. Held, it resolves when that arrives.
            page.nextEscalationAt = now.plus(Pager.UNROUTED_RETRY);
            return false;
        }
        Optional<TeamDefinition> team = teams.definition(page.team);
        if (team.isEmpty()) {
            // A page nobody can be told of stays due: the team may be defined (again) any minute. Counted at every
            // check while it waits, so daff's own alert (DaffPageTeamUndefined) fires and holds until someone acts: a
            // typo in an SLO's team must not be a page that silently reaches nobody.
            teamUndefined.increment();
            LOG.warnf("page %s for team %s has nobody to go to: the team has no on-call schedule", page.id, page.team);
            page.nextEscalationAt = now.plus(Pager.UNROUTED_RETRY);
            return false;
        }
        if (page.primaryHandle == null) {
            pager.firstPage(page, team.get(), now); // nobody could be paged when it fired
            return true;
        }
        TeamDefinition.Escalation escalation = team.get().escalationOrDefault();
        int level = page.escalationLevel + 1;
        int round = page.escalationRound;
        if (level >= escalation.levels().size()) {
            level = 0;
            round++;
        }
        if (round > escalation.repeat()) {
            switch (triggersHeard(page)) {
                case DELIVERED -> page.nextEscalationAt = null; // everyone was paged repeat + 1 times: stop, it stays open
                case STILL_TRYING -> page.nextEscalationAt = now.plus(Pager.UNROUTED_RETRY); // a retry may yet get through
                case NONE -> startOverUnrouted(page, now);
            }
            return false;
        }
        page.escalationLevel = level;
        page.escalationRound = round;
        int told = pager.notify(page, team.get(), recipients(page, team.get(), OnCall.at(team.get(), now)), false);
        page.nextEscalationAt = team.get().nextEscalationAt(told, now);
        return true;
    }

    /**
     * Every level went by without anyone hearing of the page: no channel to tell, or every channel refused it (a 4xx,
     * or 5xx until the attempts ran out). The page starts over as one not yet routed, until the team's definition
     * gives somebody a channel or a channel takes it. Stopping would leave a firing page that nobody has heard of.
     */
    private void startOverUnrouted(Page page, Instant now) {
        unreached.increment();
        LOG.warnf("page %s for team %s has reached nobody: no channel it went to has taken it", page.id, page.team);
        page.primaryHandle = null;
        page.escalationLevel = 0;
        page.escalationRound = 0;
        page.nextEscalationAt = now.plus(Pager.UNROUTED_RETRY);
    }

    private enum Heard { DELIVERED, STILL_TRYING, NONE }

    /**
     * Whether a trigger of the page's current round (since it fired, was re-opened or changed team) reached a channel,
     * is still being tried, or none ever will. One delivered before a re-open says nothing of whether anyone hears
     * the re-open.
     */
    private Heard triggersHeard(Page page) {
        List<String> statuses = pages.getEntityManager().createQuery("select distinct n.status from PageNotification n"
                + " where n.pageId = ?1 and n.action = 'trigger' and n.createdAt >= ?2", String.class)
                .setParameter(1, page.id).setParameter(2, page.routedAt == null ? page.createdAt : page.routedAt)
                .getResultList();
        if (statuses.contains(PageNotification.DELIVERED)) {
            return Heard.DELIVERED;
        }
        return statuses.contains(PageNotification.PENDING) ? Heard.STILL_TRYING : Heard.NONE;
    }

    /**
     * Whom an escalation step pages. While the on-call the page first went to is still primary, the level's people.
     * After a hand-over, whoever holds the pager now takes the secondary's place, and a PRIMARY level pages them beside
     * the page's first recipient: a page left unacknowledged as its on-call goes off shift reaches the one who came on
     * (in a rotation, the shift's secondary), not the one who left a second time. A first recipient no longer on the
     * team (renamed, or gone) is no hand-over: renamed, they were paged again in the secondary's place.
     */
    static Collection<String> recipients(Page page, TeamDefinition team, OnCall onCall) {
        String level = team.escalationOrDefault().levels().get(page.escalationLevel);
        if (onCall.primary().equals(page.primaryHandle) || "TEAM".equals(level)
                || team.member(page.primaryHandle).isEmpty()) {
            return team.levelRecipients(page.escalationLevel, onCall);
        }
        return "SECONDARY".equals(level) ? List.of(onCall.primary()) : List.of(page.primaryHandle, onCall.primary());
    }

    /**
     * Applies {@code step} to each page in {@code state} due by {@code dueColumn}, each page in its own transaction,
     * and answers for how many it did something. One page whose step fails (its team's stored definition unreadable
     * by this version) is logged, counted in {@code daff_paging_escalation_failures_total} and tried again a minute
     * later; it holds back no other page. Every replica runs this: {@code SKIP LOCKED} leaves a page that
     * another replica is escalating (or someone is acknowledging or resolving) to that transaction, and once it
     * commits the page is no longer due, so each step is paged once.
     */
    private int eachDue(String state, String dueColumn, Instant now, Predicate<Page> step) {
        @SuppressWarnings("unchecked")
        List<UUID> due = QuarkusTransaction.requiringNew().call(() -> pages.getEntityManager().createNativeQuery(
                "select id from page where state = ?1 and " + dueColumn + " <= ?2 order by " + dueColumn, UUID.class)
                .setParameter(1, state).setParameter(2, now).getResultList());
        int done = 0;
        for (UUID id : due) {
            try {
                boolean did = QuarkusTransaction.requiringNew().call(() -> {
                    @SuppressWarnings("unchecked")
                    List<Page> locked = pages.getEntityManager().createNativeQuery("select * from page where id = ?1"
                            + " and state = ?2 and " + dueColumn + " <= ?3 for update skip locked", Page.class)
                            .setParameter(1, id).setParameter(2, state).setParameter(3, now).getResultList();
                    return !locked.isEmpty() && step.test(locked.get(0));
                });
                done += did ? 1 : 0;
            } catch (RuntimeException e) {
                if (TransientFailures.databaseError(e).filter(TransientFailures::isTransient).isPresent()) {
                    throw e; // the database is away: every page waits for the next check alike
                }
                failures.increment();
                LOG.errorf(e, "page %s could not be escalated; it is tried again in %s", id, Pager.UNROUTED_RETRY);
                postpone(id, state, dueColumn, now);
            }
        }
        return done;
    }

    /** A page whose step failed is tried again after {@link Pager#UNROUTED_RETRY}, not at every check. */
    private void postpone(UUID id, String state, String dueColumn, Instant now) {
        QuarkusTransaction.requiringNew().run(() -> pages.getEntityManager().createNativeQuery("update page set "
                + dueColumn + " = ?1 where id = ?2 and state = ?3 and " + dueColumn + " <= ?4")
                .setParameter(1, now.plus(Pager.UNROUTED_RETRY)).setParameter(2, id).setParameter(3, state)
                .setParameter(4, now).executeUpdate());
    }
}
