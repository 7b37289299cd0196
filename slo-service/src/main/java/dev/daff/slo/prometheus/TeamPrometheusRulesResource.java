package dev.daff.slo.prometheus;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;

import dev.daff.kit.security.Roles;

/** The rules of every SLO of a team that has a Prometheus section, in one file. */
@Path("/api/teams/{team}/prometheus-rules")
public class TeamPrometheusRulesResource {

    private final PrometheusRulesService rules;

    public TeamPrometheusRulesResource(PrometheusRulesService rules) {
        this.rules = rules;
    }

    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    @GET
    @Produces("application/yaml")
    public String rules(@PathParam("team") String team) {
        return rules.forTeam(team);
    }
}
