package dev.daff.incident;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.localinfra.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;

/** The year 2013 belongs to this test: no other test opens incidents detected in it. */
@QuarkusTest
class MetaReviewTest {

    @jakarta.inject.Inject
    io.agroal.api.AgroalDataSource database;

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "daff.meta-review.unfinalised-after")
    Duration unfinalisedAfter;

    @BeforeAll
    static void auth() {
        TestTokens.authenticateEveryRequest();
    }

    static String open(String severity, String service, String impact, String detected, String source) {
        return IncidentLifecycleTest.open("""
                {"title": "meta %s", "severity": "%s", "services": [%s], "team": "payments", "impactStartedAt": %s,
                 "detectedAt": "%s", "detectionSource": "%s"}
                """.formatted(detected, severity, service, impact == null ? "null" : "\"" + impact + "\"", detected, source));
    }

    static void cause(String id, String body) {
        given().contentType(ContentType.JSON).body(body).when().put("/api/incidents/" + id + "/cause").then().statusCode(200);
    }

    static JsonPath json(String path) {
        return JsonPath.from(given().when().get(path).then().statusCode(200).extract().asString())
                .using(new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE));
    }

    @Test
    void metaReviewNumbersMatchAHandComputedSetOfIncidents() {
        String u = "-" + ChangesTest.unique();
        String checkout = "\"checkout" + u + "\"";
        ChangesTest.service("checkout" + u, "{\"team\": \"payments\"}");
        String one = open("SEV1", checkout + ", \"db" + u + "\"", "2013-02-01T10:00:00Z", "2013-02-01T10:12:00Z", "HUMAN");
        String two = open("SEV2", checkout, "2013-03-01T08:00:00Z", "2013-03-01T08:05:00Z", "SLO_BURN");
        String three = open("SEV2", "\"search" + u + "\"", null, "2013-04-01T00:00:00Z", "CUSTOMER_REPORT");
        String four = open("SEV3", checkout, "2013-05-01T00:00:00Z", "2013-05-01T00:30:00Z", "HUMAN");
        String five = open("SEV2", "\"api" + u + "\"", null, "2013-06-01T00:00:00Z", "ALERTMANAGER");
        open("SEV1", checkout, null, "2014-01-01T00:00:00Z", "HUMAN"); // just outside the period
        for (String id : List.of(one, two, five)) {
            IncidentLifecycleTest.move(id, "ANALYSING");
            IncidentLifecycleTest.move(id, "FIXING");
            IncidentLifecycleTest.move(id, "RESOLVED");
        }
        IncidentLifecycleTest.move(three, "ANALYSING");
        cause(one, "{\"class\": \"CHANGE\", \"seams\": [\"CONFIG\"]}");
        cause(two, "{\"class\": \"CHANGE\", \"seams\": [\"CONFIG\", \"DEPLOYMENT\"]}");
        cause(three, "{\"class\": \"PROVIDER\", \"seams\": [\"DEPENDENCY\"]}");
        cause(four, "{\"class\": \"CHANGE\", \"seams\": [\"CONFIG\"]}");
        String change = ChangesTest.register("checkout" + u, "CONFIG", "pool", Instant.parse("2013-02-01T09:00:00Z"), null)
                .getString("change.id");
        given().contentType(ContentType.JSON).body("{\"role\": \"CAUSED\"}")
                .when().post("/api/incidents/" + one + "/changes/" + change).then().statusCode(200);

        // Acknowledged and resolved are stamped by the service clock: read them back and compute from them.
        List<Duration> mtta = new ArrayList<>();
        List<Duration> mttr = new ArrayList<>();
        List<Duration> mttrSev2 = new ArrayList<>();
        for (String id : List.of(one, two, three, four, five)) {
            JsonPath incident = given().when().get("/api/incidents/" + id).then().statusCode(200).extract().jsonPath();
            Instant detected = Instant.parse(incident.getString("detectedAt"));
            String impact = incident.getString("impactStartedAt");
            if (incident.getString("acknowledgedAt") != null) {
                mtta.add(Duration.between(detected, Instant.parse(incident.getString("acknowledgedAt"))));
            }
            if (incident.getString("resolvedAt") != null) {
                Duration ttr = Duration.between(impact == null ? detected : Instant.parse(impact),
                        Instant.parse(incident.getString("resolvedAt")));
                mttr.add(ttr);
                if (incident.getString("severity").equals("SEV2")) {
                    mttrSev2.add(ttr);
                }
            }
        }
        assertEquals(4, mtta.size());
        assertEquals(3, mttr.size());

        JsonPath review = json("/api/meta-review?from=2013-01-01T00:00:00Z&to=2014-01-01T00:00:00Z");
        assertEquals(5, review.getInt("incidents"));
        assertEquals(Map.of("CHANGE", 3, "PROVIDER", 1, "UNSET", 1), review.getMap("byCauseClass"));
        assertEquals(Map.of("checkout" + u, 3, "db" + u, 1, "search" + u, 1, "api" + u, 1), review.getMap("byService"));
        assertEquals(Map.of("CONFIG", 3, "DEPLOYMENT", 1, "DEPENDENCY", 1), review.getMap("bySeam"));
        assertEquals(Map.of("HUMAN", 2, "SLO_BURN", 1, "CUSTOMER_REPORT", 1, "ALERTMANAGER", 1),
                review.getMap("byDetectionSource"));
        assertEquals(Map.of("SEV1", 1, "SEV2", 3, "SEV3", 1), review.getMap("bySeverity"));
        // MTTD from the impact starts and detections set above: 12, 5 and 30 minutes.
        assertEquals(3, review.getInt("mttd.count"));
        assertEquals((12 + 5 + 30) * 60 / 3.0, review.getDouble("mttd.meanSeconds"), 1e-9);
        assertEquals(12 * 60.0, review.getDouble("mttd.p50Seconds"));
        assertEquals(30 * 60.0, review.getDouble("mttd.p90Seconds"));
        assertStats(mtta, review, "mtta");
        assertStats(mttr, review, "mttr");
        assertStats(mttrSev2, review, "mttrBySeverity.SEV2");
        assertEquals(1, review.getInt("mttrBySeverity.SEV1.count"));
        assertEquals(0, review.getInt("timeToFinalise.count"));
        assertNull(review.get("timeToFinalise.meanSeconds"));
        assertEquals(List.of(Map.of("service", "checkout" + u, "incidents", 3)), review.getList("servicesWithRepeatIncidents"));
        assertEquals(List.of("3 of 5 were self change-caused", "3 of 5 were self change-caused at config seams",
                "3 of 5 sat at config seams", "3 of 5 involved checkout" + u), review.getList("patterns"));
        assertEquals(1, review.getInt("withLinkedChange.incidents"));
        assertEquals(0.2, review.getDouble("withLinkedChange.share"), 1e-9);
        assertEquals(List.of(one, two, three, four, five), review.getList("unfinalisedOverdue.id"));

        given().when().get("/api/meta-review?from=2013-06-01T00:00:00Z&to=2013-06-02T00:00:00Z").then().statusCode(200)
                .body("incidents", equalTo(1)).body("byCauseClass.UNSET", equalTo(1)).body("patterns.size()", equalTo(0));
    }

    @Test
    void badPeriodsAre400() {
        given().when().get("/api/meta-review?from=last-tuesday").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("from"));
        given().when().get("/api/meta-review?from=2013-02-01T00:00:00Z&to=2013-01-01T00:00:00Z").then().statusCode(400);
        // Instants Java reads but no period can be worked out from (once a 500 from the date arithmetic).
        given().when().get("/api/meta-review?to=-1000000000-01-01T00:00:00Z").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("to"));
        given().when().get("/api/meta-review?from=+1000000000-06-01T00:00:00Z&to=+1000000000-07-01T00:00:00Z").then()
                .statusCode(400).body("errors[0].field", equalTo("from"));
        // Longer than daff.meta-review.max-period (P1000D): one request would read every incident there is.
        given().when().get("/api/meta-review?from=2020-01-01T00:00:00Z&to=2022-09-28T00:00:01Z").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("from"));
        given().when().get("/api/meta-review?from=2020-01-01T00:00:00Z&to=2022-09-27T00:00:00Z").then().statusCode(200);
        given().when().get("/api/meta-review").then().statusCode(200);
    }

    @Test
    void mttrBySeverityIsAlsoAGaugeWithTheMetaReviewsNumbers() {
        String id = IncidentLifecycleTest.open("""
                {"title": "gauge", "severity": "SEV4", "services": ["gauge-%s"], "team": "t", "detectionSource": "HUMAN"}
                """.formatted(ChangesTest.unique()));
        IncidentLifecycleTest.move(id, "ANALYSING");
        IncidentLifecycleTest.move(id, "FIXING");
        IncidentLifecycleTest.move(id, "RESOLVED");
        java.util.regex.Pattern p50 = java.util.regex.Pattern
                .compile("(?m)^daff_incident_mttr_seconds\\{severity=\"SEV4\",stat=\"p50\"} (\\S+)$");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            double expected = json("/api/meta-review?from=" + Instant.now().minus(Duration.ofDays(30)))
                    .getDouble("mttrBySeverity.SEV4.p50Seconds");
            java.util.regex.Matcher gauge = p50.matcher(given().when().get("/q/metrics").then().statusCode(200)
                    .extract().asString());
            org.junit.jupiter.api.Assertions.assertTrue(gauge.find(), "no SEV4 MTTR gauge yet");
            assertEquals(expected, Double.parseDouble(gauge.group(1)), 1e-6);
        });
    }

    /**
     * The overdue gauge counts every incident not FINALISED unfinalised-after (14 days) after its detection, however
     * long ago: it reviewed only incidents detected in the metrics window (30 days), so an incident left unfinalised
     * for 40 days was not counted, and the count fell as the backlog grew older.
     */
    @Test
    void theOverdueGaugeCountsEveryUnfinalisedIncidentPastItsTimeWhenItWasDetected() throws Exception {
        open("SEV3", "\"old-" + ChangesTest.unique() + "\"", null, Instant.now().minus(Duration.ofDays(40)).toString(),
                "HUMAN");
        java.util.regex.Pattern gauge = java.util.regex.Pattern.compile("(?m)^daff_incident_unfinalised_overdue (\\S+)$");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            long expected;
            try (var connection = database.getConnection(); var count = connection.prepareStatement(
                    "select count(*) from incident where status <> 'FINALISED' and detected_at < ?")) {
                count.setObject(1, java.time.OffsetDateTime.ofInstant(Instant.now().minus(unfinalisedAfter),
                        java.time.ZoneOffset.UTC));
                try (var rows = count.executeQuery()) {
                    rows.next();
                    expected = rows.getLong(1);
                }
            }
            java.util.regex.Matcher value = gauge.matcher(given().when().get("/q/metrics").then().statusCode(200)
                    .extract().asString());
            org.junit.jupiter.api.Assertions.assertTrue(value.find(), "no overdue gauge yet");
            assertEquals(expected, Double.parseDouble(value.group(1)), 1e-9);
        });
    }

    /** Mean and nearest-rank p50/p90 in seconds at millisecond resolution, computed here independently. */
    private static void assertStats(List<Duration> durations, JsonPath review, String path) {
        List<Long> millis = durations.stream().map(Duration::toMillis).sorted().toList();
        int n = millis.size();
        double mean = millis.stream().mapToLong(Long::longValue).sum() / (double) n / 1000.0;
        assertEquals(n, review.getInt(path + ".count"));
        assertEquals(mean, review.getDouble(path + ".meanSeconds"), 1e-6, path);
        assertEquals(millis.get((int) Math.ceil(0.5 * n) - 1) / 1000.0, review.getDouble(path + ".p50Seconds"), 1e-9, path);
        assertEquals(millis.get((int) Math.ceil(0.9 * n) - 1) / 1000.0, review.getDouble(path + ".p90Seconds"), 1e-9, path);
    }
}
