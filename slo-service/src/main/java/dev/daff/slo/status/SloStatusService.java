package dev.daff.slo.status;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.daff.kit.problem.ProblemException;
import dev.daff.slo.burn.BudgetAlerts;
import dev.daff.slo.burn.BudgetForecast;
import dev.daff.slo.burn.BurnSnapshot;
import dev.daff.slo.burn.WindowBurn;
import dev.daff.slo.burn.WindowLabels;
import dev.daff.slo.definition.Slo;
import dev.daff.slo.definition.SloDefinitions;
import dev.daff.slo.definition.SloService;
import dev.daff.slo.evaluation.AlertQueries;
import dev.daff.slo.evaluation.SloEvaluator;
import dev.daff.slo.status.SloStatusApi.Budget;
import dev.daff.slo.status.SloStatusApi.BudgetDrop;
import dev.daff.slo.status.SloStatusApi.Burn;
import dev.daff.slo.status.SloStatusApi.ExhaustionForecast;
import dev.daff.slo.status.SloStatusApi.Events;
import dev.daff.slo.status.SloStatusApi.SloStatus;

/** An SLO's budget, burn rates and firing alerts, as the evaluator last saw them. */
@ApplicationScoped
public class SloStatusService {

    private final SloDefinitions slos;
    private final SloEvaluator evaluator;
    private final AlertQueries alerts;
    private final StoredBurn storedBurn;

    public SloStatusService(SloDefinitions slos, SloEvaluator evaluator, AlertQueries alerts, StoredBurn storedBurn) {
        this.storedBurn = storedBurn;
        this.slos = slos;
        this.evaluator = evaluator;
        this.alerts = alerts;
    }

    @Transactional
    public SloStatus status(String name) {
        Slo slo = slos.findByIdOptional(name).orElseThrow(() -> ProblemException.notFound("SLO", name));
        BurnSnapshot snapshot = evaluator.liveSnapshot(name).orElseGet(() -> storedBurn.snapshot(slo));
        Map<String, Burn> burns = new LinkedHashMap<>();
        for (WindowBurn burn : snapshot.windows()) {
            burns.put(WindowLabels.of(burn.window()), new Burn(burn.errorRatio(), burn.burnRate(), burn.total()));
        }
        WindowBurn whole = snapshot.sloWindow();
        return new SloStatus(name, slo.objective, slo.window().label(), new Events(whole.good(), whole.total()),
                new Budget(snapshot.budgetRemaining(), snapshot.consumedFraction()), burns, alerts.firing(name),
                snapshot.exhaustionAt(), snapshot.tooFewEvents(), exhaustionForecast(slo, snapshot),
                budgetDrop(slo, snapshot));
    }

    private static ExhaustionForecast exhaustionForecast(Slo slo, BurnSnapshot snapshot) {
        BudgetAlerts alerts = SloService.budgetAlerts(slo);
        if (!alerts.exhaustionEnabled()) {
            return null;
        }
        WindowBurn rate = snapshot.window(alerts.exhaustionRateWindow());
        // The forecast its alerts judge: of the period's budget, not only of the events seen (a young SLO's few).
        Duration left = BudgetForecast.timeToExhaustion(snapshot.periodBudgetRemaining(), rate.burnRate(),
                slo.window().length());
        return new ExhaustionForecast(WindowLabels.of(rate.window()), rate.burnRate(), left,
                left == null ? null : snapshot.at().plus(left), alerts.ticketWithin(), alerts.pageWithin());
    }

    private static BudgetDrop budgetDrop(Slo slo, BurnSnapshot snapshot) {
        BudgetAlerts alerts = SloService.budgetAlerts(slo);
        if (!alerts.dropEnabled()) {
            return null;
        }
        WindowBurn window = snapshot.window(alerts.dropWindow());
        return new BudgetDrop(WindowLabels.of(window.window()),
                BudgetForecast.droppedFraction(window.burnRate(), window.window(), slo.window().length()) * 100,
                alerts.dropFraction() * 100, alerts.dropSeverity().name());
    }
}
