package dev.daff.slo.paging.pages;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.daff.slo.definition.SloService.SloChanged;

/**
 * An SLO's open pages go with it to the team it is given. A page fired for a team that was never defined (a typo
 * in the SLO) would otherwise wait for that team for good, and one fired for the team that gave the SLO away would go
 * on waking people who no longer own it.
 */
@ApplicationScoped
public class PagesFollowTheirSlo {

    private static final Logger LOG = Logger.getLogger(PagesFollowTheirSlo.class);

    private final Pages pages;
    private final Clock clock;

    public PagesFollowTheirSlo(Pages pages, Clock clock) {
        this.pages = pages;
        this.clock = clock;
    }

    /**
     * In the transaction that changes the SLO. A page nobody has acknowledged starts over with the new team: its on-call
     * is paged at the next escalation check, and what the old team was still to be sent is not
     * ({@link Page#routedAt}). An acknowledged page keeps its acknowledgement.
     */
    void moveOpenPages(@Observes SloChanged change) {
        if (change.slo() == null || change.created()) {
            return;
        }
        int moved = pages.getEntityManager().createNativeQuery("""
                update page set team = ?1, routed_at = ?2, version = version + 1,
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
