package dev.daff.slo.openslo;

import java.util.List;
import java.util.Map;

/**
 * An SLO document's labels and annotations: each a mapping, no {@code daff.dev/} annotation daff does not know, and
 * the team that owns the SLO (its pages and budgets).
 */
final class SloMetadata {

    private SloMetadata() {
    }

    /**
     * The SLO's annotations, refusing what daff cannot read: written as a list or a string, labels and annotations
     * were passed over, and with them the team they named.
     */
    static Field annotations(Field metadata) {
        for (String key : List.of("labels", "annotations")) {
            Field field = metadata.get(key);
            if (field.present() && !(field.value() instanceof Map<?, ?>)) {
                field.refuse("must be a mapping (" + key + ": {name: value, …}), not a list or a single value");
            }
        }
        Field annotations = metadata.get("annotations");
        if (annotations.value() instanceof Map<?, ?> map) {
            map.keySet().stream().map(String::valueOf)
                    .filter(key -> key.startsWith(Annotations.PREFIX) && !Annotations.ALL.contains(key))
                    .forEach(key -> annotations.get(key).refuse("is not an annotation daff knows (known: "
                            + String.join(", ", Annotations.ALL.stream().sorted().toList()) + ")"));
        }
        return annotations;
    }

    /** The annotation {@code daff.dev/team}, else the label {@code team} (one value), else {@code defaultTeam}. */
    static String team(Field metadata, String defaultTeam, Map<String, Field> origins) {
        Field annotation = metadata.get("annotations").get(Annotations.TEAM);
        origins.put("team", annotation);
        if (annotation.present()) {
            return annotation.text().orElse(null);
        }
        Field label = metadata.get("labels").get("team");
        if (label.value() instanceof List<?> values) {
            if (values.size() != 1) {
                label.refuse("names " + values.size() + " teams; an SLO in daff belongs to exactly one (set the "
                        + "annotation " + Annotations.TEAM + ")");
                return null;
            }
            label = label.items().get(0);
        }
        if (label.present()) {
            origins.put("team", label);
            return label.text().orElse(null);
        }
        if (defaultTeam == null) {
            annotation.refuse("no team: set the annotation " + Annotations.TEAM + " (or the label team, or ?team= on "
                    + "the request); daff pages and budgets SLOs by team");
        }
        return defaultTeam;
    }
}
