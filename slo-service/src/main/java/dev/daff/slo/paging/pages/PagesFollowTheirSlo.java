package dev.daff.slo.paging.pages;

import java.time.Clock;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.daff.events.AlertEvent;
import dev.daff.slo.definition.SloService.SloChanged;
import dev.daff.slo.paging.oncall.TeamService;

/**
 * A page goes to its SLO's team, and an SLO's open pages go with it to the team it is given. A page fired for a team
 * that was never defined (a typo in the SLO) would otherwise wait for that team for good, and one fired for the team
 * that gave the SLO away would go on waking people who no longer own it.
 */
@ApplicationScoped
public class PagesFollowTheirSlo {

    private static final Logger LOG = Logger.getLogger(PagesFollowTheirSlo.class);

    private final Pages pages;
    private final TeamService teams;
    private final Clock clock;

    public PagesFollowTheirSlo(Pages pages, TeamService teams, Clock clock) {
        this.pages = pages;
        this.teams = teams;
        this.clock = clock;
    }

    /**
     * The team a new page of {@code alert} goes to: its SLO's team as stored now, which an alert held in a stalled
     * broker may predate. Read under a share lock, so a change of team in flight is waited for, or waits for this page
     * and then moves it. The alert's own team when the SLO is gone, or when only the alert's team is defined: a page
     * must go to someone who can be paged.
     */
    String teamFor(AlertEvent alert) {
        List<?> stored = pages.getEntityManager().createNativeQuery("select team from slo where name = ?1 for share")
                .setParameter(1, alert.slo()).getResultList();
        if (stored.isEmpty() || stored.get(0).equals(alert.team())) {
            return alert.team();
        }
        String current = (String) stored.get(0);
        return teams.defined(current) || !teams.defined(alert.team()) ? current : alert.team();
    }

    /**
     * In the transaction that changes the SLO. A page nobody has acknowledged starts over with the new team: its on-call
     * is paged at the next escalation check, and what the old team was still to be sent is not
     * ({@link Page#routedAt}); it counts as re-opened, so its PagerDuty incidents take a new key (the old team's stays
     * open there, and acknowledged by the old team it kept the new team from being paged), and every message says
     * why. An acknowledged page keeps its acknowledgement. Given to a team that is not defined (a
     * typo), the pages stay where they are: moved, they would reach nobody while the SLO burns.
     */
    void moveOpenPages(@Observes SloChanged change) {
        if (change.slo() == null || change.created()) {
            return;
        }
        if (!teams.defined(change.slo().team())) {
            LOG.warnf("SLO %s was given to team %s, which is not defined: its open pages stay with the team they went to",
                    change.name(), change.slo().team());
            return;
        }
        int moved = pages.getEntityManager().createNativeQuery("""
                update page set team = ?1, routed_at = ?2, version = version + 1,
                  reopened_count = case when state = 'TRIGGERED' then reopened_count + 1 else reopened_count end,
                  reopen_reason = case when state = 'TRIGGERED'
                    then 'its SLO was given to team ' || ?1 || ', from ' || coalesce(team, 'no team') else reopen_reason end,
                  primary_handle = case when state = 'TRIGGERED' then null else primary_handle end,
                  escalation_level = case when state = 'TRIGGERED' then 0 else escalation_level end,
                  escalation_round = case when state = 'TRIGGERED' then 0 else escalation_round end,
                  next_escalation_at = case when state = 'TRIGGERED' then ?2 else next_escalation_at end
                where slo_name = ?3 and state <> 'RESOLVED' and team is distinct from ?1""")
                .setParameter(1, change.slo().team()).setParameter(2, clock.instant()).setParameter(3, change.name())
                .executeUpdate();
        if (moved > 0) {
            LOG.infof("SLO %s moved to team %s: %d open page(s) go with it", change.name(), change.slo().team(), moved);
        }
    }
}
