package dev.daff.action.report;

import java.time.Clock;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.daff.action.followup.FollowUpActions;
import dev.daff.action.followup.ActionTypes.Kind;
import dev.daff.action.followup.IncidentFacts;
import dev.daff.action.report.TeamReportApi.TeamReport;
import dev.daff.action.report.TeamReportCalculator.ActionFacts;

/** Reads a team's actions and reports on them with {@link TeamReportCalculator}. */
@ApplicationScoped
public class TeamReportService {

    private final FollowUpActions actions;
    private final IncidentFacts incidents;
    private final Clock clock;

    public TeamReportService(FollowUpActions actions, IncidentFacts incidents, Clock clock) {
        this.actions = actions;
        this.incidents = incidents;
        this.clock = clock;
    }

    @Transactional
    public TeamReport report(String team) {
        List<ActionFacts> facts = actions.list("ownerTeam", team.trim()).stream()
                .map(a -> new ActionFacts(a.kind, a.scope, a.status, a.dueAt, a.createdAt, a.closedAt,
                        a.kind == Kind.WASHUP && a.status.isOpen() && incidents.reopened(a.incidentId)))
                .toList();
        return TeamReportCalculator.report(team.trim(), facts, incidents.awaitingFinalisation(team.trim()),
                clock.instant());
    }
}
