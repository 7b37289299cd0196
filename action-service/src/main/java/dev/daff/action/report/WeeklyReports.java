package dev.daff.action.report;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import dev.daff.action.report.TeamReportApi.TeamReport;
import dev.daff.events.TeamNotice;
import dev.daff.events.TeamNotice.WeeklyFigures;
import dev.daff.events.Topics;
import dev.daff.kit.outbox.Outbox;
import io.quarkus.scheduler.Scheduled;

/**
 * Sends each team its weekly follow-up report ({@code WeeklyActionReport} on daff.team-notices, for the team's
 * channels): the figures of {@link TeamReport} at that moment. A team is reported on while it has an open action or
 * closed one in the last 7 days. Each team gets one report per ISO week (UTC), once the cron's time in that week has
 * come: a row of {@code weekly_report_run} (key: week) and one of {@code team_weekly_report} (key: team, week) are
 * inserted "on conflict do nothing" in the same transaction as the outbox rows, so replicas, restarts and a repeated
 * run send nothing twice, and a run that failed is made at a later check.
 */
@ApplicationScoped
public class WeeklyReports {

    private static final Logger LOG = Logger.getLogger(WeeklyReports.class);

    private final TeamReportService reports;
    private final Outbox outbox;
    private final WeeklyReportConfig config;
    private final EntityManager entityManager;
    private final Clock clock;
    /** When the week's reports are due: the cron, read as Quartz reads it, in UTC. */
    private final ExecutionTime schedule;

    public WeeklyReports(TeamReportService reports, Outbox outbox, WeeklyReportConfig config,
            EntityManager entityManager, Clock clock) {
        this.reports = reports;
        this.outbox = outbox;
        this.config = config;
        this.entityManager = entityManager;
        this.clock = clock;
        this.schedule = ExecutionTime.forCron(new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ))
                .parse(config.cron()));
    }

    /**
     * Checks every few minutes rather than firing once at the cron's time: a database away at that moment (or a
     * replica restarting) only delays the week's reports to the next check after it is back.
     */
    @Scheduled(every = "${daff.actions.weekly-report.check-every}", identity = "action-weekly-report",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warnf("weekly report not sent yet, tried again at the next check: %s", e.getMessage());
        }
    }

    /** What the schedule runs: the week's reports when enabled and due, nothing otherwise; answers how many it sent. */
    public int tick() {
        return config.enabled() ? sendIfDue() : 0;
    }

    /** Sends the reports of the week whose cron time has come ({@link #dueWeek}), once; answers how many it sent. */
    @Transactional
    public int sendIfDue() {
        return dueWeek(schedule, clock.instant()).map(this::send).orElse(0);
    }

    /**
     * The ISO week whose reports are due at {@code now}: the week of the cron's last time, when that is in this week or
     * less than a day ago. The day covers a cron late in the week (Sunday 23:30) whose check could not run before
     * Monday: judged by this week alone, that week's reports were never sent.
     */
    static Optional<String> dueWeek(ExecutionTime schedule, Instant now) {
        Instant weekStart = now.atZone(ZoneOffset.UTC).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
                .truncatedTo(ChronoUnit.DAYS).toInstant();
        return schedule.lastExecution(now.atZone(ZoneOffset.UTC)).map(ZonedDateTime::toInstant)
                .filter(last -> !last.isBefore(weekStart) || last.isAfter(now.minus(Duration.ofDays(1))))
                .map(WeeklyReports::isoWeek);
    }

    /** Sends this ISO week's reports (see {@link #send(String)}). */
    @Transactional
    public int send() {
        return send(isoWeek(clock.instant()));
    }

    /**
     * Sends {@code week}'s report to every team that has none yet, unless that week's run has been made (by any
     * replica); answers how many it sent.
     */
    @Transactional
    public int send(String week) {
        Instant now = clock.instant();
        int firstRun = entityManager.createNativeQuery("""
                insert into weekly_report_run (week, sent_at) values (?1, ?2) on conflict do nothing""")
                .setParameter(1, week).setParameter(2, now).executeUpdate();
        if (firstRun == 0) {
            return 0;
        }
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
