package dev.daff.slo.status;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.daff.kit.problem.ProblemException;
import dev.daff.kit.security.Roles;
import dev.daff.slo.burn.BurnSnapshot;
import dev.daff.slo.burn.WindowBurn;
import dev.daff.slo.burn.WindowLabels;
import dev.daff.slo.definition.Slo;
import dev.daff.slo.definition.SloRepository;
import dev.daff.slo.evaluation.AlertResource;
import dev.daff.slo.evaluation.AlertResource.AlertView;
import dev.daff.slo.evaluation.SloAlerts;
import dev.daff.slo.evaluation.SloEvaluator;

@Path("/api/slos/{name}/status")
@Produces(MediaType.APPLICATION_JSON)
public class SloStatusResource {

    /** Events counted over the SLO window. */
    public record Events(long good, long total) {
    }

    public record Budget(double remaining, double consumedFraction) {
    }

    /** Error ratio and burn rate of one window ("5m", "1h", ..., and the SLO window itself). */
    public record Burn(double errorRatio, double burnRate, long total) {
    }

    public record SloStatus(String slo, double objective, String window, Events events, Budget budget,
            Map<String, Burn> burnRates, List<AlertView> activeAlerts, Instant exhaustionAt, boolean tooFewEvents) {
    }

    private final SloRepository slos;
    private final SloEvaluator evaluator;
    private final SloAlerts alerts;

    public SloStatusResource(SloRepository slos, SloEvaluator evaluator, SloAlerts alerts) {
        this.slos = slos;
        this.evaluator = evaluator;
        this.alerts = alerts;
    }

    @GET
    @Transactional
    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    public SloStatus status(@PathParam("name") String name) {
        Slo slo = slos.findByIdOptional(name).orElseThrow(() -> ProblemException.notFound("SLO", name));
        BurnSnapshot snapshot = evaluator.snapshot(name)
                .orElseThrow(() -> ProblemException.notFound("SLO", name));
        Map<String, Burn> burns = new LinkedHashMap<>();
        for (WindowBurn burn : snapshot.windows()) {
            burns.put(WindowLabels.of(burn.window()), new Burn(burn.errorRatio(), burn.burnRate(), burn.total()));
        }
        WindowBurn whole = snapshot.sloWindow();
        return new SloStatus(name, slo.objective, slo.window().label(), new Events(whole.good(), whole.total()),
                new Budget(snapshot.budgetRemaining(), snapshot.consumedFraction()), burns, alerts.list(false, name).stream().map(AlertResource::view).toList(),
                snapshot.exhaustionAt(), snapshot.tooFewEvents());
    }
}
