package dev.daff.action.report;

/** What the team report API answers. */
public final class TeamReportApi {

    private TeamReportApi() {
    }

    /**
     * How a team's follow-up actions stand, at the service clock's "now".
     *
     * @param team the owning team the report is for (exactly as actions name it)
     * @param open the team's actions in OPEN or IN_PROGRESS, every kind including WASHUP
     * @param overdue of those open actions, the ones whose {@code dueAt} is before now (the same rule as
     *            {@code GET /api/actions?overdue=true}, whether or not {@code ActionOverdue} was announced yet)
     * @param doneLast30Days the team's actions closed as DONE within the last 30 days ({@code closedAt} after now
     *            minus 30 days); WONT_DO is a decision, not work done, and is not counted
     * @param medianDaysToClose the median, over the same DONE-in-the-last-30-days actions, of
     *            {@code closedAt - createdAt} in days (fractional: 36 hours is 1.5); for an even count, the mean
     *            of the two middle values; null when no action was done in the last 30 days
     * @param systemicShare the team's actions with scope SYSTEMIC divided by all of the team's actions, every
     *            status and all time, leaving out WASHUP actions (daff makes those, always LOCAL, one per
     *            incident: counting them would measure incidents, not the team's choices); a number from 0 to 1,
     *            null when the team has no such action
     * @param closedLast7Days the team's actions closed within the last 7 days ({@code closedAt} after now minus 7
     *            days), DONE and WONT_DO alike: what the weekly report calls closed this week
     * @param incidentsAwaitingFinalisation the team's incidents that are RESOLVED but not FINALISED, as
     *            action-service last heard on daff.incident-events
     */
    public record TeamReport(String team, long open, long overdue, long doneLast30Days, Double medianDaysToClose,
            Double systemicShare, long closedLast7Days, long incidentsAwaitingFinalisation) {
    }
}
