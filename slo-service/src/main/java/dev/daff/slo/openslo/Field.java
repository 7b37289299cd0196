package dev.daff.slo.openslo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One value of an OpenSLO document with its path ({@code spec.timeWindow[0].duration}): reading it either gives
 * the value or records a refusal that says where and why, so a mapper can go on and report everything at once.
 */
record Field(Refusals.Source source, Refusals refusals, String path, Object value) {

    static Field root(Refusals.Source source, Refusals refusals, Object document) {
        return new Field(source, refusals, "", document);
    }

    boolean present() {
        return value != null;
    }

    void refuse(String reason) {
        refusals.refuse(source, path, reason);
    }

    Field get(String key) {
        Object child = value instanceof Map<?, ?> map ? map.get(key) : null;
        return new Field(source, refusals, path.isEmpty() ? key : path + "." + key, child);
    }

    /** The keys of this mapping; refuses anything not a mapping, and keys outside {@code allowed}. */
    boolean mapping(Set<String> allowed, String what) {
        if (!(value instanceof Map<?, ?> map)) {
            refuse("must be a mapping (" + what + ")");
            return false;
        }
        boolean clean = true;
        for (Object key : map.keySet()) {
            if (!(key instanceof String name) || !allowed.contains(name)) {
                get(String.valueOf(key)).refuse("is not a field of " + what + " in OpenSLO v1 (known: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
                clean = false;
            }
        }
        return clean;
    }

    /** The items of a list; an absent value is an empty list, anything else not a list is refused. */
    List<Field> items() {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            refuse("must be a list");
            return List.of();
        }
        List<Field> items = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            items.add(new Field(source, refusals, path + "[" + i + "]", list.get(i)));
        }
        return items;
    }

    Optional<String> string() {
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof String text) {
            return Optional.of(text);
        }
        if (value instanceof Number || value instanceof Boolean) {
            // annotations and names written without quotes (daff.dev/min-events: 50) read as text
            return Optional.of(String.valueOf(value));
        }
        refuse("must be a string");
        return Optional.empty();
    }

    /**
     * Text daff keeps as written (a team, a service, a description). YAML 1.1 reads an unquoted 007 as 7, 12:30 as 750
     * and off as false: {@link #string()} would keep those as the text of the number or flag (team 7, whose pages
     * reach nobody), so they are refused, asking for quotes.
     */
    Optional<String> text() {
        if (value instanceof Number || value instanceof Boolean) {
            refuse("must be text: YAML reads this unquoted value as " + value + " (007 as 7, 12:30 as 750, off as "
                    + "false); quote it as written (\"007\")");
            return Optional.empty();
        }
        return string();
    }

    /** Like {@link #text()}, and blank or absent is refused. */
    Optional<String> requiredText() {
        return value instanceof Number || value instanceof Boolean ? text() : requiredString();
    }

    Optional<String> requiredString() {
        Optional<String> text = string().filter(s -> !s.isBlank());
        if (text.isEmpty() && (value == null || value instanceof String)) {
            refuse("is required");
        }
        return text;
    }

    Optional<Double> number() {
        if (value == null) {
            return Optional.empty();
        }
        // YAML's .nan and .inf are numbers to the parser; no target or threshold is either.
        if (value instanceof Number number && Double.isFinite(number.doubleValue())) {
            return Optional.of(number.doubleValue());
        }
        refuse(value instanceof Number ? "must be a finite number" : "must be a number");
        return Optional.empty();
    }

    Optional<Boolean> bool() {
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Boolean flag) {
            return Optional.of(flag);
        }
        refuse("must be true or false");
        return Optional.empty();
    }
}
