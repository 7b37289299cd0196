package dev.daff.action.report;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import dev.daff.action.report.TeamReportApi.TeamReport;
import dev.daff.events.TeamNotice;
import dev.daff.events.TeamNotice.WeeklyFigures;
import dev.daff.events.Topics;
import dev.daff.kit.outbox.Outbox;
import io.quarkus.scheduler.Scheduled;

/**
 * Sends each team its weekly follow-up report ({@code WeeklyActionReport} on daff.team-notices, for the team's
 * channels): the figures of {@link TeamReport} at that moment. A team is reported on while it has an open action or
 * closed one in the last 7 days. Each team gets one report per ISO week (UTC): a row of {@code team_weekly_report}
 * (key: team, week) is inserted "on conflict do nothing" in the same transaction as the outbox rows, so replicas,
 * restarts and a repeated run send nothing twice.
 */
@ApplicationScoped
public class WeeklyReports {

    private static final Logger LOG = Logger.getLogger(WeeklyReports.class);

    private final TeamReportService reports;
    private final Outbox outbox;
    private final WeeklyReportConfig config;
    private final EntityManager entityManager;
    private final Clock clock;

    public WeeklyReports(TeamReportService reports, Outbox outbox, WeeklyReportConfig config,
            EntityManager entityManager, Clock clock) {
        this.reports = reports;
        this.outbox = outbox;
        this.config = config;
        this.entityManager = entityManager;
        this.clock = clock;
    }

    @Scheduled(cron = "${daff.actions.weekly-report.cron}", identity = "action-weekly-report",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            tick();
        } catch (RuntimeException e) {
            // The week's rows were not committed: the next run (a restart, or next week's) may send them.
            LOG.warnf("weekly report not sent: %s", e.getMessage());
        }
    }

    /** What the schedule runs: the reports when enabled, nothing otherwise; answers how many it sent. */
    public int tick() {
        return config.enabled() ? send() : 0;
    }

    /** Sends this ISO week's report to every team that has none yet; answers how many it sent. */
    @Transactional
    public int send() {
        Instant now = clock.instant();
        String week = isoWeek(now);
        @SuppressWarnings("unchecked")
        List<String> teams = entityManager.createNativeQuery("""
                insert into team_weekly_report (team, week, sent_at)
                select active.team, ?1, ?2
                from (select distinct owner_team as team from follow_up_action
                      where status in ('OPEN', 'IN_PROGRESS') or closed_at > ?3) active
                on conflict do nothing
                returning team""", String.class)
                .setParameter(1, week).setParameter(2, now).setParameter(3, now.minus(TeamReportCalculator.WEEK))
                .getResultList();
        for (String team : teams) {
            TeamReport report = reports.report(team);
            WeeklyFigures figures = new WeeklyFigures(week, report.open(), report.overdue(), report.closedLast7Days(),
                    report.systemicShare(), report.incidentsAwaitingFinalisation());
            outbox.publish(Topics.TEAM_NOTICES, team, new TeamNotice(UUID.randomUUID().toString(),
                    TeamNotice.WEEKLY_REPORT, TeamNotice.CURRENT_VERSION, now, team, summary(team, figures), null, null,
                    null, null, null, figures));
        }
        return teams.size();
    }

    static String isoWeek(Instant at) {
        ZonedDateTime utc = at.atZone(ZoneOffset.UTC);
        return "%d-W%02d".formatted(utc.get(IsoFields.WEEK_BASED_YEAR), utc.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }

    static String summary(String team, WeeklyFigures figures) {
        String systemic = figures.systemicShare() == null ? "no actions yet"
                : Math.round(figures.systemicShare() * 100) + " %";
        return "Follow-up report for " + team + ", " + figures.week() + ": " + figures.open() + " open ("
                + figures.overdue() + " overdue), " + figures.closedLast7Days() + " closed in the last 7 days, systemic "
                + systemic + ", " + figures.incidentsAwaitingFinalisation() + " incidents waiting for finalisation";
    }
}
