package dev.daff.slo.openslo;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import dev.daff.slo.definition.SloApi.AlertBudgets;
import dev.daff.slo.definition.SloApi.Prometheus;
import dev.daff.slo.definition.SloApi.SloRequest;
import dev.daff.slo.definition.SloApi.VolumeDrop;
import dev.daff.slo.definition.SloWindow;

/** One {@code kind: SLO} document → a daff SLO definition; every field daff cannot honour is refused. */
final class SloReader {

    private static final Set<String> SPEC = Set.of("description", "service", "indicator", "indicatorRef", "timeWindow",
            "budgetingMethod", "objectives", "alertPolicies");
    private static final Set<String> OBJECTIVE = Set.of("displayName", "op", "value", "target", "targetPercent",
            "timeSliceTarget", "timeSliceWindow", "indicator", "indicatorRef", "compositeWeight");
    /** What daff measures over when an SLO names no window. */
    static final SloWindow DEFAULT_WINDOW = SloWindow.DAYS_30;

    private SloReader() {
    }

    static Optional<ImportedSlo> read(Upload upload, Field document, String defaultTeam, Validator validator) {
        String name = document.source().name();
        Field metadata = document.get("metadata");
        Field spec = document.get("spec");
        spec.mapping(SPEC, "an SLO's spec");
        List<String> notes = new ArrayList<>();
        Map<String, Field> origins = new HashMap<>();
        origins.put("name", metadata.get("name"));

        Field annotations = SloMetadata.annotations(metadata);
        String team = SloMetadata.team(metadata, defaultTeam, origins);
        Field service = spec.get("service");
        origins.put("service", service);
        String serviceName = service.requiredText().orElse(null);
        if (serviceName != null) {
            upload.useService(serviceName, name);
        }
        Field description = spec.get("description");
        origins.put("description", description);

        SloWindow window = window(spec.get("timeWindow"), notes);
        budgeting(spec.get("budgetingMethod"), notes);
        Double objective = objective(spec.get("objectives"), origins);
        Prometheus prometheus = IndicatorReader.read(upload, spec, name, notes, origins);
        AlertBudgets budgets = AlertPolicyReader.read(upload, spec.get("alertPolicies"), name, window.length(), team,
                notes, origins);

        Field minEvents = annotations.get(Annotations.MIN_EVENTS);
        origins.put("minEvents", minEvents);
        Long min = minEvents.string().flatMap(text -> whole(minEvents, text)).orElse(null);
        Duration noDataAfter = noDataAfter(annotations.get(Annotations.NO_DATA_AFTER));
        VolumeDrop volumeDrop = volumeDrop(annotations, origins);

        SloRequest request = new SloRequest(name, serviceName, team, description.text().orElse(null), objective,
                window.label(), min, noDataAfter, volumeDrop, budgets, BudgetAlertAnnotations.exhaustion(annotations),
                BudgetAlertAnnotations.budgetDrop(annotations), prometheus, null);
        origins.put("noDataAfter", annotations.get(Annotations.NO_DATA_AFTER));
        BudgetAlertAnnotations.origins(annotations, origins);
        ImportedSlo imported = new ImportedSlo(document.source(), request, List.copyOf(notes), document,
                Collections.unmodifiableMap(new HashMap<>(origins)));
        for (ConstraintViolation<SloRequest> violation : validator.validate(request)) {
            imported.refuse(violation.getPropertyPath().toString(), violation.getMessage());
        }
        return Optional.of(imported);
    }

    private static SloWindow window(Field timeWindow, List<String> notes) {
        List<Field> windows = timeWindow.items();
        if (windows.isEmpty()) {
            notes.add("spec.timeWindow: none given, measured over a rolling " + DEFAULT_WINDOW.label());
            return DEFAULT_WINDOW;
        }
        if (windows.size() > 1) {
            timeWindow.refuse("holds " + windows.size() + " windows; OpenSLO and daff take exactly one");
        }
        Field only = windows.get(0);
        only.mapping(Set.of("duration", "isRolling", "calendar"), "a time window");
        if (only.get("calendar").present()) {
            only.get("calendar").refuse("calendar-aligned windows are not supported: daff measures rolling 7d, 28d or "
                    + "30d windows");
        }
        Optional<Boolean> rolling = only.get("isRolling").bool();
        if (rolling.isPresent() && !rolling.get()) {
            only.get("isRolling").refuse("must be true: daff measures rolling windows only");
        }
        Optional<Duration> length = ShorthandDuration.of(only.get("duration"));
        if (length.isEmpty()) {
            return DEFAULT_WINDOW;
        }
        Optional<SloWindow> known = java.util.Arrays.stream(SloWindow.values())
                .filter(w -> w.length().equals(length.get())).findFirst();
        if (known.isEmpty()) {
            only.get("duration").refuse("'" + only.get("duration").value() + "' is "
                    + ShorthandDuration.format(length.get()) + "; daff's rolling windows are 7d, 28d and 30d");
            return DEFAULT_WINDOW;
        }
        return known.get();
    }

    private static void budgeting(Field method, List<String> notes) {
        if (!method.present()) {
            notes.add("spec.budgetingMethod: none given, budgeted as Occurrences (good events / all events)");
            return;
        }
        String value = method.string().orElse("");
        if (value.equals("Timeslices") || value.equals("RatioTimeslices")) {
            method.refuse(value + " is not supported: daff budgets Occurrences (good events / all events)");
        } else if (!value.equals("Occurrences")) {
            method.refuse("'" + value + "' is not a budgeting method (Occurrences, Timeslices, RatioTimeslices)");
        }
    }

    private static Double objective(Field objectives, Map<String, Field> origins) {
        List<Field> items = objectives.items();
        if (items.size() != 1) {
            objectives.refuse(items.isEmpty() ? "is required: one objective with target or targetPercent"
                    : "holds " + items.size() + " objectives; a daff SLO has exactly one (make one SLO per objective)");
            return null;
        }
        Field objective = items.get(0);
        objective.mapping(OBJECTIVE, "an objective");
        for (String threshold : List.of("op", "value")) {
            if (objective.get(threshold).present()) {
                objective.get(threshold).refuse("threshold objectives are not supported: daff counts good and total "
                        + "events of a ratioMetric");
            }
        }
        for (String slices : List.of("timeSliceTarget", "timeSliceWindow")) {
            if (objective.get(slices).present()) {
                objective.get(slices).refuse("time slices are not supported: daff budgets Occurrences");
            }
        }
        for (String composite : List.of("indicator", "indicatorRef", "compositeWeight")) {
            if (objective.get(composite).present()) {
                objective.get(composite).refuse("composite SLOs are not supported: one indicator per SLO, in "
                        + "spec.indicator or spec.indicatorRef");
            }
        }
        Field target = objective.get("target");
        Field percent = objective.get("targetPercent");
        if (target.present() == percent.present()) {
            objective.refuse("needs exactly one of target (0..1) and targetPercent (0..100)");
            return null;
        }
        origins.put("objective", target.present() ? target : percent);
        Optional<Double> value = target.present() ? target.number() : percent.number();
        // decimal arithmetic: target 0.999 is 99.9 exactly, not 99.89999999999999
        return value.map(v -> target.present() ? BigDecimal.valueOf(v).movePointRight(2).doubleValue() : v).orElse(null);
    }

    private static Optional<Long> whole(Field field, String text) {
        try {
            return Optional.of(Long.parseLong(text.trim()));
        } catch (NumberFormatException e) {
            field.refuse("must be a whole number of events");
            return Optional.empty();
        }
    }

    private static Duration noDataAfter(Field annotation) {
        if (!annotation.present()) {
            return null;
        }
        String text = annotation.string().orElse("");
        Optional<Duration> duration;
        try {
            duration = text.startsWith("P") ? Optional.of(Duration.parse(text)) : ShorthandDuration.of(annotation);
        } catch (DateTimeParseException e) {
            annotation.refuse("'" + text + "' is neither an ISO-8601 duration (PT10M) nor a duration-shorthand (10m)");
            return null;
        }
        if (duration.isPresent() && (duration.get().compareTo(Duration.ofMinutes(1)) < 0
                || duration.get().compareTo(Duration.ofDays(1)) > 0)) {
            annotation.refuse("must be between 1m and 1d");
            return null;
        }
        return duration.orElse(null);
    }

    private static VolumeDrop volumeDrop(Field annotations, Map<String, Field> origins) {
        Field enabled = annotations.get(Annotations.VOLUME_DROP);
        Field ratio = annotations.get(Annotations.VOLUME_DROP_RATIO);
        origins.put("volumeDrop.ratio", ratio);
        Boolean on = enabled.string().map(text -> switch (text) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> {
                enabled.refuse("must be \"true\" or \"false\"");
                yield null;
            }
        }).orElse(null);
        Double share = null;
        if (ratio.present()) {
            try {
                share = Double.valueOf(ratio.string().orElse("").trim());
            } catch (NumberFormatException e) {
                ratio.refuse("must be a number between 0 and 1");
            }
        }
        return on == null && share == null ? null : new VolumeDrop(on, share);
    }
}
