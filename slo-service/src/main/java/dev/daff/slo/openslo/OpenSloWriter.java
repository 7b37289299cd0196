package dev.daff.slo.openslo;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.daff.slo.burn.AlertTier;
import dev.daff.slo.definition.SloApi.SloView;
import dev.daff.slo.definition.SloWindow;

/**
 * daff's SLOs → OpenSLO v1 documents that {@link OpenSloReader} reads back to the same SLOs: one self-contained SLO
 * document each (inline indicator and alert policies), daff's own settings in {@code daff.dev/} annotations.
 */
final class OpenSloWriter {

    /** Digits written of a burn factor: enough to give the same budget share back, short enough to read (14.4). */
    private static final MathContext DIGITS = new MathContext(12);
    /**
     * A threshold is written 1,000 times finer than an import reads a budget back (12 digits): a factor such as a
     * 7-day SLO's 3d tier, budget × 7/3, repeats, and written to 12 digits it read back as 9.99999999999 % for 10 %.
     */
    private static final MathContext THRESHOLD_DIGITS = new MathContext(15);
    /** The notification target daff exports: the team's on-call, which is what daff pages anyway. */
    static final String ON_CALL_TARGET = "daff-on-call";

    private OpenSloWriter() {
    }

    static Map<String, Object> document(SloView slo, List<AlertTier> tiers) {
        Map<String, Object> annotations = new LinkedHashMap<>();
        annotations.put(Annotations.TEAM, slo.team());
        annotations.put(Annotations.MIN_EVENTS, String.valueOf(slo.minEvents()));
        annotations.put(Annotations.NO_DATA_AFTER, slo.noDataAfter().toString());
        annotations.put(Annotations.VOLUME_DROP, String.valueOf(slo.volumeDrop().enabled()));
        annotations.put(Annotations.VOLUME_DROP_RATIO, String.valueOf(slo.volumeDrop().ratio()));
        annotations.putAll(BudgetAlertAnnotations.of(slo.exhaustionAlerts(), slo.budgetDropAlert()));
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", slo.name());
        metadata.put("annotations", annotations);

        Map<String, Object> spec = new LinkedHashMap<>();
        if (slo.description() != null) {
            spec.put("description", slo.description());
        }
        spec.put("service", slo.service());
        spec.put("indicator", map("metadata", map("name", slo.name() + "-events"), "spec",
                map("ratioMetric", ratio(slo))));
        spec.put("timeWindow", List.of(map("duration", SloWindow.parse(slo.window()).orElseThrow().label(),
                "isRolling", true)));
        spec.put("budgetingMethod", "Occurrences");
        spec.put("objectives", List.of(map("targetPercent", slo.objective())));
        List<Object> policies = new ArrayList<>();
        for (AlertTier tier : tiers) {
            policies.add(policy(slo, tier));
        }
        spec.put("alertPolicies", policies);

        Map<String, Object> document = new LinkedHashMap<>();
        document.put("apiVersion", OpenSloReader.API_VERSION);
        document.put("kind", "SLO");
        document.put("metadata", metadata);
        document.put("spec", spec);
        return document;
    }

    private static Map<String, Object> ratio(SloView slo) {
        Map<String, Object> ratio = new LinkedHashMap<>();
        ratio.put("counter", true);
        if (slo.prometheus() == null) {
            ratio.put("good", source(IndicatorReader.DAFF_SOURCE, map("counts", "good")));
            ratio.put("total", source(IndicatorReader.DAFF_SOURCE, map("counts", "total")));
        } else {
            ratio.put("bad", source(IndicatorReader.PROMETHEUS_SOURCE, map("query", slo.prometheus().errorQuery())));
            ratio.put("total", source(IndicatorReader.PROMETHEUS_SOURCE, map("query", slo.prometheus().totalQuery())));
        }
        return ratio;
    }

    private static Map<String, Object> source(String type, Map<String, Object> spec) {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("type", type);
        source.put("spec", spec);
        return map("metricSource", source);
    }

    /** A mapping that keeps the order written, so exports read alike and diff cleanly. */
    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static Map<String, Object> policy(SloView slo, AlertTier tier) {
        String severity = tier.severity().toLowerCase(Locale.ROOT);
        String name = severity + "-" + tier.label().replace('/', '-');
        Map<String, Object> condition = new LinkedHashMap<>();
        condition.put("kind", "burnrate");
        condition.put("op", "gt");
        condition.put("threshold",
                new BigDecimal(tier.burnFactor()).round(THRESHOLD_DIGITS).stripTrailingZeros().doubleValue());
        condition.put("lookbackWindow", ShorthandDuration.format(tier.longWindow()));
        condition.put("alertAfter", ShorthandDuration.format(tier.shortWindow()));
        Map<String, Object> conditionSpec = new LinkedHashMap<>();
        conditionSpec.put("description", "burn rate above " + condition.get("threshold") + " in " + tier.label()
                + ": " + BigDecimal.valueOf(tier.budgetFraction() * 100).round(DIGITS).stripTrailingZeros().toPlainString()
                + " % of the budget in " + ShorthandDuration.format(tier.longWindow()));
        conditionSpec.put("severity", severity);
        conditionSpec.put("condition", condition);

        Map<String, Object> target = new LinkedHashMap<>();
        target.put("kind", "AlertNotificationTarget");
        target.put("metadata", map("name", slo.team() + "-on-call"));
        target.put("spec", map("target", ON_CALL_TARGET, "description",
                "the on-call of team " + slo.team() + " (PUT /api/teams/" + slo.team() + ")"));

        Map<String, Object> policySpec = new LinkedHashMap<>();
        policySpec.put("alertWhenBreaching", true);
        policySpec.put("alertWhenResolved", true);
        policySpec.put("alertWhenNoData", true);
        policySpec.put("conditions", List.of(map("kind", "AlertCondition", "metadata", map("name", name),
                "spec", conditionSpec)));
        policySpec.put("notificationTargets", List.of(target));
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("kind", "AlertPolicy");
        policy.put("metadata", map("name", name));
        policy.put("spec", policySpec);
        return policy;
    }
}
