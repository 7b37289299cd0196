package dev.daff.slo.evaluation;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.daff.kit.listing.PageRequest;
import dev.daff.kit.listing.Slice;
import dev.daff.kit.problem.ProblemException;
import dev.daff.slo.evaluation.AlertApi.AlertView;

/** Alert episodes as the API lists them: newest first, a page at a time. */
@ApplicationScoped
public class AlertQueries {

    private final SloAlerts alerts;

    public AlertQueries(SloAlerts alerts) {
        this.alerts = alerts;
    }

    /**
     * One page of episodes, {@code state} firing or all, of one SLO and one severity when given. The cursor holds the
     * last episode's firing time and id, so an alert firing meanwhile never shifts a page.
     */
    @Transactional
    public Slice<AlertView> list(String state, String slo, String severity, PageRequest page) {
        if (!state.equals("firing") && !state.equals("all")) {
            throw ProblemException.invalidField("state", "must be firing or all");
        }
        page.expectParts(2);
        List<SloAlert> fetched = alerts.list(state.equals("all"), slo, severity, page.isFirst() ? null : page.instant(0),
                page.isFirst() ? null : page.text(1), page.limit() + 1);
        return Slice.of(fetched, page.limit(), alert -> PageRequest.cursorAfter(alert.firedAt, alert.alertId))
                .map(AlertView::of);
    }

    /** Every unresolved episode of the SLO, newest first. */
    @Transactional
    public List<AlertView> firing(String slo) {
        return alerts.list(false, slo).stream().map(AlertView::of).toList();
    }

    /**
     * Whether the episode {@code dedupKey} is stored and not resolved: what paging asks before re-opening or letting a
     * person resolve a page. An unknown key is not firing.
     */
    @Transactional
    public boolean stillFiring(String dedupKey) {
        return alerts.count("dedupKey = ?1 and resolvedAt is null", dedupKey) > 0;
    }

    /** Whether the episode is on record here as cleared (not merely unknown here). */
    @Transactional
    public boolean cleared(String dedupKey) {
        return alerts.count("dedupKey = ?1 and resolvedAt is not null", dedupKey) > 0;
    }
}
