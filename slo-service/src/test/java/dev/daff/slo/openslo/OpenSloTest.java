package dev.daff.slo.openslo;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.localinfra.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/** OpenSLO v1 in: the specification's own examples, each refusal, dry runs, and all-or-nothing. */
@QuarkusTest
class OpenSloTest {

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
        OpenSloTest.sendYamlAsText();
    }

    /** rest-assured encodes only the types it knows: YAML bodies go as the text they are. */
    static void sendYamlAsText() {
        io.restassured.config.EncoderConfig encoder = io.restassured.RestAssured.config().getEncoderConfig();
        for (String type : List.of("application/yaml", "text/yaml", "application/x-yaml")) {
            encoder = encoder.encodeContentTypeAs(type, io.restassured.http.ContentType.TEXT);
        }
        io.restassured.RestAssured.config = io.restassured.RestAssured.config().encoderConfig(encoder);
    }

    static String fixture(String name) {
        try (InputStream in = OpenSloTest.class.getResourceAsStream("/openslo/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static ValidatableResponse post(String yaml, String query) {
        return given().contentType("application/yaml").body(yaml).when().post("/api/openslo" + query).then();
    }

    /** A ratio SLO daff takes as it is; cases below break one thing each. */
    static String slo(String name) {
        return """
                apiVersion: openslo/v1
                kind: SLO
                metadata:
                  name: %s
                  annotations:
                    daff.dev/team: payments
                spec:
                  service: checkout
                  indicator:
                    metadata:
                      name: requests
                    spec:
                      ratioMetric:
                        counter: true
                        good:
                          metricSource:
                            type: daff
                            spec: {counts: good}
                        total:
                          metricSource:
                            type: daff
                            spec: {counts: total}
                  timeWindow:
                    - duration: 30d
                      isRolling: true
                  budgetingMethod: Occurrences
                  objectives:
                    - target: 0.999
                """.formatted(name);
    }

    @Test
    void importsTheSpecificationsInlineRatioSloExampleSayingWhatItDoesNotKeep() {
        post(fixture("spec-readme-ratio-slo.yaml"), "?team=platform").statusCode(200)
                .body("dryRun", equalTo(false))
                .body("slos[0].name", equalTo("foo-slo"))
                .body("slos[0].document", equalTo(1))
                .body("slos[0].outcome", equalTo("created"))
                .body("slos[0].notes", hasItems(containsString("spec.timeWindow: none given, measured over a rolling 30d"),
                        containsString("spec.budgetingMethod: none given, budgeted as Occurrences"),
                        containsString("spec.indicator.spec.ratioMetric.good.metricSource: type Datadog is not stored")));
        given().when().get("/api/slos/foo-slo").then().statusCode(200)
                .body("service", equalTo("foo")).body("team", equalTo("platform"))
                .body("objective", equalTo(98.0f)).body("window", equalTo("30d"))
                .body("prometheus", nullValue());
    }

    /** YAML's .nan and .inf are numbers to the parser: as a target they are refused like any other bad value. */
    @Test
    void aTargetThatIsNotAFiniteNumberIsRefused() {
        for (String target : List.of(".nan", ".inf", "-.inf")) {
            post(slo("not-finite").replace("target: 0.999", "target: " + target), "").statusCode(422)
                    .contentType("application/problem+json")
                    .body("refusals.find { it.path == 'spec.objectives[0].target' }.reason",
                            containsString("must be a finite number"));
        }
        given().when().get("/api/slos/not-finite").then().statusCode(404);
    }

    /**
     * "\uD800" in a double-quoted YAML scalar is half a surrogate pair, no character: stored, PostgreSQL kept '?' for it
     * (helper-81, as helper-75 found for JSON). Refused with where it is; a whole pair is text like any other.
     */
    @Test
    void textThatIsNotUnicodeIsRefusedAndAWholePairIsKept() {
        post(slo("lone-half").replace("  service: checkout", "  service: checkout\n  description: \"half \\uD800 a pair\""),
                "").statusCode(400).contentType("application/problem+json").body("type", endsWith("/malformed-yaml"))
                .body("detail", containsString("line 9, column 16"));
        given().when().get("/api/slos/lone-half").then().statusCode(404);
        post(slo("whole-pair").replace("  service: checkout", "  service: checkout\n  description: \"a pair \\uD83D\\uDE00\""),
                "").statusCode(200);
        given().when().get("/api/slos/whole-pair").then().statusCode(200).body("description", equalTo("a pair \uD83D\uDE00"));
    }

    @Test
    void refusesTheSpecificationsTimeSliceAndThresholdExamplesNamingEveryReason() {
        post(fixture("spec-ratio-timeslices.yaml"), "?team=platform").statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("https://daff.dev/problems/openslo-refused"))
                .body("refusals.path", hasItems("spec.timeWindow[0].duration", "spec.budgetingMethod",
                        "spec.objectives[0].op", "spec.objectives[0].timeSliceWindow"))
                .body("refusals.find { it.path == 'spec.budgetingMethod' }.reason",
                        containsString("RatioTimeslices is not supported"))
                .body("refusals.find { it.path == 'spec.timeWindow[0].duration' }.reason", containsString("'2w' is 14d"))
                .body("refusals[0].document", equalTo(1)).body("refusals[0].kind", equalTo("SLO"))
                .body("refusals[0].name", equalTo("main-page"));
        post(fixture("spec-timeslices-slo.yaml"), "?team=platform").statusCode(422)
                .body("refusals.path", hasItems("spec.timeWindow[0].calendar", "spec.timeWindow[0].isRolling",
                        "spec.budgetingMethod", "spec.objectives"));
        post(fixture("spec-occurences-slo.yaml"), "?team=platform").statusCode(422)
                .body("refusals.path", hasItems("spec.indicator.spec.thresholdMetric", "spec.objectives[0].op",
                        "spec.objectives[0].value"))
                .body("refusals.find { it.path == 'spec.indicator.spec.thresholdMetric' }.reason",
                        containsString("threshold SLIs"));
        for (String name : List.of("main-page", "service-availability", "search-slo")) {
            given().when().get("/api/slos/" + name).then().statusCode(404);
        }
    }

    @Test
    void importsReferencedDocumentsAndMapsBurnRateConditionsOntoDaffsTiers() {
        post(fixture("checkout-suite.yaml"), "").statusCode(200)
                .body("slos.name", contains("checkout-availability"))
                .body("slos[0].document", equalTo(6))
                .body("used.kind", contains("Service", "SLI", "AlertCondition", "AlertNotificationTarget", "AlertPolicy"))
                .body("used[1].usedBy", contains("checkout-availability"))
                .body("slos[0].notes", hasItem(containsString("notification target 'payments-pager' is not stored")));
        // numbers as doubles: the budget shares are compared to more digits than a float holds
        given().config(io.restassured.RestAssured.config().jsonConfig(io.restassured.config.JsonConfig.jsonConfig()
                .numberReturnType(io.restassured.path.json.config.JsonPathConfig.NumberReturnType.DOUBLE)))
                .when().get("/api/slos/checkout-availability").then().statusCode(200)
                .body("team", equalTo("payments")).body("service", equalTo("checkout"))
                .body("description", equalTo("Checkout requests succeed"))
                .body("objective", equalTo(99.5)).body("window", equalTo("28d"))
                .body("noDataAfter", equalTo(900.0)).body("minEvents", equalTo(20))
                // 12 × 1h of a 28-day period, 1.5 × 3d: the tiers burn exactly as the conditions say
                .body("alertBudgets.pageFast", closeTo(100.0 * 12 / (28 * 24), 1e-9))
                .body("alertBudgets.pageSlow", closeTo(5.0, 1e-9))
                .body("alertBudgets.ticketFast", closeTo(10.0, 1e-9))
                .body("alertBudgets.ticketSlow", closeTo(100.0 * 1.5 * 3 / 28, 1e-9))
                .body("tiers[0].burnFactor", closeTo(12.0, 1e-9))
                .body("tiers[3].burnFactor", closeTo(1.5, 1e-9))
                .body("prometheus.totalQuery", equalTo("sum(rate(http_requests_total{job=\"checkout\"}[{{.window}}]))"))
                .body("prometheus.errorQuery", equalTo("(sum(rate(http_requests_total{job=\"checkout\"}[{{.window}}]))) - "
                        + "(sum(rate(http_requests_total{job=\"checkout\",code!~\"5..\"}[{{.window}}])))"));
    }

    @Test
    void aDryRunAnswersCreatedChangedOrUnchangedAndStoresNothing() {
        String name = "dry-run-checkout";
        // Not "true" or "false": refused. JAX-RS read any other word as false, and ?dryRun=1 imported for real.
        post(slo(name), "?dryRun=1").statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("dryRun"));
        given().when().get("/api/slos/" + name).then().statusCode(404);
        post(slo(name), "?dryRun=true").statusCode(200)
                .body("dryRun", equalTo(true)).body("slos[0].outcome", equalTo("created"));
        given().when().get("/api/slos/" + name).then().statusCode(404);

        post(slo(name), "").statusCode(200).body("slos[0].outcome", equalTo("created"));
        long version = given().when().get("/api/slos/" + name).then().extract().jsonPath().getLong("version");

        post(slo(name).replace("target: 0.999", "targetPercent: 99.5"), "?dryRun=true").statusCode(200)
                .body("slos[0].outcome", equalTo("changed")).body("slos[0].changed", contains("objective"));
        post(slo(name), "?dryRun=true").statusCode(200).body("slos[0].outcome", equalTo("unchanged"));
        given().when().get("/api/slos/" + name).then().statusCode(200)
                .body("objective", equalTo(99.9f)).body("version", equalTo((int) version));

        post(slo(name).replace("target: 0.999", "targetPercent: 99.5"), "").statusCode(200)
                .body("slos[0].outcome", equalTo("changed"));
        given().when().get("/api/slos/" + name).then().body("objective", equalTo(99.5f));
        post(slo(name).replace("target: 0.999", "targetPercent: 99.5"), "").statusCode(200)
                .body("slos[0].outcome", equalTo("unchanged"));
        given().when().get("/api/slos/" + name).then().body("version", equalTo((int) version + 1));
    }

    @Test
    void anUploadWithOneRefusedDocumentStoresNoneOfIt() {
        String fine = "all-or-nothing-fine";
        String changed = "all-or-nothing-changed";
        post(slo(changed), "").statusCode(200);
        String upload = slo(fine) + "---\n" + slo(changed).replace("target: 0.999", "target: 0.99") + "---\n"
                + slo("all-or-nothing-bad").replace("duration: 30d", "duration: 1M");
        post(upload, "").statusCode(422).contentType("application/problem+json")
                .body("refusals", org.hamcrest.Matchers.hasSize(1))
                .body("refusals[0].document", equalTo(3)).body("refusals[0].name", equalTo("all-or-nothing-bad"))
                .body("refusals[0].path", equalTo("spec.timeWindow[0].duration"))
                .body("refusals[0].reason", containsString("'1M' is in months"))
                .body("detail", containsString("Nothing was imported"));
        given().when().get("/api/slos/" + fine).then().statusCode(404);
        given().when().get("/api/slos/" + changed).then().body("objective", equalTo(99.9f));
    }

    /**
     * What only the service checks (an SLO no outage could page for, a budget alert's window) is refused as everything
     * else is, dry run or not, at the field it came from: a dry run answered "created", and the import a plain 400
     * naming neither document nor field.
     */
    @Test
    void whatTheServiceRefusesIsRefusedAtItsFieldInADryRunToo() {
        String upload = slo("checked-fine") + "---\n" + slo("checked-unpageable").replace("target: 0.999", "target: 0.8")
                + "---\n" + slo("checked-window").replace("daff.dev/team: payments",
                        "daff.dev/team: payments\n    daff.dev/exhaustion-rate-window: 3h");
        for (String query : List.of("?dryRun=true", "")) {
            post(upload, query).statusCode(422).contentType("application/problem+json")
                    .body("type", containsString("openslo-refused"))
                    .body("refusals", org.hamcrest.Matchers.hasSize(2))
                    .body("refusals[0].document", equalTo(2))
                    .body("refusals[0].path", equalTo("spec.objectives[0].target"))
                    .body("refusals[0].reason", containsString("raise the objective above 83.33%"))
                    .body("refusals[1].document", equalTo(3))
                    .body("refusals[1].path", equalTo("metadata.annotations.daff.dev/exhaustion-rate-window"))
                    .body("refusals[1].reason", containsString("must be one of PT5M"));
        }
        for (String name : List.of("checked-fine", "checked-unpageable", "checked-window")) {
            given().when().get("/api/slos/" + name).then().statusCode(404);
        }
    }

    /** A name YAML reads as a number is refused: read as text it could name another SLO, and it was dropped unseen. */
    @Test
    void aNameYamlReadsAsANumberIsRefusedNotDropped() {
        post(slo("404"), "").statusCode(422).contentType("application/problem+json")
                .body("refusals[0].path", equalTo("metadata.name"))
                .body("refusals[0].reason", containsString("quote a name"));
        post(slo("\"404\""), "").statusCode(200).body("slos[0].name", equalTo("404"));
    }

    /** {@link #slo} with both metric sources Prometheus queries: good (or bad, if so named) and total. */
    static String prometheusSlo(String name, String numerator, String numeratorQuery, String totalQuery) {
        return slo(name).replace("good:\n          metricSource:\n            type: daff\n            spec: {counts: good}",
                numerator + ":\n          metricSource:\n            type: Prometheus\n            spec:\n              query: '"
                        + numeratorQuery + "'")
                .replace("type: daff\n            spec: {counts: total}",
                        "type: Prometheus\n            spec:\n              query: '" + totalQuery + "'");
    }

    /**
     * The good query is checked as a POST checks each query: inside the stored (total) - (good) the total query's
     * {{.window}} passed the check for both, and the good one counted a fixed 5 minutes in every alert window.
     */
    @Test
    void aGoodQueryWithoutTheWindowIsRefusedAtItsField() {
        post(prometheusSlo("good-unwindowed", "good", "sum(rate(ok_total[5m]))", "sum(rate(all_total[{{.window}}]))"),
                "?dryRun=true").statusCode(422).contentType("application/problem+json")
                .body("refusals.path", contains("spec.indicator.spec.ratioMetric.good.metricSource.spec.query"))
                .body("refusals[0].reason", containsString("must use {{.window}} as the range of its rates"));
        given().when().get("/api/slos/good-unwindowed").then().statusCode(404);
        post(prometheusSlo("good-windowed", "good", "sum(rate(ok_total[{{ .window }}]))",
                "sum(rate(all_total[{{.window}}]))"), "").statusCode(200);
    }

    /** A PromQL comment runs to the end of its line: the ")" after a query ending in one goes on the next line. */
    @Test
    void aQueryEndingInACommentKeepsTheParenthesesAfterIt() {
        post(prometheusSlo("commented-queries", "good", "sum(rate(ok_total[{{.window}}])) # 2xx",
                "sum(rate(all_total[{{.window}}])) # all"), "").statusCode(200);
        given().when().get("/api/slos/commented-queries").then().statusCode(200)
                .body("prometheus.errorQuery", equalTo("(sum(rate(all_total[{{.window}}])) # all\n) - "
                        + "(sum(rate(ok_total[{{.window}}])) # 2xx\n)"));
    }

    /**
     * YAML 1.1 reads an unquoted 007 as 7, 12:30 as 750 and off as false: a team 7 nobody defined (its pages reach
     * nobody), a service 750. Refused, asking for quotes; quoted, the text is kept as written.
     */
    @Test
    void aTeamServiceOrDescriptionYamlReadsAsANumberOrFlagIsRefused() {
        String byLabel = slo("unquoted").replace("  annotations:\n    daff.dev/team: payments", "  labels:\n    team: 007");
        Map<String, String> cases = Map.of(
                slo("unquoted").replace("daff.dev/team: payments", "daff.dev/team: 007"), "metadata.annotations.daff.dev/team",
                byLabel, "metadata.labels.team",
                byLabel.replace("team: 007", "team: [007]"), "metadata.labels.team[0]",
                slo("unquoted").replace("service: checkout", "service: 12:30"), "spec.service",
                slo("unquoted").replace("service: checkout", "service: off"), "spec.service",
                slo("unquoted").replace("service: checkout", "service: checkout\n  description: off"), "spec.description");
        cases.forEach((yaml, path) -> post(yaml, "?dryRun=true").statusCode(422).contentType("application/problem+json")
                .body("refusals.find { it.path == '" + path + "' }.reason", containsString("quote it")));
        given().when().get("/api/slos/unquoted").then().statusCode(404);
        post(slo("quoted").replace("daff.dev/team: payments", "daff.dev/team: \"007\"")
                .replace("service: checkout", "service: \"12:30\"\n  description: \"off\""), "").statusCode(200);
        given().when().get("/api/slos/quoted").then().statusCode(200)
                .body("team", equalTo("007")).body("service", equalTo("12:30")).body("description", equalTo("off"));
    }

    /** A NUL ("\0" in a double-quoted scalar) passed a dry run, then failed the import with a database error. */
    @Test
    void aNulInAValueIsRefusedAlikeInADryRunAndAnImport() {
        String yaml = slo("nul-text").replace("  service: checkout", "  service: checkout\n  description: \"before \\0 after\"");
        for (String query : List.of("?dryRun=true", "")) {
            post(yaml, query).statusCode(400).contentType("application/problem+json")
                    .body("type", endsWith("/malformed-yaml"))
                    .body("detail", containsString("line 9, column 16"))
                    .body("detail", containsString("NUL"));
        }
        given().when().get("/api/slos/nul-text").then().statusCode(404);
    }

    /** Labels or annotations written as a list or a string were passed over, and the team they named with them. */
    @Test
    void labelsOrAnnotationsThatAreNotAMappingAreRefused() {
        Map<String, String> cases = Map.of(
                slo("not-mapping").replace("  annotations:\n    daff.dev/team: payments", "  annotations: [payments]"),
                "metadata.annotations",
                slo("not-mapping").replace("  annotations:\n    daff.dev/team: payments", "  annotations: payments"),
                "metadata.annotations",
                slo("not-mapping").replace("  annotations:", "  labels: [team, payments]\n  annotations:"),
                "metadata.labels");
        cases.forEach((yaml, path) -> post(yaml, "?team=fallback").statusCode(422).contentType("application/problem+json")
                .body("refusals.find { it.path == '" + path + "' }.reason", containsString("must be a mapping")));
        given().when().get("/api/slos/not-mapping").then().statusCode(404);
    }

    /** Files joined into one upload carry their byte order marks into the middle, where one began the next key. */
    @Test
    void aByteOrderMarkStartingALaterDocumentIsNoText() {
        String upload = "\uFEFF" + slo("bom-first") + "---\n\uFEFF" + slo("bom-second") + "\uFEFF---\n" + slo("bom-third");
        // as UTF-8 bytes: rest-assured would send text as ISO-8859-1, which has no U+FEFF
        given().contentType("application/yaml; charset=UTF-8").body(upload.getBytes(StandardCharsets.UTF_8))
                .when().post("/api/openslo").then().statusCode(200).body("slos.name", contains("bom-first", "bom-second", "bom-third"));
        given().when().get("/api/slos/bom-third").then().statusCode(200).body("team", equalTo("payments"));
    }

    /** {document index, kind, name, path, a piece of the reason} for one broken upload. */
    private record Refused(String yaml, int document, String kind, String path, String reason) {
    }

    @Test
    void everyThingDaffCannotHonourIsRefusedWithItsDocumentPathAndReason() {
        String sli = """
                apiVersion: openslo/v1
                kind: SLI
                metadata:
                  name: orphan
                spec:
                  ratioMetric: {good: {metricSource: {type: daff}}, total: {metricSource: {type: daff}}}
                """;
        List<Refused> cases = List.of(
                new Refused(slo("r-api").replace("openslo/v1", "openslo/v2alpha"), 1, "SLO", "apiVersion",
                        "'openslo/v2alpha' is not supported"),
                new Refused(slo("r-kind").replace("kind: SLO", "kind: DataSource"), 1, "DataSource", "kind",
                        "daff reads no data sources"),
                new Refused(slo("r-kind2").replace("kind: SLO", "kind: Dashboard"), 1, "Dashboard", "kind",
                        "'Dashboard' is not a kind daff takes"),
                new Refused(slo("r-calendar").replace("isRolling: true",
                        "calendar: {startTime: 2022-01-01 12:00:00, timeZone: UTC}"), 1, "SLO",
                        "spec.timeWindow[0].calendar", "calendar-aligned windows are not supported"),
                new Refused(slo("r-rolling").replace("isRolling: true", "isRolling: false"), 1, "SLO",
                        "spec.timeWindow[0].isRolling", "rolling windows only"),
                new Refused(slo("r-minutes").replace("duration: 30d", "duration: 30m"), 1, "SLO",
                        "spec.timeWindow[0].duration", "is 30m; daff's rolling windows are 7d, 28d and 30d"),
                new Refused(slo("r-quarter").replace("duration: 30d", "duration: 1Q"), 1, "SLO",
                        "spec.timeWindow[0].duration", "'1Q' is in quarters"),
                new Refused(slo("r-case").replace("duration: 30d", "duration: 30D"), 1, "SLO",
                        "spec.timeWindow[0].duration", "case-sensitive: m is minutes, M months"),
                new Refused(slo("r-slices").replace("Occurrences", "Timeslices"), 1, "SLO", "spec.budgetingMethod",
                        "Timeslices is not supported"),
                new Refused(slo("r-raw").replace("good:", "raw:"), 1, "SLO", "spec.indicator.spec.ratioMetric.raw",
                        "precomputed ratios"),
                new Refused(slo("r-both").replace("target: 0.999", "target: 0.999\n      targetPercent: 99.9"), 1, "SLO",
                        "spec.objectives[0]", "exactly one of target"),
                new Refused(slo("r-range").replace("target: 0.999", "target: 1.5"), 1, "SLO",
                        "spec.objectives[0].target", "must be less than 100"),
                new Refused(slo("r-two").replace("- target: 0.999", "- target: 0.999\n    - target: 0.99"), 1, "SLO",
                        "spec.objectives", "a daff SLO has exactly one"),
                new Refused(slo("r-typo").replace("budgetingMethod", "budgetMethod"), 1, "SLO", "spec.budgetMethod",
                        "is not a field of an SLO's spec"),
                new Refused(slo("r-annotation").replace("daff.dev/team", "daff.dev/teem"), 1, "SLO",
                        "metadata.annotations.daff.dev/teem", "is not an annotation daff knows"),
                new Refused(slo("r-team").replace("daff.dev/team: payments", "other.dev/x: y"), 1, "SLO",
                        "metadata.annotations.daff.dev/team", "no team"),
                new Refused(slo("r-ref").replaceAll("(?s)  indicator:.*?  timeWindow", "  indicatorRef: nowhere\n  timeWindow"),
                        1, "SLO", "spec.indicatorRef", "there is no SLI named 'nowhere'"),
                new Refused(slo("r-orphan") + "---\n" + sli, 2, "SLI", "(document)", "no SLO in this upload uses it"),
                new Refused(slo("r-query").replace("good:\n          metricSource:\n            type: daff\n            spec: {counts: good}",
                        "bad:\n          metricSource:\n            type: Prometheus\n            spec: {query: 'sum(errors)'}")
                        .replace("type: daff\n            spec: {counts: total}",
                                "type: Prometheus\n            spec: {query: 'sum(rate(all[{{.window}}]))'}"), 1, "SLO",
                        "spec.indicator.spec.ratioMetric.bad.metricSource.spec.query", "must use {{.window}}"),
                new Refused(slo("r-op") + policy("op: lte"), 1, "SLO",
                        "spec.alertPolicies[0].spec.conditions[0].spec.condition.op", "must be gt"),
                new Refused(slo("r-window") + policy("lookbackWindow: 2h"), 1, "SLO",
                        "spec.alertPolicies[0].spec.conditions[0].spec.condition.lookbackWindow",
                        "not a window of daff's tiers (1h, 6h, 1d, 3d)"),
                new Refused(slo("r-after") + policy("alertAfter: 0m"), 1, "SLO",
                        "spec.alertPolicies[0].spec.conditions[0].spec.condition.alertAfter", "must be 5m or left out"),
                new Refused(slo("r-severity") + policy("severity: ticket"), 1, "SLO",
                        "spec.alertPolicies[0].spec.conditions[0].spec.severity", "alerts as page"),
                new Refused(slo("r-nodata") + policy("alertWhenNoData: false"), 1, "SLO",
                        "spec.alertPolicies[0].spec.alertWhenNoData", "daff always alerts NO_DATA"),
                new Refused(slo("r-silence").replace("daff.dev/team: payments",
                        "daff.dev/team: payments\n    daff.dev/no-data-after: 2d"), 1, "SLO",
                        "metadata.annotations.daff.dev/no-data-after", "must be between 1m and 1d"),
                new Refused(slo("r-twice") + policy("op: gt") + policy("op: gt").replace("  alertPolicies:\n", ""), 1,
                        "SLO", "spec.alertPolicies[1].spec.conditions[0].spec.condition.lookbackWindow",
                        "already sets the 1h/5m tier"),
                new Refused(slo("r-resolved") + policy("op: gt").replace("alertWhenNoData: true", "alertWhenResolved: false"),
                        1, "SLO", "spec.alertPolicies[0].spec.alertWhenResolved", "daff always tells the channels"),
                new Refused(slo("r-composite").replace("- target: 0.999", "- target: 0.999\n      compositeWeight: 2"), 1,
                        "SLO", "spec.objectives[0].compositeWeight", "composite SLOs are not supported"),
                new Refused(slo("r-budget") + policy("threshold: 1000"), 1, "SLO",
                        "spec.alertPolicies[0].spec.conditions[0].spec.condition.threshold", "less than or equal to 100"));
        for (Refused refused : cases) {
            String name = refused.yaml().lines().filter(l -> l.startsWith("  name: r-")).findFirst().orElseThrow().substring(8);
            ValidatableResponse answer = post(refused.yaml(), "");
            String body = answer.extract().asString();
            answer.statusCode(422).contentType("application/problem+json");
            Map<String, Object> match = answer.extract().jsonPath().param("path", refused.path())
                    .getMap("refusals.find { it.path == path }");
            assertEquals(true, match != null, name + ": no refusal at " + refused.path() + " in " + body);
            assertEquals(refused.document(), match.get("document"), body);
            assertEquals(refused.kind(), match.get("kind"), body);
            assertEquals(true, ((String) match.get("reason")).contains(refused.reason()), name + ": " + body);
            given().when().get("/api/slos/" + name).then().statusCode(404);
        }
    }

    /** An inline alert policy of one page condition (1h, 14.4) with one of its fields replaced. */
    static String policy(String replacement) {
        String policy = """
                  alertPolicies:
                    - kind: AlertPolicy
                      metadata: {name: fast}
                      spec:
                        alertWhenNoData: true
                        conditions:
                          - kind: AlertCondition
                            metadata: {name: fast-burn}
                            spec:
                              severity: page
                              condition: {kind: burnrate, op: gt, threshold: 14.4, lookbackWindow: 1h, alertAfter: 5m}
                        notificationTargets:
                          - kind: AlertNotificationTarget
                            metadata: {name: on-call}
                            spec: {target: pagerduty}
                """;
        String key = replacement.substring(0, replacement.indexOf(':'));
        return policy.replaceFirst(java.util.regex.Pattern.quote(key) + ": [^,}\\n]+", replacement);
    }

    @Test
    void takesEveryYamlMediaTypeAndNothingElse() {
        for (String type : List.of("application/yaml", "text/yaml", "application/x-yaml")) {
            given().contentType(type).body(slo("media-type")).when().post("/api/openslo?dryRun=true")
                    .then().statusCode(200).body("slos[0].outcome", equalTo("created"));
        }
        given().contentType("application/json").body("{}").when().post("/api/openslo").then().statusCode(415)
                .contentType("application/problem+json");
    }
}
