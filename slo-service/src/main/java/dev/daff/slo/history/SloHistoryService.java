package dev.daff.slo.history;

import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.daff.kit.problem.ProblemException;
import dev.daff.slo.definition.Slo;
import dev.daff.slo.definition.SloDefinitions;
import dev.daff.slo.history.HistoryApi.SloHistory;

/** An SLO's budget and burn over time, from the stored minute buckets (read-only). */
@ApplicationScoped
public class SloHistoryService {

    private final SloDefinitions slos;
    private final HistoryBuckets buckets;
    private final Clock clock;

    public SloHistoryService(SloDefinitions slos, HistoryBuckets buckets, Clock clock) {
        this.slos = slos;
        this.buckets = buckets;
        this.clock = clock;
    }

    @Transactional
    public SloHistory history(String name, String from, String to, String step) {
        Slo slo = slos.findByIdOptional(name).orElseThrow(() -> ProblemException.notFound("SLO", name));
        Duration window = slo.window().length();
        HistoryRange range = HistoryRange.parse(from, to, step, window, clock.instant());
        HistorySeries series = new HistorySeries(
                buckets.minutes(name, HistorySeries.oldestNeeded(range, window), range.to()));
        return new SloHistory(name, slo.objective, slo.window().label(), range.at(0), range.to(),
                range.step().toSeconds(), range.stepWidened(), series.points(range, window, slo.objective));
    }
}
