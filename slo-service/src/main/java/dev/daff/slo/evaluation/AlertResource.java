package dev.daff.slo.evaluation;

import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.daff.kit.problem.ProblemException;
import dev.daff.kit.security.Roles;

@Path("/api/alerts")
@Produces(MediaType.APPLICATION_JSON)
public class AlertResource {

    public record AlertView(String alertId, String dedupKey, String slo, String severity, String kind, String tier,
            String state, double burnRateLong, double burnRateShort, double threshold, double budgetRemaining,
            Instant exhaustionAt, Instant firedAt, Instant resolvedAt) {
    }

    private final SloAlerts alerts;

    public AlertResource(SloAlerts alerts) {
        this.alerts = alerts;
    }

    @GET
    @Transactional
    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    public List<AlertView> list(@QueryParam("state") @DefaultValue("firing") String state, @QueryParam("slo") String slo) {
        if (!state.equals("firing") && !state.equals("all")) {
            throw ProblemException.invalidField("state", "must be firing or all");
        }
        return alerts.list(state.equals("all"), slo).stream().map(AlertResource::view).toList();
    }

    public static AlertView view(SloAlert alert) {
        return new AlertView(alert.alertId, alert.dedupKey, alert.sloName, alert.severity, alert.kind, alert.tier,
                alert.resolvedAt == null ? "FIRING" : "RESOLVED", alert.burnRateLong, alert.burnRateShort,
                alert.threshold, alert.budgetRemaining, alert.exhaustionAt, alert.firedAt, alert.resolvedAt);
    }
}
