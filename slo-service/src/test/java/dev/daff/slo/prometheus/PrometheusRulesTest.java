package dev.daff.slo.prometheus;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import dev.daff.localinfra.TestTokens;
import dev.daff.slo.burn.AlertTier;
import dev.daff.slo.burn.AlertTiers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Sloth-compatible rules for SLOs whose SLI lives in Prometheus, with daff's own tiers. */
@QuarkusTest
class PrometheusRulesTest {

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    static String slo(String name, String team, String window, String prometheus) {
        return """
                {"name": "%s", "service": "orders", "team": "%s", "objective": 99.5, "window": "%s",
                 "alertBudgets": {"pageFast": 3, "pageSlow": 6, "ticketFast": 12, "ticketSlow": 20}%s}
                """.formatted(name, team, window, prometheus == null ? "" : ", \"prometheus\": " + prometheus);
    }

    static final String QUERIES = """
            {"errorQuery": "sum(rate(http_requests_total{job=\\"orders\\",code=~\\"5..\\"}[{{.window}}]))",
             "totalQuery": "sum(rate(http_requests_total{job=\\"orders\\"}[{{ .window }}]))"}
            """;

    private static void create(String body) {
        given().contentType(ContentType.JSON).body(body).when().post("/api/slos").then().statusCode(201);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> groups(String yaml) {
        Map<String, Object> file = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        return (List<Map<String, Object>>) file.get("groups");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rules(Map<String, Object> group) {
        return (List<Map<String, Object>>) group.get("rules");
    }

    @Test
    void rendersSlothRecordingRulesAndAlertsWithDaffsOwnBurnFactors() {
        create(slo("orders-7d", "fulfilment", "7d", QUERIES));
        given().when().get("/api/slos/orders-7d").then().statusCode(200)
                .body("prometheus.totalQuery", equalTo("sum(rate(http_requests_total{job=\"orders\"}[{{ .window }}]))"));
        String yaml = given().when().get("/api/slos/orders-7d/prometheus-rules").then().statusCode(200)
                .contentType(startsWith("application/yaml")).extract().asString();
        List<Map<String, Object>> groups = groups(yaml);
        assertEquals(List.of("sloth-slo-sli-recordings-orders-orders-7d", "sloth-slo-meta-recordings-orders-orders-7d",
                "sloth-slo-alerts-orders-orders-7d"), groups.stream().map(g -> g.get("name")).toList());

        List<Map<String, Object>> sli = rules(groups.get(0));
        assertEquals(List.of("5m", "30m", "1h", "2h", "6h", "1d", "3d", "7d"),
                sli.stream().map(r -> ((Map<?, ?>) r.get("labels")).get("sloth_window")).toList());
        for (Map<String, Object> rule : sli) {
            String window = (String) ((Map<?, ?>) rule.get("labels")).get("sloth_window");
            assertEquals("slo:sli_error:ratio_rate" + window, rule.get("record"));
            assertEquals(Map.of("sloth_id", "orders-orders-7d", "sloth_service", "orders", "sloth_slo", "orders-7d",
                    "team", "fulfilment", "sloth_window", window), rule.get("labels"));
            String expr = (String) rule.get("expr");
            assertFalse(expr.contains("{{"), expr);
            if (!window.equals("7d")) {
                assertEquals("(sum(rate(http_requests_total{job=\"orders\",code=~\"5..\"}[" + window + "]))\n)\n/\n"
                        + "(sum(rate(http_requests_total{job=\"orders\"}[" + window + "]))\n)\n", expr);
            }
        }
        assertTrue(((String) sli.get(7).get("expr")).startsWith("sum_over_time(slo:sli_error:ratio_rate5m{"));

        Map<String, Object> meta = rules(groups.get(1)).stream().collect(java.util.stream.Collectors.toMap(
                r -> (String) r.get("record"), r -> r.get("expr")));
        assertEquals("vector(0.995)", meta.get("slo:objective:ratio"));
        assertEquals("vector(1-0.995)", meta.get("slo:error_budget:ratio"));
        assertEquals("vector(7)", meta.get("slo:time_period:days"));

        // the factors of daff's tiers for this SLO: 3 % of a 7-day budget in 1h is 5.04, and so on
        List<AlertTier> tiers = AlertTiers.forPeriod(Duration.ofDays(7), 0.03, 0.06, 0.12, 0.20).all();
        double errorBudget = 1.0 - 99.5 / 100.0;
        List<Map<String, Object>> alerts = rules(groups.get(2));
        assertEquals(List.of("DaffSloErrorBudgetBurnPage", "DaffSloErrorBudgetBurnTicket"),
                alerts.stream().map(a -> a.get("alert")).toList());
        for (AlertTier tier : tiers) {
            Map<String, Object> alert = alerts.get(tier.severity().equals("PAGE") ? 0 : 1);
            String expr = (String) alert.get("expr");
            String threshold = "(" + tier.burnFactor() + " * " + errorBudget + ")";
            for (Duration window : List.of(tier.shortWindow(), tier.longWindow())) {
                String label = dev.daff.slo.burn.WindowLabels.of(window);
                assertTrue(expr.contains("max(slo:sli_error:ratio_rate" + label + "{sloth_id=\"orders-orders-7d\", "
                        + "sloth_service=\"orders\", sloth_slo=\"orders-7d\"} > " + threshold + ") without (sloth_window)"),
                        tier.label() + " in " + expr);
            }
            assertEquals(tier.severity().toLowerCase(java.util.Locale.ROOT),
                    ((Map<?, ?>) alert.get("labels")).get("sloth_severity"));
        }
        assertEquals(5.04, tiers.get(0).burnFactor(), 1e-9);
    }

    @Test
    void promtoolAcceptsATeamsRules() throws Exception {
        create(slo("checked-a", "promtool-team", "30d", QUERIES));
        create(slo("checked-b", "promtool-team", "28d", QUERIES));
        // a service name is free text: quotes, a backslash, a line break and a tab go into PromQL label matchers
        create(slo("checked-c", "promtool-team", "7d", QUERIES).replace("\"service\": \"orders\"",
                "\"service\": \"orders \\\"eu\\\"\\n\\\\ second line\\t\\u0007\""));
        // Two SLOs whose Sloth ids are one ("orders-checked-twin"): Prometheus refused the whole file, which named a
        // group twice.
        create(slo("twin", "promtool-team", "30d", QUERIES).replace("\"service\": \"orders\"",
                "\"service\": \"orders-checked\""));
        create(slo("checked-twin", "promtool-team", "30d", QUERIES));
        // Alert labels are Go templates to Prometheus: "{{ x" failed the whole file, "{{ query … }}" would run PromQL.
        create(slo("checked-braces", "promtool-team", "30d", QUERIES).replace("\"service\": \"orders\"",
                "\"service\": \"orders {{ x\""));
        // A written U+FFFD in a PromQL string is "invalid UTF-8 rune" to Prometheus's lexer.
        create(slo("checked-fffd", "promtool-team", "30d", QUERIES).replace("\"service\": \"orders\"",
                "\"service\": \"orders \\ufffd (eu)\""));
        // A query ending in a PromQL comment swallowed the ")" daff wrote after it.
        create(slo("checked-comment", "promtool-team", "30d", """
                {"errorQuery": "sum(rate(http_requests_total{code=~\\"5..\\"}[{{.window}}])) # 5xx only",
                 "totalQuery": "sum(rate(http_requests_total[{{.window}}])) # every request"}
                """));
        String yaml = given().when().get("/api/teams/promtool-team/prometheus-rules").then().statusCode(200)
                .extract().asString();
        assertEquals(24, groups(yaml).size());
        List<Object> names = groups(yaml).stream().map(group -> group.get("name")).toList();
        assertEquals(names.size(), new java.util.HashSet<>(names).size(), names.toString());
        assertTrue(names.contains("sloth-slo-alerts-orders-checked-twin (SLO twin)"), names.toString());
        assertTrue(names.contains("sloth-slo-alerts-orders-checked-a"), names.toString());
        boolean required = "true".equals(System.getenv("DAFF_REQUIRE_PROMTOOL"));
        boolean present = new ProcessBuilder("sh", "-c", "command -v promtool").start().waitFor() == 0;
        if (!present) {
            assertFalse(required, "DAFF_REQUIRE_PROMTOOL=true but promtool is not on the PATH (Debian: apt-get install "
                    + "prometheus)");
            Assumptions.abort("promtool is not on the PATH (Debian package prometheus): the rules' structure is "
                    + "checked by rendersSlothRecordingRulesAndAlertsWithDaffsOwnBurnFactors only");
        }
        Path file = Files.createTempFile("daff-rules", ".yaml");
        Files.writeString(file, yaml);
        Process check = new ProcessBuilder("promtool", "check", "rules", file.toString()).redirectErrorStream(true).start();
        assertTrue(check.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, check.exitValue(), output + "\n" + yaml);
        assertTrue(output.contains("SUCCESS: 128 rules found"), output);
        expandsAlertLabelsAsWritten(file);
    }

    /**
     * Runs {@code promtool test rules} on the team's file: with every window of two SLOs burning, their page alerts
     * fire with the service as it was written, in the labels and in the annotations that print them.
     */
    private static void expandsAlertLabelsAsWritten(Path rules) throws Exception {
        List<AlertTier> pageTiers = AlertTiers.forPeriod(Duration.ofDays(30), 0.03, 0.06, 0.12, 0.20).all().stream()
                .filter(tier -> tier.severity().equals("PAGE")).toList();
        List<Object> series = new java.util.ArrayList<>();
        List<Object> alerts = new java.util.ArrayList<>();
        // the service as an alert shows it, and as a PromQL string spells it
        Map<String, String> services = Map.of("checked-braces", "orders {{ x", "checked-fffd", "orders \uFFFD (eu)");
        Map<String, String> spelt = Map.of("checked-braces", "orders {{ x", "checked-fffd", "orders \\ufffd (eu)");
        for (String slo : List.of("checked-braces", "checked-fffd")) {
            for (AlertTier tier : pageTiers) {
                for (Duration window : List.of(tier.shortWindow(), tier.longWindow())) {
                    String label = dev.daff.slo.burn.WindowLabels.of(window);
                    series.add(Map.of("series", "slo:sli_error:ratio_rate" + label + "{sloth_id=\"" + spelt.get(slo) + "-"
                            + slo + "\", sloth_service=\"" + spelt.get(slo) + "\", sloth_slo=\"" + slo
                            + "\", team=\"promtool-team\", sloth_window=\"" + label + "\"}", "values", "1+0x10"));
                }
            }
            String service = services.get(slo);
            alerts.add(Map.of("exp_labels", Map.of("sloth_id", service + "-" + slo, "sloth_service", service,
                    "sloth_slo", slo, "team", "promtool-team", "sloth_severity", "page"),
                    "exp_annotations", Map.of(
                            "title", "(page) " + service + " " + slo + " SLO error budget burn rate is too fast.",
                            "summary", service + " " + slo + " SLO error budget burn rate is over expected (daff's "
                                    + String.join(" and ", pageTiers.stream().map(AlertTier::label).toList())
                                    + " tiers).")));
        }
        Map<String, Object> test = Map.of("interval", "1m", "input_series", series, "alert_rule_test",
                List.of(Map.of("eval_time", "5m", "alertname", "DaffSloErrorBudgetBurnPage", "exp_alerts", alerts)));
        Path tests = Files.createTempFile("daff-rules-test", ".yaml");
        Files.writeString(tests, new Yaml().dump(Map.of("rule_files", List.of(rules.toString()), "tests", List.of(test))));
        Process run = new ProcessBuilder("promtool", "test", "rules", tests.toString()).redirectErrorStream(true).start();
        assertTrue(run.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, run.exitValue(), output + "\n" + Files.readString(tests));
    }

    @Test
    void anSloWithoutAPrometheusSectionHasNoRulesAndSaysWhy() {
        create(slo("no-queries", "quiet-team", "30d", null));
        given().when().get("/api/slos/no-queries/prometheus-rules").then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("https://daff.dev/problems/no-prometheus-section"))
                .body("detail", containsString("has no prometheus section"));
        given().when().get("/api/slos/nowhere/prometheus-rules").then().statusCode(404)
                .contentType("application/problem+json");
        given().when().get("/api/teams/quiet-team/prometheus-rules").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("no-queries"));
        given().when().get("/api/teams/no-such-team/prometheus-rules").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void aTeamsFileLeavesOutItsSlosWithoutQueriesAndSaysSo() {
        create(slo("mixed-with", "mixed-team", "30d", QUERIES));
        create(slo("mixed-without", "mixed-team", "30d", null));
        String yaml = given().when().get("/api/teams/mixed-team/prometheus-rules").then().statusCode(200)
                .body(containsString("# Left out, without a prometheus section: mixed-without")).extract().asString();
        assertEquals(List.of("sloth-slo-sli-recordings-orders-mixed-with", "sloth-slo-meta-recordings-orders-mixed-with",
                "sloth-slo-alerts-orders-mixed-with"), groups(yaml).stream().map(g -> g.get("name")).toList());
    }

    @Test
    void queriesWithoutTheWindowOrTooLongAreRefused() {
        given().contentType(ContentType.JSON).body(slo("bad-queries", "t", "30d",
                "{\"errorQuery\": \"sum(errors)\", \"totalQuery\": \"sum(rate(all[{{.window}}]))\"}"))
                .when().post("/api/slos").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("prometheus.errorQuery"))
                .body("errors[0].message", containsString("must use {{.window}}"));
        given().contentType(ContentType.JSON).body(slo("long-queries", "t", "30d",
                "{\"errorQuery\": \"sum(rate(x[{{.window}}]))" + " ".repeat(4000) + "\", \"totalQuery\": \"sum(rate(all[{{.window}}]))\"}"))
                .when().post("/api/slos").then().statusCode(400).body("errors[0].field", equalTo("prometheus.errorQuery"));
        given().contentType(ContentType.JSON).body(slo("half-queries", "t", "30d",
                "{\"totalQuery\": \"sum(rate(all[{{.window}}]))\"}"))
                .when().post("/api/slos").then().statusCode(400).body("errors[0].field", equalTo("prometheus.errorQuery"));
        given().when().get("/api/slos/bad-queries").then().statusCode(404);
    }
}
