package dev.daff.slo.openslo;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.daff.slo.definition.SloApi.BudgetDropAlert;
import dev.daff.slo.definition.SloApi.ExhaustionAlerts;

/**
 * daff's budget alerts beyond the burn-rate tiers (exhaustion time, budget drop), which OpenSLO has no field for,
 * as {@code daff.dev/} annotations both ways. Their ranges are checked where every definition is
 * ({@code SloService}), so an import is refused for the same reasons as a POST.
 */
final class BudgetAlertAnnotations {

    static final String EXHAUSTION = Annotations.PREFIX + "exhaustion-alerts";
    static final String EXHAUSTION_RATE_WINDOW = Annotations.PREFIX + "exhaustion-rate-window";
    static final String EXHAUSTION_TICKET_WITHIN = Annotations.PREFIX + "exhaustion-ticket-within";
    static final String EXHAUSTION_PAGE_WITHIN = Annotations.PREFIX + "exhaustion-page-within";
    static final String BUDGET_DROP = Annotations.PREFIX + "budget-drop-alert";
    static final String BUDGET_DROP_PERCENT = Annotations.PREFIX + "budget-drop-percent";
    static final String BUDGET_DROP_WINDOW = Annotations.PREFIX + "budget-drop-window";
    static final String BUDGET_DROP_SEVERITY = Annotations.PREFIX + "budget-drop-severity";

    static final Set<String> ALL = Set.of(EXHAUSTION, EXHAUSTION_RATE_WINDOW, EXHAUSTION_TICKET_WITHIN,
            EXHAUSTION_PAGE_WITHIN, BUDGET_DROP, BUDGET_DROP_PERCENT, BUDGET_DROP_WINDOW, BUDGET_DROP_SEVERITY);

    private BudgetAlertAnnotations() {
    }

    /** Where the request's budget alert settings that the service checks come from: these annotations. */
    static void origins(Field annotations, Map<String, Field> origins) {
        origins.put("exhaustionAlerts.rateWindow", annotations.get(EXHAUSTION_RATE_WINDOW));
        origins.put("exhaustionAlerts.ticketWithin", annotations.get(EXHAUSTION_TICKET_WITHIN));
        origins.put("exhaustionAlerts.pageWithin", annotations.get(EXHAUSTION_PAGE_WITHIN));
        origins.put("budgetDropAlert.window", annotations.get(BUDGET_DROP_WINDOW));
    }

    /** The exhaustion-time alerts the annotations ask for; null when none is given (the defaults: off). */
    static ExhaustionAlerts exhaustion(Field annotations) {
        Boolean enabled = flag(annotations.get(EXHAUSTION));
        Duration rateWindow = duration(annotations.get(EXHAUSTION_RATE_WINDOW));
        Duration ticketWithin = duration(annotations.get(EXHAUSTION_TICKET_WITHIN));
        Duration pageWithin = duration(annotations.get(EXHAUSTION_PAGE_WITHIN));
        boolean none = enabled == null && rateWindow == null && ticketWithin == null && pageWithin == null;
        return none ? null : new ExhaustionAlerts(enabled, rateWindow, ticketWithin, pageWithin);
    }

    /** The budget-drop alert the annotations ask for; null when none is given (the defaults: off). */
    static BudgetDropAlert budgetDrop(Field annotations) {
        Boolean enabled = flag(annotations.get(BUDGET_DROP));
        Field percentField = annotations.get(BUDGET_DROP_PERCENT);
        Double percent = null;
        if (percentField.present()) {
            try {
                percent = Double.valueOf(percentField.string().orElse("").trim());
            } catch (NumberFormatException e) {
                percentField.refuse("must be a number of percent, as \"5\"");
            }
        }
        Duration window = duration(annotations.get(BUDGET_DROP_WINDOW));
        String severity = annotations.get(BUDGET_DROP_SEVERITY).string().orElse(null);
        boolean none = enabled == null && percent == null && window == null && severity == null;
        return none ? null : new BudgetDropAlert(enabled, percent, window, severity);
    }

    /** Every setting, so that the export imports back to the same SLO. */
    static Map<String, Object> of(ExhaustionAlerts exhaustion, BudgetDropAlert drop) {
        Map<String, Object> annotations = new LinkedHashMap<>();
        annotations.put(EXHAUSTION, String.valueOf(exhaustion.enabled()));
        annotations.put(EXHAUSTION_RATE_WINDOW, exhaustion.rateWindow().toString());
        annotations.put(EXHAUSTION_TICKET_WITHIN, exhaustion.ticketWithin().toString());
        annotations.put(EXHAUSTION_PAGE_WITHIN, exhaustion.pageWithin().toString());
        annotations.put(BUDGET_DROP, String.valueOf(drop.enabled()));
        annotations.put(BUDGET_DROP_PERCENT, String.valueOf(drop.percent()));
        annotations.put(BUDGET_DROP_WINDOW, drop.window().toString());
        annotations.put(BUDGET_DROP_SEVERITY, drop.severity());
        return annotations;
    }

    private static Boolean flag(Field annotation) {
        return annotation.string().map(text -> switch (text) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> {
                annotation.refuse("must be \"true\" or \"false\"");
                yield null;
            }
        }).orElse(null);
    }

    /** ISO-8601 (PT6H) or OpenSLO's shorthand (6h). */
    private static Duration duration(Field annotation) {
        if (!annotation.present()) {
            return null;
        }
        String text = annotation.string().orElse("");
        try {
            Optional<Duration> duration = text.startsWith("P") ? Optional.of(Duration.parse(text))
                    : ShorthandDuration.of(annotation);
            return duration.orElse(null);
        } catch (DateTimeParseException e) {
            annotation.refuse("'" + text + "' is neither an ISO-8601 duration (PT6H) nor a duration-shorthand (6h)");
            return null;
        }
    }
}
