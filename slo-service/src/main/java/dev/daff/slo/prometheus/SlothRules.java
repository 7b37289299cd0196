package dev.daff.slo.prometheus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.daff.slo.burn.AlertTier;
import dev.daff.slo.burn.AlertTiers;
import dev.daff.slo.burn.BurnCalculator;
import dev.daff.slo.burn.WindowLabels;
import dev.daff.slo.definition.SloApi.AlertBudgets;
import dev.daff.slo.definition.SloApi.SloView;
import dev.daff.slo.definition.SloWindow;

/**
 * One SLO's Prometheus rule groups the way Sloth writes them: SLI error ratios per alert window and over the
 * period ({@code slo:sli_error:ratio_rate<window>}), the SLO's meta recordings ({@code slo:objective:ratio},
 * {@code slo:error_budget:ratio}, …), and a page and a ticket alert built from daff's own tiers for this SLO — the
 * same windows, burn factors and strict "above" as {@code AlertEvaluator}, so Prometheus and daff fire alike.
 */
final class SlothRules {

    static final String PAGE_ALERT = "DaffSloErrorBudgetBurnPage";
    static final String TICKET_ALERT = "DaffSloErrorBudgetBurnTicket";
    private static final Pattern WINDOW = Pattern.compile("\\{\\{\\s*\\.window\\s*}}");

    private SlothRules() {
    }

    /** Sloth's {@code sloth_id}: {@code <service>-<slo>}. */
    static String id(SloView slo) {
        return slo.service() + "-" + slo.name();
    }

    static List<Map<String, Object>> groups(SloView slo) {
        SloWindow period = SloWindow.parse(slo.window()).orElseThrow();
        AlertBudgets budgets = slo.alertBudgets();
        List<AlertTier> tiers = AlertTiers.forPeriod(period.length(), budgets.pageFast() / 100,
                budgets.pageSlow() / 100, budgets.ticketFast() / 100, budgets.ticketSlow() / 100).all();
        String id = id(slo);
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("sloth_id", id);
        identity.put("sloth_service", slo.service());
        identity.put("sloth_slo", slo.name());
        String selector = "{" + matcher("sloth_id", id) + ", " + matcher("sloth_service", slo.service()) + ", "
                + matcher("sloth_slo", slo.name()) + "}";

        List<Object> sli = new ArrayList<>();
        for (Duration window : windows(tiers)) {
            String label = WindowLabels.of(window);
            sli.add(rule("record", "slo:sli_error:ratio_rate" + label,
                    parenthesised(windowed(slo.prometheus().errorQuery(), label)) + "\n/\n"
                            + parenthesised(windowed(slo.prometheus().totalQuery(), label)) + "\n",
                    labels(identity, slo.team(), "sloth_window", label)));
        }
        String periodLabel = period.label();
        String shortest = "slo:sli_error:ratio_rate" + WindowLabels.of(windows(tiers).first()) + selector;
        sli.add(rule("record", "slo:sli_error:ratio_rate" + periodLabel,
                "sum_over_time(" + shortest + "[" + periodLabel + "])\n/ ignoring (sloth_window)\ncount_over_time("
                        + shortest + "[" + periodLabel + "])\n",
                labels(identity, slo.team(), "sloth_window", periodLabel)));

        double objective = slo.objective() / 100.0;
        double errorBudget = BurnCalculator.errorBudget(slo.objective()); // what the evaluator compares with
        List<Object> meta = new ArrayList<>();
        meta.add(rule("record", "slo:objective:ratio", "vector(" + objective + ")", labels(identity, slo.team())));
        meta.add(rule("record", "slo:error_budget:ratio", "vector(1-" + objective + ")", labels(identity, slo.team())));
        meta.add(rule("record", "slo:time_period:days", "vector(" + period.days() + ")", labels(identity, slo.team())));
        meta.add(rule("record", "slo:current_burn_rate:ratio", shortest
                + "\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio" + selector + "\n",
                labels(identity, slo.team())));
        meta.add(rule("record", "slo:period_burn_rate:ratio", "slo:sli_error:ratio_rate" + periodLabel + selector
                + "\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio" + selector + "\n",
                labels(identity, slo.team())));
        meta.add(rule("record", "slo:period_error_budget_remaining:ratio",
                "1 - slo:period_burn_rate:ratio" + selector, labels(identity, slo.team())));

        List<Object> alerts = new ArrayList<>();
        for (String severity : List.of("PAGE", "TICKET")) {
            List<AlertTier> ofSeverity = tiers.stream().filter(t -> t.severity().equals(severity)).toList();
            alerts.add(alert(slo, severity, ofSeverity, selector, errorBudget, identity));
        }
        return List.of(group("sloth-slo-sli-recordings-" + id, sli), group("sloth-slo-meta-recordings-" + id, meta),
                group("sloth-slo-alerts-" + id, alerts));
    }

    /** Every window the tiers read, shortest first: 5m, 30m, 1h, 2h, 6h, 1d, 3d for daff's tiers. */
    static TreeSet<Duration> windows(List<AlertTier> tiers) {
        TreeSet<Duration> windows = new TreeSet<>();
        tiers.forEach(tier -> {
            windows.add(tier.shortWindow());
            windows.add(tier.longWindow());
        });
        return windows;
    }

    private static Map<String, Object> alert(SloView slo, String severity, List<AlertTier> tiers, String selector,
            double errorBudget, Map<String, Object> identity) {
        List<String> clauses = new ArrayList<>();
        for (AlertTier tier : tiers) {
            // the same product AlertTier.threshold computes: burn factor × error budget, above it (never equal)
            String threshold = "(" + tier.burnFactor() + " * " + errorBudget + ")";
            clauses.add("(\n    max(slo:sli_error:ratio_rate" + WindowLabels.of(tier.shortWindow()) + selector + " > "
                    + threshold + ") without (sloth_window)\n    and\n    max(slo:sli_error:ratio_rate"
                    + WindowLabels.of(tier.longWindow()) + selector + " > " + threshold + ") without (sloth_window)\n)");
        }
        String name = severity.toLowerCase(Locale.ROOT);
        // the SLO's identity too: two SLOs' alerts of one name must differ in their labels (promtool's lint)
        Map<String, Object> labels = new LinkedHashMap<>();
        labels(identity, slo.team(), "sloth_severity", name).forEach((key, value) -> labels.put(key, literal(value)));
        // The annotations hold no text of the SLO's: {{$labels.sloth_service}} prints the label's value as it is.
        Map<String, Object> annotations = new LinkedHashMap<>();
        annotations.put("title", "(" + name + ") {{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn "
                + "rate is too fast.");
        annotations.put("summary", "{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is over "
                + "expected (daff's " + String.join(" and ", tiers.stream().map(AlertTier::label).toList()) + " tiers).");
        Map<String, Object> rule = rule("alert", severity.equals("PAGE") ? PAGE_ALERT : TICKET_ALERT,
                String.join("\nor\n", clauses) + "\n", labels);
        rule.put("annotations", annotations);
        return rule;
    }

    private static String windowed(String query, String window) {
        return WINDOW.matcher(query).replaceAll(Matcher.quoteReplacement(window));
    }

    /**
     * A team's query in parentheses, the closing one on a line of its own: a query may end in a PromQL comment
     * ({@code … # 5xx}), which runs to the end of its line and swallowed a ")" written after it.
     */
    private static String parenthesised(String query) {
        return "(" + query + "\n)";
    }

    /**
     * An alert's label value as Prometheus prints it. Prometheus expands alert labels and annotations as Go
     * templates, so a service named "orders {{ x" failed the team's whole rule file, and one holding
     * "{{ query … }}" ran PromQL whenever the alert fired: each "{{" becomes an action that prints "{{", and the
     * text after it is plain text again.
     */
    private static String literal(Object value) {
        return String.valueOf(value).replace("{{", "{{ \"{{\" }}");
    }

    /**
     * A label matcher for a value as written. PromQL's lexer refuses a U+FFFD in a string ("invalid UTF-8 rune"),
     * written or escaped: Prometheus prints a rule's expression back and parses it again at every evaluation, which
     * turns an escaped one into a written one. So a value holding one is matched by a regular expression that spells
     * it {@code \x{fffd}} (every other character literal, as Go's QuoteMeta writes it).
     */
    private static String matcher(String label, String value) {
        if (value.indexOf('\uFFFD') < 0) {
            return label + "=\"" + escape(value) + "\"";
        }
        StringBuilder pattern = new StringBuilder();
        value.codePoints().forEach(c -> {
            if (c == 0xFFFD) {
                pattern.append("\\x{fffd}");
            } else {
                pattern.append("\\.+*?()|[]{}^$".indexOf(c) >= 0 ? "\\" : "").appendCodePoint(c);
            }
        });
        return label + "=~\"" + escape(pattern.toString()) + "\"";
    }

    /**
     * A PromQL double-quoted string's content (Go's escaping): a backslash and a quote escaped, and every control
     * character by its code, since a raw line break or tab ends the string, and the team's whole rule file with it.
     */
    private static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == '"') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static Map<String, Object> labels(Map<String, Object> identity, String team, String... more) {
        Map<String, Object> labels = new LinkedHashMap<>(identity);
        labels.put("team", team);
        for (int i = 0; i < more.length; i += 2) {
            labels.put(more[i], more[i + 1]);
        }
        return labels;
    }

    private static Map<String, Object> rule(String kind, String name, String expr, Map<String, Object> labels) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put(kind, name);
        rule.put("expr", expr);
        rule.put("labels", labels);
        return rule;
    }

    private static Map<String, Object> group(String name, List<Object> rules) {
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("name", name);
        group.put("rules", rules);
        return group;
    }
}
