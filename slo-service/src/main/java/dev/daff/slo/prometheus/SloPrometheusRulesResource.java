package dev.daff.slo.prometheus;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;

import dev.daff.kit.security.Roles;

/** One SLO's Sloth-compatible recording and alert rules. */
@Path("/api/slos/{name}/prometheus-rules")
public class SloPrometheusRulesResource {

    private final PrometheusRulesService rules;

    public SloPrometheusRulesResource(PrometheusRulesService rules) {
        this.rules = rules;
    }

    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    @GET
    @Produces("application/yaml")
    public String rules(@PathParam("name") String name) {
        return rules.forSlo(name);
    }
}
