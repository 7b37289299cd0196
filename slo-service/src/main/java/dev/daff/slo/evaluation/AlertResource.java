package dev.daff.slo.evaluation;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestResponse;

import dev.daff.kit.problem.ProblemException;
import dev.daff.kit.security.Roles;
import dev.daff.slo.paging.listing.Listing;

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

    /** Newest first, {@code limit} at a time; {@code X-Next-Cursor} names the next page's {@code cursor}. */
    @GET
    @Transactional
    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    public RestResponse<List<AlertView>> list(@QueryParam("state") @DefaultValue("firing") String state,
            @QueryParam("slo") String slo, @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return list(alerts, state, slo, null, Listing.of(limit, cursor));
    }

    /** The alerts listing, shared with {@code /api/tickets} (one severity, all SLOs). */
    public static RestResponse<List<AlertView>> list(SloAlerts alerts, String state, String slo, String severity,
            Listing listing) {
        if (!state.equals("firing") && !state.equals("all")) {
            throw ProblemException.invalidField("state", "must be firing or all");
        }
        Optional<Listing.Key> after = listing.afterTime();
        List<SloAlert> fetched = alerts.list(state.equals("all"), slo, severity, after.map(Listing.Key::at).orElse(null),
                after.map(Listing.Key::id).orElse(null), listing.fetch());
        return listing.answer(fetched, alert -> new Listing.Key(alert.firedAt, alert.alertId), AlertResource::view);
    }

    public static AlertView view(SloAlert alert) {
        return new AlertView(alert.alertId, alert.dedupKey, alert.sloName, alert.severity, alert.kind, alert.tier,
                alert.resolvedAt == null ? "FIRING" : "RESOLVED", alert.burnRateLong, alert.burnRateShort,
                alert.threshold, alert.budgetRemaining, alert.exhaustionAt, alert.firedAt, alert.resolvedAt);
    }
}
