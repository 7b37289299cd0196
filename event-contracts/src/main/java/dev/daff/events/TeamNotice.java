package dev.daff.events;

import java.time.Instant;

/**
 * Something a team should hear about at low urgency, in its own channels (Slack, webhook) and never through
 * PagerDuty: an open follow-up action due soon or due now, or the team's weekly follow-up report. Published by
 * action-service on {@link Topics#TEAM_NOTICES}, key = team.
 *
 * @param team     the team the notice is for (the action's owner team)
 * @param summary  one line a person reads in Slack, made by the producer
 * @param actionId the action a reminder is about; null for the weekly report
 * @param incidentId the incident the action follows up; null for the weekly report
 * @param title    the action's title; null for the weekly report
 * @param assignee who the action is assigned to, if anyone; null for the weekly report
 * @param dueAt    when the action is due; null for the weekly report
 * @param weekly   the figures of the weekly report; null for a reminder
 */
public record TeamNotice(String eventId, String type, int version, Instant occurredAt, String team, String summary,
        String actionId, String incidentId, String title, String assignee, Instant dueAt, WeeklyFigures weekly)
        implements EventEnvelope {

    public static final int CURRENT_VERSION = 1;
    /** An open action falls due within the configured lead time. */
    public static final String ACTION_DUE_SOON = "ActionDueSoon";
    /** An open action reached its due date. */
    public static final String ACTION_DUE = "ActionDue";
    /** The team's weekly follow-up report. */
    public static final String WEEKLY_REPORT = "WeeklyActionReport";
    public static final java.util.Set<String> TYPES = java.util.Set.of(ACTION_DUE_SOON, ACTION_DUE, WEEKLY_REPORT);

    /**
     * A team's follow-up figures at the end of an ISO week.
     *
     * @param week the ISO week reported, e.g. {@code 2026-W49}
     * @param open the team's open actions (OPEN, IN_PROGRESS)
     * @param overdue of those, the ones past their due date
     * @param closedLast7Days actions closed (DONE or WONT_DO) in the 7 days before the report
     * @param systemicShare SYSTEMIC among the team's actions, WASHUP left out; null when there is none
     * @param incidentsAwaitingFinalisation the team's incidents resolved but not yet finalised
     */
    public record WeeklyFigures(String week, long open, long overdue, long closedLast7Days, Double systemicShare,
            long incidentsAwaitingFinalisation) {
    }
}
