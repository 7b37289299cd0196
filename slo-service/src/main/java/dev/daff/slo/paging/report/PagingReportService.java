package dev.daff.slo.paging.report;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.daff.kit.problem.ProblemException;
import io.quarkus.panache.common.Sort;
import dev.daff.slo.paging.PagingConfig;
import dev.daff.slo.paging.oncall.TeamService;
import dev.daff.slo.paging.oncall.OnCall;
import dev.daff.slo.paging.oncall.TeamDefinition;
import dev.daff.slo.paging.pages.Page;
import dev.daff.slo.paging.pages.Pages;

/** A team's paging report over a period: how often, when and for what it was paged, and what became incidents. */
@ApplicationScoped
public class PagingReportService {

    private final Pages pages;
    private final TeamService teams;
    private final SeenIncidents seen;
    private final PagingConfig config;
    private final Clock clock;

    public PagingReportService(Pages pages, TeamService teams, SeenIncidents seen, PagingConfig config, Clock clock) {
        this.pages = pages;
        this.teams = teams;
        this.seen = seen;
        this.config = config;
        this.clock = clock;
    }

    /** The longest period one report covers: a year's pages of one team, read whole. */
    static final Duration MAX_PERIOD = Duration.ofDays(366);
    /** How far from now either end may be: pages are kept for less, and further out times overflow date arithmetic. */
    static final Duration MAX_DISTANCE = Duration.ofDays(3_660);

    /** Over [from, to): the last seven days to now when not given; at most {@link #MAX_PERIOD}. */
    @Transactional
    public PagingReport report(String team, Instant from, Instant to) {
        Instant now = clock.instant();
        within(now, "to", to);
        within(now, "from", from);
        Instant until = to == null ? now : to;
        Instant since = from == null ? until.minus(Duration.ofDays(7)) : from;
        if (!since.isBefore(until)) {
            throw ProblemException.invalidField("from", "must be before to");
        }
        if (Duration.between(since, until).compareTo(MAX_PERIOD) > 0) {
            throw ProblemException.invalidField("from", "must be at most " + MAX_PERIOD.toDays() + " days before to");
        }
        TeamDefinition definition = teams.definition(team).orElseThrow(() -> ProblemException.notFound("team", team));
        List<Page> inPeriod = pages.list("team = ?1 and createdAt >= ?2 and createdAt < ?3", Sort.by("createdAt"), team,
                since, until);
        List<PagingReport.SeenIncident> incidents = seen.between(since.minus(PagingReport.INCIDENT_AFTER),
                until.plus(PagingReport.INCIDENT_AFTER));
        return PagingReport.of(team, since, until, inPeriod, OnCall.zoneOrUtc(definition.rotation().timeZone()),
                config.workdayStartHour(), config.workdayEndHour(), incidents, seen.any());
    }

    private static void within(Instant now, String field, Instant time) {
        if (time != null && Duration.between(time, now).abs().compareTo(MAX_DISTANCE) > 0) {
            throw ProblemException.invalidField(field, "must be within " + MAX_DISTANCE.toDays() + " days of now");
        }
    }
}
