package dev.daff.slo.status;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.daff.kit.security.Roles;
import dev.daff.kit.problem.ProblemException;
import dev.daff.slo.definition.Slo;
import dev.daff.slo.definition.SloRepository;

@Path("/api/slos/{name}/status")
@Produces(MediaType.APPLICATION_JSON)
public class SloStatusResource {

    /** Events counted over the SLO window. */
    public record Events(long good, long total) {
    }

    public record SloStatus(String slo, double objective, String window, Events events) {
    }

    private final SloRepository slos;
    private final EntityManager entityManager;
    private final Clock clock;

    public SloStatusResource(SloRepository slos, EntityManager entityManager, Clock clock) {
        this.slos = slos;
        this.entityManager = entityManager;
        this.clock = clock;
    }

    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    @GET
    @Transactional
    public SloStatus status(@PathParam("name") String name) {
        Slo slo = slos.findByIdOptional(name).orElseThrow(() -> ProblemException.notFound("SLO", name));
        Instant since = clock.instant().minus(slo.window().length());
        Object[] sums = (Object[]) entityManager.createNativeQuery(
                "select coalesce(sum(good), 0), coalesce(sum(total), 0) from sli_bucket where slo_name = ?1 and minute > ?2")
                .setParameter(1, name).setParameter(2, OffsetDateTime.ofInstant(since, ZoneOffset.UTC)).getSingleResult();
        return new SloStatus(name, slo.objective, slo.window().label(),
                new Events(((Number) sums[0]).longValue(), ((Number) sums[1]).longValue()));
    }
}
