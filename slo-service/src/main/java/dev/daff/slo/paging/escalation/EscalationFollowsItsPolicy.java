package dev.daff.slo.paging.escalation;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.daff.slo.paging.oncall.TeamService.TeamRedefined;
import dev.daff.slo.paging.pages.Page;
import dev.daff.slo.paging.pages.Pages;

/**
 * A team's escalation levels redefined while its pages escalate: each page goes on from the first level of the new
 * policy that it has not paged in its current round. Read against the new list, the position a page had reached in
 * the old one skipped levels, and a shorter list could end its escalation before its new last level was paged
 * (PRIMARY, SECONDARY, TEAM at SECONDARY, made PRIMARY, TEAM: TEAM was never paged).
 */
@ApplicationScoped
public class EscalationFollowsItsPolicy {

    private final Pages pages;

    public EscalationFollowsItsPolicy(Pages pages) {
        this.pages = pages;
    }

    /** In the PUT's transaction; waits for a step in flight on one of the team's pages, then sees where it got. */
    void follow(@Observes TeamRedefined change) {
        if (change.before() == null) {
            return; // a page of a team not defined before starts at its first level
        }
        List<String> before = change.before().escalationOrDefault().levels();
        List<String> after = change.after().escalationOrDefault().levels();
        if (before.equals(after)) {
            return;
        }
        @SuppressWarnings("unchecked")
        List<Page> escalating = pages.getEntityManager().createNativeQuery("select * from page where team = ?1"
                + " and state = 'TRIGGERED' and primary_handle is not null and next_escalation_at is not null"
                + " order by id for update", Page.class).setParameter(1, change.name()).getResultList();
        for (Page page : escalating) {
            page.escalationLevel = reached(before, after, page.escalationLevel);
        }
    }

    /**
     * Where in {@code after} a page stands that had paged {@code before} up to {@code level} in its round: just before
     * the first level of {@code after} not among those (-1 when that is its first), so that the next step pages it;
     * the last level when every level of {@code after} was paged, so that the next step starts the next round.
     */
    static int reached(List<String> before, List<String> after, int level) {
        List<String> paged = new ArrayList<>(before.subList(0, Math.min(level + 1, before.size())));
        for (int i = 0; i < after.size(); i++) {
            if (!paged.remove(after.get(i))) {
                return i - 1;
            }
        }
        return after.size() - 1;
    }
}
