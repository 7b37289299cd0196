package dev.daff.slo.openslo;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.daff.slo.definition.SloApi.AlertBudgets;
import dev.daff.slo.definition.SloApi.SloView;

/** Which fields of a stored SLO an imported definition would change; timestamps and versions do not count. */
final class SloDifferences {

    private SloDifferences() {
    }

    static List<String> between(SloView stored, SloView wanted) {
        List<String> changed = new ArrayList<>();
        compare(changed, "service", stored.service(), wanted.service());
        compare(changed, "team", stored.team(), wanted.team());
        compare(changed, "description", stored.description(), wanted.description());
        number(changed, "objective", stored.objective(), wanted.objective());
        compare(changed, "window", stored.window(), wanted.window());
        compare(changed, "minEvents", stored.minEvents(), wanted.minEvents());
        compare(changed, "noDataAfter", stored.noDataAfter(), wanted.noDataAfter());
        compare(changed, "volumeDrop.enabled", stored.volumeDrop().enabled(), wanted.volumeDrop().enabled());
        number(changed, "volumeDrop.ratio", stored.volumeDrop().ratio(), wanted.volumeDrop().ratio());
        AlertBudgets a = stored.alertBudgets();
        AlertBudgets b = wanted.alertBudgets();
        number(changed, "alertBudgets.pageFast", a.pageFast(), b.pageFast());
        number(changed, "alertBudgets.pageSlow", a.pageSlow(), b.pageSlow());
        number(changed, "alertBudgets.ticketFast", a.ticketFast(), b.ticketFast());
        number(changed, "alertBudgets.ticketSlow", a.ticketSlow(), b.ticketSlow());
        compare(changed, "exhaustionAlerts", stored.exhaustionAlerts(), wanted.exhaustionAlerts());
        compare(changed, "budgetDropAlert", stored.budgetDropAlert(), wanted.budgetDropAlert());
        compare(changed, "prometheus", stored.prometheus(), wanted.prometheus());
        return changed;
    }

    private static void compare(List<String> changed, String field, Object stored, Object wanted) {
        if (!Objects.equals(stored, wanted)) {
            changed.add(field);
        }
    }

    /** Equal to 12 significant digits: a budget share that went through a burn factor and back is the same share. */
    private static void number(List<String> changed, String field, double stored, double wanted) {
        if (Math.abs(stored - wanted) > 1e-12 * Math.max(1.0, Math.abs(stored))) {
            changed.add(field);
        }
    }
}
