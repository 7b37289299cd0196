package dev.daff.slo.openslo;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.daff.slo.burn.AlertTier;
import dev.daff.slo.burn.AlertTiers;
import dev.daff.slo.definition.SloApi.AlertBudgets;

/**
 * An SLO's alert policies → daff's four burn-rate tiers. Each policy's one burn-rate condition sets the tier whose
 * long window is its {@code lookbackWindow}: its {@code threshold} (a burn rate) is the share of the budget that
 * tier may spend in that window, threshold × window / SLO period. Tiers no policy names keep daff's default.
 */
final class AlertPolicyReader {

    private static final Set<String> INLINE = Set.of("kind", "metadata", "spec");
    private static final Set<String> POLICY = Set.of("description", "alertWhenNoData", "alertWhenResolved",
            "alertWhenBreaching", "conditions", "notificationTargets");
    private static final Set<String> CONDITION_SPEC = Set.of("description", "severity", "condition");
    private static final Set<String> CONDITION = Set.of("kind", "op", "threshold", "lookbackWindow", "alertAfter");
    /** Significant digits kept of a budget share: a threshold written 14.4 stays 2 % of a 30-day budget. */
    private static final MathContext DIGITS = new MathContext(12);

    private AlertPolicyReader() {
    }

    /** null when no policy is given: every tier keeps daff's default. */
    static AlertBudgets read(Upload upload, Field policies, String slo, Duration period, String team,
            List<String> notes, Map<String, Field> origins) {
        List<Field> items = policies.items();
        if (items.isEmpty()) {
            return null;
        }
        List<AlertTier> tiers = AlertTiers.forPeriod(period, AlertTiers.DEFAULT_PAGE_FAST, AlertTiers.DEFAULT_PAGE_SLOW,
                AlertTiers.DEFAULT_TICKET_FAST, AlertTiers.DEFAULT_TICKET_SLOW).all();
        Double[] percents = new Double[tiers.size()];
        for (Field item : items) {
            Optional<Field> policy = item.get("alertPolicyRef").present()
                    ? upload.use(item.get("alertPolicyRef"), "AlertPolicy", slo)
                    : inline(item, "AlertPolicy");
            policy.ifPresent(p -> policy(upload, p.get("spec"), slo, period, tiers, percents, team, notes, origins));
        }
        return new AlertBudgets(percents[0], percents[1], percents[2], percents[3]);
    }

    private static Optional<Field> inline(Field item, String kind) {
        if (!item.mapping(INLINE, "an inline " + kind + " (or use " + refName(kind) + ")")) {
            return Optional.empty();
        }
        Field declared = item.get("kind");
        if (declared.present() && !kind.equals(declared.value())) {
            declared.refuse("must be " + kind);
            return Optional.empty();
        }
        return Optional.of(item);
    }

    private static String refName(String kind) {
        return switch (kind) {
            case "AlertPolicy" -> "alertPolicyRef";
            case "AlertCondition" -> "conditionRef";
            default -> "targetRef";
        };
    }

    private static void policy(Upload upload, Field spec, String slo, Duration period, List<AlertTier> tiers,
            Double[] percents, String team, List<String> notes, Map<String, Field> origins) {
        if (!spec.mapping(POLICY, "an AlertPolicy's spec")) {
            return;
        }
        mustNotBeFalse(spec.get("alertWhenBreaching"), "daff always alerts while a tier's burn rate is above its "
                + "threshold");
        mustNotBeFalse(spec.get("alertWhenResolved"), "daff always tells the channels that got a page when it resolves");
        mustNotBeFalse(spec.get("alertWhenNoData"), "daff always alerts NO_DATA when an SLO that had events gets none "
                + "for noDataAfter (annotation " + Annotations.NO_DATA_AFTER + ")");
        List<Field> conditions = spec.get("conditions").items();
        if (conditions.size() != 1) {
            spec.get("conditions").refuse("must hold exactly one condition (OpenSLO v1 allows one per policy)");
        } else {
            Field item = conditions.get(0);
            Optional<Field> condition = item.get("conditionRef").present()
                    ? upload.use(item.get("conditionRef"), "AlertCondition", slo)
                    : inline(item, "AlertCondition");
            condition.ifPresent(c -> condition(c.get("spec"), period, tiers, percents, origins));
        }
        for (Field target : spec.get("notificationTargets").items()) {
            Optional<Field> used = target.get("targetRef").present()
                    ? upload.use(target.get("targetRef"), "AlertNotificationTarget", slo)
                    : inline(target, "AlertNotificationTarget");
            used.ifPresent(t -> {
                t.get("spec").mapping(Set.of("target", "description"), "an AlertNotificationTarget's spec");
                boolean daffOnCall = t.get("spec").get("target").requiredString().filter(OpenSloWriter.ON_CALL_TARGET::equals)
                        .isPresent();
                if (daffOnCall) {
                    return; // what daff exports: its own on-call, nothing lost
                }
                Object targetName = t.path().isEmpty() ? t.source().name() : t.get("metadata").get("name").value();
                notes.add("notification target '" + targetName + "' is not stored: daff pages the on-call of team "
                        + team + " on the channels of PUT /api/teams/" + team);
            });
        }
    }

    private static void mustNotBeFalse(Field flag, String why) {
        if (Boolean.FALSE.equals(flag.bool().orElse(null))) {
            flag.refuse("false cannot be honoured: " + why);
        }
    }

    private static void condition(Field spec, Duration period, List<AlertTier> tiers, Double[] percents,
            Map<String, Field> origins) {
        if (!spec.mapping(CONDITION_SPEC, "an AlertCondition's spec")) {
            return;
        }
        Field severity = spec.get("severity");
        Optional<String> severityName = severity.requiredString();
        Field condition = spec.get("condition");
        if (!condition.mapping(CONDITION, "an alert condition")) {
            return;
        }
        Optional<String> kind = condition.get("kind").string();
        if (kind.isPresent() && !kind.get().equals("burnrate")) {
            condition.get("kind").refuse("'" + kind.get() + "' is not supported: daff alerts on burn rates (burnrate)");
        }
        if (!"gt".equals(condition.get("op").value())) {
            condition.get("op").refuse("must be gt: daff fires when a burn rate is above the threshold");
        }
        Field lookback = condition.get("lookbackWindow");
        Optional<Duration> window = ShorthandDuration.of(lookback);
        Optional<Double> threshold = condition.get("threshold").number();
        if (threshold.isEmpty() && !condition.get("threshold").present()) {
            condition.get("threshold").refuse("is required (the burn rate that fires)");
        }
        if (window.isEmpty() || threshold.isEmpty()) {
            return;
        }
        int tier = 0;
        while (tier < tiers.size() && !tiers.get(tier).longWindow().equals(window.get())) {
            tier++;
        }
        if (tier == tiers.size()) {
            lookback.refuse("'" + lookback.value() + "' is not a window of daff's tiers (" + String.join(", ",
                    tiers.stream().map(t -> ShorthandDuration.format(t.longWindow())).toList()) + ")");
            return;
        }
        AlertTier matched = tiers.get(tier);
        String expected = matched.severity().toLowerCase(Locale.ROOT);
        severityName.filter(s -> !s.equalsIgnoreCase(expected)).ifPresent(s -> severity.refuse("'" + s + "' does not "
                + "fit the " + matched.label() + " tier, which alerts as " + expected));
        Field alertAfter = condition.get("alertAfter");
        ShorthandDuration.of(alertAfter.present() ? alertAfter : new Field(alertAfter.source(), alertAfter.refusals(),
                alertAfter.path(), ShorthandDuration.format(matched.shortWindow())))
                .filter(after -> !after.equals(matched.shortWindow()))
                .ifPresent(after -> alertAfter.refuse("must be " + ShorthandDuration.format(matched.shortWindow())
                        + " or left out: daff's " + matched.label() + " tier fires while the "
                        + ShorthandDuration.format(matched.shortWindow()) + " window burns too"));
        if (percents[tier] != null) {
            lookback.refuse("another condition of this SLO already sets the " + matched.label() + " tier");
            return;
        }
        String budget = List.of("pageFast", "pageSlow", "ticketFast", "ticketSlow").get(tier);
        origins.put("alertBudgets." + budget, condition.get("threshold"));
        percents[tier] = BigDecimal.valueOf(threshold.get()).multiply(BigDecimal.valueOf(window.get().toSeconds()))
                .multiply(BigDecimal.valueOf(100)).divide(BigDecimal.valueOf(period.toSeconds()), DIGITS).doubleValue();
    }
}
