package dev.daff.slo.openslo;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.daff.slo.definition.SloApi;
import dev.daff.slo.definition.SloApi.Prometheus;

/**
 * An SLO's indicator (inline or an SLI document it names) → daff's ratio of good to total events, and the
 * Prometheus section when both queries are Prometheus ones. daff counts the events sent to it, so an indicator
 * without a good/total (or bad/total) form cannot be honoured.
 */
final class IndicatorReader {

    /** The metric source type daff itself exports: the events counted by daff. */
    static final String DAFF_SOURCE = "daff";
    static final String PROMETHEUS_SOURCE = "Prometheus";
    private static final Set<String> SLI_SPEC = Set.of("description", "thresholdMetric", "ratioMetric");
    private static final Set<String> RATIO = Set.of("counter", "good", "bad", "total", "rawType", "raw");
    private static final Set<String> METRIC = Set.of("metricSource");
    private static final Set<String> SOURCE = Set.of("metricSourceRef", "type", "spec");

    private IndicatorReader() {
    }

    static Prometheus read(Upload upload, Field sloSpec, String slo, List<String> notes, Map<String, Field> origins) {
        Field inline = sloSpec.get("indicator");
        Field reference = sloSpec.get("indicatorRef");
        if (inline.present() == reference.present()) {
            sloSpec.refuse("needs exactly one of indicator and indicatorRef");
            return null;
        }
        Field sli;
        if (inline.present()) {
            inline.mapping(Set.of("apiVersion", "kind", "metadata", "spec"), "an inline indicator");
            sli = inline;
        } else {
            Optional<Field> referenced = upload.use(reference, "SLI", slo);
            if (referenced.isEmpty()) {
                return null;
            }
            sli = referenced.get();
        }
        Field spec = sli.get("spec");
        if (!spec.mapping(SLI_SPEC, "an SLI's spec")) {
            return null;
        }
        if (spec.get("thresholdMetric").present()) {
            spec.get("thresholdMetric").refuse("threshold SLIs (latency, CPU, …) are not supported: daff counts good "
                    + "and total events; write the SLI as a ratioMetric (good/total or bad/total), e.g. requests "
                    + "faster than 500 ms over all requests");
            return null;
        }
        Field ratio = spec.get("ratioMetric");
        if (!ratio.present()) {
            spec.refuse("needs a ratioMetric (good/total or bad/total)");
            return null;
        }
        if (!ratio.mapping(RATIO, "a ratioMetric")) {
            return null;
        }
        for (String raw : List.of("raw", "rawType")) {
            if (ratio.get(raw).present()) {
                ratio.get(raw).refuse("precomputed ratios (raw) are not supported: daff needs the counts of good (or "
                        + "bad) and total events");
            }
        }
        ratio.get("counter").bool();
        Field good = ratio.get("good");
        Field bad = ratio.get("bad");
        Field total = ratio.get("total");
        if (good.present() == bad.present() || !total.present()) {
            ratio.refuse("needs total and exactly one of good and bad");
            return null;
        }
        Field numerator = good.present() ? good : bad;
        Optional<String> numeratorQuery = prometheusQuery(numerator, notes);
        Optional<String> totalQuery = prometheusQuery(total, notes);
        if (numeratorQuery.isPresent() != totalQuery.isPresent()) {
            ratio.refuse("one of the two metric sources is Prometheus and the other not; the Prometheus section needs "
                    + "both queries from Prometheus");
            return null;
        }
        if (numeratorQuery.isEmpty() || numeratorQuery.get().isBlank() || totalQuery.get().isBlank()) {
            return null;
        }
        Field numeratorField = numerator.get("metricSource").get("spec").get("query");
        origins.put("prometheus.errorQuery", numeratorField);
        origins.put("prometheus.totalQuery", total.get("metricSource").get("spec").get("query"));
        if (good.present() && !numeratorQuery.get().matches(SloApi.WINDOWED)) {
            // checked on its own: inside (total) - (good) the total query's {{.window}} passed the check for both
            numeratorField.refuse(SloApi.WINDOWED_MESSAGE.replace("\\", ""));
        }
        // Sloth's form is errors over total: failed events are all events minus the good ones
        String errors = bad.present() ? numeratorQuery.get()
                : parenthesised(totalQuery.get()) + " - " + parenthesised(numeratorQuery.get());
        return new Prometheus(errors, totalQuery.get());
    }

    /**
     * A query in parentheses. A PromQL comment runs to the end of its line, so after a query holding a "#" (a comment,
     * or a "#" inside a string: either way) the closing one goes on a line of its own; other queries keep the form
     * they were stored in before, so re-importing an unchanged file changes nothing.
     */
    private static String parenthesised(String query) {
        return "(" + query + (query.contains("#") ? "\n)" : ")");
    }

    /** The query when the source is Prometheus; a note when daff keeps nothing of the source. */
    private static Optional<String> prometheusQuery(Field metric, List<String> notes) {
        if (!metric.mapping(METRIC, "a ratio metric's good, bad or total")) {
            return Optional.empty();
        }
        Field source = metric.get("metricSource");
        if (!source.mapping(SOURCE, "a metricSource")) {
            return Optional.empty();
        }
        String type = source.get("type").string().orElse("");
        if (type.equalsIgnoreCase(PROMETHEUS_SOURCE)) {
            return source.get("spec").get("query").requiredString();
        }
        if (!type.equals(DAFF_SOURCE)) {
            notes.add(source.path() + ": " + (type.isEmpty() ? "a source without a type" : "type " + type)
                    + " is not stored; daff counts this SLI from the events sent to POST /api/slos/{name}/events or "
                    + "daff.sli-events");
        }
        return Optional.empty();
    }
}
