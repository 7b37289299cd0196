package dev.daff.slo.paging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;



import dev.daff.kit.problem.ProblemException;
import dev.daff.kit.time.SqlTimes;
import dev.daff.kit.security.Roles;
import dev.daff.slo.paging.PagingRepositories.Pages;
import io.quarkus.panache.common.Sort;

@Path("/api/teams/{team}/paging-report")
@jakarta.ws.rs.Produces(MediaType.APPLICATION_JSON)
@ApplicationScoped
public class PagingReportResource {

    private final Pages pages;
    private final Teams teams;
    private final EntityManager entityManager;
    private final PagingConfig config;
    private final Clock clock;

    public PagingReportResource(Pages pages, Teams teams, EntityManager entityManager, PagingConfig config,
            Clock clock) {
        this.pages = pages;
        this.teams = teams;
        this.entityManager = entityManager;
        this.config = config;
        this.clock = clock;
    }

    @GET
    @Transactional
    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    public PagingReport report(@PathParam("team") String team, @QueryParam("from") Instant from,
            @QueryParam("to") Instant to) {
        Instant until = to == null ? clock.instant() : to;
        Instant since = from == null ? until.minus(Duration.ofDays(7)) : from;
        if (!since.isBefore(until)) {
            throw ProblemException.invalidField("from", "must be before to");
        }
        TeamDefinition definition = teams.definition(team).orElseThrow(() -> ProblemException.notFound("team", team));
        List<Page> inPeriod = pages.list("team = ?1 and createdAt >= ?2 and createdAt < ?3", Sort.by("createdAt"), team,
                since, until);
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery(
                "select detection_source, detected_at, services from incident_seen where detected_at >= ?1 and detected_at < ?2")
                .setParameter(1, since.minus(PagingReport.INCIDENT_AFTER))
                .setParameter(2, until.plus(PagingReport.INCIDENT_AFTER)).getResultList();
        List<PagingReport.SeenIncident> incidents = rows.stream().map(row -> new PagingReport.SeenIncident(
                (String) row[0], SqlTimes.toInstant(row[1]), Arrays.asList(((String) row[2]).split(",")))).toList();
        boolean anySeen = ((Number) entityManager.createNativeQuery("select count(*) from incident_seen")
                .getSingleResult()).longValue() > 0;
        return PagingReport.of(team, since, until, inPeriod, ZoneId.of(definition.rotation().timeZone()),
                config.workdayStartHour(), config.workdayEndHour(), incidents, anySeen);
    }
}
