package dev.daff.action.report;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.daff.action.followup.ActionTypes.Kind;
import dev.daff.action.followup.FollowUpAction;
import dev.daff.action.followup.FollowUpActions;
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
        Instant now = clock.instant();
        List<FollowUpAction> owned = actions.list("ownerTeam", team.trim());
        // One query for the incidents of its past-due WASHUP actions: a reopened one's waits, it is not overdue.
        Set<UUID> notResolved = incidents.notResolved(owned.stream()
                .filter(a -> a.kind == Kind.WASHUP && a.status.isOpen() && a.dueAt.isBefore(now))
                .map(a -> a.incidentId).collect(Collectors.toSet()));
        List<ActionFacts> facts = owned.stream()
                .map(a -> new ActionFacts(a.kind, a.scope, a.status, a.dueAt, a.createdAt, a.closedAt,
                        a.kind == Kind.WASHUP && notResolved.contains(a.incidentId)))
                .toList();
        return TeamReportCalculator.report(team.trim(), facts, incidents.awaitingFinalisation(team.trim()), now);
    }
}
