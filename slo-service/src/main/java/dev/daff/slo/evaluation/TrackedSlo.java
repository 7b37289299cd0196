package dev.daff.slo.evaluation;

import java.time.Duration;

import dev.daff.slo.burn.BurnSnapshot;
import dev.daff.slo.burn.Severity;
import dev.daff.slo.burn.SliWindows;
import dev.daff.slo.burn.SloAlertSettings;
import dev.daff.slo.definition.Slo;
import dev.daff.slo.definition.SloService;

/** One SLO as the evaluator sees it: definition, window sums (only while owned and loaded), last snapshot. */
final class TrackedSlo {
    final Slo slo;
    final SloAlertSettings settings;
    /** Live running sums: set once loaded while this replica owns the SLO, null otherwise. */
    SliWindows windows;
    volatile BurnSnapshot snapshot;
    /** Counts arrived since its last evaluation: evaluated within a second, not at the next tick. */
    boolean counted;

    private TrackedSlo(Slo slo, SloAlertSettings settings) {
        this.slo = slo;
        this.settings = settings;
    }

    /** A definition as loaded, with the alert settings it implies; not evaluated until its sums are loaded. */
    static TrackedSlo of(Slo slo) {
        return new TrackedSlo(slo, new SloAlertSettings(slo.name, slo.objective, SloService.tiers(slo), slo.minEvents,
                Duration.ofSeconds(slo.noDataAfterSeconds), slo.volumeDropEnabled, slo.volumeDropRatio, Severity.TICKET,
                SloService.budgetAlerts(slo)));
    }
}
