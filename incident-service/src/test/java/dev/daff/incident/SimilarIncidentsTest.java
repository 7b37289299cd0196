package dev.daff.incident;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.events.Topics;
import dev.daff.localinfra.KafkaTestClient;
import dev.daff.localinfra.RealInfrastructureResource;
import dev.daff.localinfra.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * The years 2009 (the seeded history) and 2006 (a recurrence) belong to this test: no other test opens incidents
 * detected in them, and they lie further apart than daff.similar.lookback.
 */
@QuarkusTest
class SimilarIncidentsTest {

    @BeforeAll
    static void auth() {
        TestTokens.authenticateEveryRequest();
    }

    static String open(String title, String summary, String service, String detected) {
        return IncidentLifecycleTest.open("""
                {"title": "%s", "summary": "%s", "severity": "SEV2", "services": ["%s"], "team": "data",
                 "detectedAt": "%s", "detectionSource": "HUMAN"}
                """.formatted(title, summary, service, detected));
    }

    static void cause(String id, String causeClass, String seams, String summary) {
        given().contentType(ContentType.JSON)
                .body("{\"class\": \"%s\", \"seams\": [%s], \"summary\": \"%s\"}".formatted(causeClass, seams, summary))
                .when().put("/api/incidents/" + id + "/cause").then().statusCode(200);
    }

    static void linkChange(String id, String service, String kind, String summary, String at) {
        String change = ChangesTest.register(service, kind, summary, Instant.parse(at), null).getString("change.id");
        given().contentType(ContentType.JSON).body("{\"role\": \"CAUSED\"}")
                .when().post("/api/incidents/" + id + "/changes/" + change).then().statusCode(200);
    }

    /** A SYSTEMIC action of {@code id} as action-service announces it; waits until incident-service has it. */
    static void systemicAction(String id, String actionId, String title, String status, Instant at, int systemicDone,
            int systemicOpen) {
        FinalisationGateTest.send(id, """
                {"eventId": "%s", "type": "ActionUpdated", "version": 1, "actionId": "%s", "incidentId": "%s",
                 "occurredAt": "%s", "title": "%s", "ownerTeam": "data", "kind": "PREVENT", "scope": "SYSTEMIC",
                 "status": "%s", "dueAt": null,
                 "summary": {"incidentId": "%s", "total": %d, "open": %d, "systemicDone": %d, "systemicOpen": %d,
                             "washupDone": false}}
                """.formatted(UUID.randomUUID(), actionId, id, at, title, status, id, systemicDone + systemicOpen,
                systemicOpen, systemicDone, systemicOpen));
        FinalisationGateTest.awaitSummaryOccurredAt(id, at);
    }

    static JsonPath similar(String id) {
        return given().when().get("/api/incidents/" + id + "/similar").then().statusCode(200).extract().jsonPath();
    }

    static List<String> kinds(String id) {
        return given().when().get("/api/incidents/" + id + "/timeline").then().statusCode(200).extract().jsonPath()
                .getList("kind", String.class);
    }

    /** Each result's score is the sum of its parts, and its sentence the scoring parts' reasons then the age. */
    static void assertExplained(JsonPath result, String path) {
        List<Map<String, Object>> parts = result.getList(path + ".parts");
        int sum = 0;
        List<String> whys = new ArrayList<>();
        for (Map<String, Object> part : parts) {
            int points = (Integer) part.get("points");
            sum += points;
            if (points > 0) {
                whys.add((String) part.get("why"));
            }
        }
        assertEquals(sum, result.getInt(path + ".score"));
        assertTrue(result.getString(path + ".why").startsWith(String.join("; ", whys) + "; "), result.getString(path + ".why"));
    }

    @Test
    void aSeededHistoryRanksTheExpectedEarlierIncidentsInOrder() {
        String u = ChangesTest.unique();
        String ingest = "ingest-" + u;
        String k8s = "k8s-" + u;
        ChangesTest.service(k8s, "{\"team\": \"platform\", \"shared\": true}");
        ChangesTest.service("checkout-" + u, "{\"team\": \"payments\", \"dependsOn\": [\"" + k8s + "\"]}");
        ChangesTest.service("search-" + u, "{\"team\": \"search\", \"dependsOn\": [\"" + k8s + "\"]}");
        ChangesTest.service(ingest, "{\"team\": \"data\"}");

        // A feature flag drops data on the ingest pipeline, twice.
        String flag = open("Feature flag dropped events in the ingest pipeline", "8% of events never reached the lake",
                ingest, "2009-01-10T09:00:00Z");
        cause(flag, "CHANGE", "\"FEATURE_FLAG\", \"DATA\"", "the dedupe flag discarded events it took for duplicates");
        linkChange(flag, ingest, "FEATURE_FLAG", "dedupe on", "2009-01-10T08:30:00Z");
        String action = UUID.randomUUID().toString();
        systemicAction(flag, action, "flag changes to the pipeline roll out behind a data check", "IN_PROGRESS",
                Instant.parse("2009-01-20T00:00:00Z"), 0, 1);
        String lag = open("Ingest pipeline lag after a broker failover", "events arrived two hours late", ingest,
                "2009-02-20T09:00:00Z");
        cause(lag, "PROVIDER", "\"DEPENDENCY\"", "the managed broker failed over slowly");
        // A platform upgrade collides with deploys, twice.
        String upgradeCheckout = open("Platform upgrade collided with the checkout deploy",
                "pods were evicted mid-rollout", "checkout-" + u, "2009-03-05T09:00:00Z");
        cause(upgradeCheckout, "CHANGE", "\"DEPLOYMENT\", \"DEPENDENCY\"", "node pool upgrade drained nodes during a deploy");
        linkChange(upgradeCheckout, k8s, "INFRASTRUCTURE", "node pool upgrade", "2009-03-05T08:00:00Z");
        // Logging coupled to the request path.
        String logging = open("Request latency from synchronous logging", "p99 latency at 9 s", "api-" + u,
                "2009-04-02T09:00:00Z");
        cause(logging, "CHANGE", "\"CONFIG\"", "log shipper backpressure blocked request threads");
        String upgradeSearch = open("Platform upgrade collided with the search deploy",
                "pods were evicted mid-rollout", "search-" + u, "2009-05-07T09:00:00Z");
        cause(upgradeSearch, "CHANGE", "\"DEPLOYMENT\", \"DEPENDENCY\"", "node pool upgrade drained nodes during a deploy");
        linkChange(upgradeSearch, k8s, "INFRASTRUCTURE", "node pool upgrade", "2009-05-07T08:00:00Z");
        String again = open("Feature flag dropped events in the ingest pipeline again", "3% of events never reached the lake",
                ingest, "2009-06-11T09:00:00Z");
        cause(again, "CHANGE", "\"FEATURE_FLAG\", \"DATA\"", "the sampling flag discarded events");
        linkChange(again, ingest, "FEATURE_FLAG", "sampling on", "2009-06-11T08:30:00Z");

        JsonPath result = similar(again);
        assertEquals(List.of(flag, lag), result.getList("similar.incidentId"));
        assertTrue(result.getInt("similar[0].score") > result.getInt("similar[1].score"));
        assertTrue(result.getString("similar[0].why").startsWith("same service " + ingest
                + "; same cause class CHANGE; same seams DATA, FEATURE_FLAG; a linked FEATURE_FLAG change on " + ingest
                + " in both; title "), result.getString("similar[0].why"));
        assertTrue(result.getString("similar[0].why").endsWith("; 5 months earlier"));
        assertTrue(result.getString("similar[1].why").startsWith("same service " + ingest + "; "));
        assertExplained(result, "similar[0]");
        assertExplained(result, "similar[1]");
        assertEquals(List.of(action), result.getList("similar[0].systemicActions.actionId"));
        assertEquals("flag changes to the pipeline roll out behind a data check",
                result.getString("similar[0].systemicActions[0].title"));
        assertEquals("IN_PROGRESS", result.getString("similar[0].systemicActions[0].status"));
        assertNull(result.get("similar[0].systemicActions[0].doneAt"));
        assertEquals(List.of(), result.getList("similar[1].systemicActions"));
        // The flag's fix is not done: no recurrence.
        assertNull(result.get("recurrenceOf"));
        assertTrue(!kinds(again).contains("RECURRENCE"));

        result = similar(upgradeSearch);
        assertEquals(List.of(upgradeCheckout), result.getList("similar.incidentId"));
        assertTrue(result.getString("similar[0].why").startsWith("shared platform " + k8s
                + " in common; same cause class CHANGE; same seams DEPENDENCY, DEPLOYMENT; a linked INFRASTRUCTURE change on "
                + k8s + " in both; title "), result.getString("similar[0].why"));
        assertExplained(result, "similar[0]");
        assertEquals(List.of(), similar(flag).getList("similar"));

        given().queryParam("limit", 1).when().get("/api/incidents/" + again + "/similar").then().statusCode(200)
                .body("similar.incidentId", contains(flag));

        // The washup lists the top similar incidents, and so does washup.md.
        given().contentType(ContentType.JSON).body("{\"rootCause\": \"flag semantics\"}")
                .when().put("/api/incidents/" + again + "/washup").then().statusCode(200)
                .body("similar.incidentId", contains(flag, lag)).body("recurrenceOf", nullValue())
                .body("missingForReview", not(org.hamcrest.Matchers.hasItem("whyFixDidNotHold")));
        String markdown = given().when().get("/api/incidents/" + again + "/washup.md").then().statusCode(200)
                .extract().asString();
        String section = markdown.substring(markdown.indexOf("## Similar earlier incidents"));
        assertTrue(section.contains("Feature flag dropped events in the ingest pipeline (`" + flag + "`"), section);
        assertTrue(section.contains("systemic: flag changes to the pipeline roll out behind a data check (IN\\_PROGRESS)"),
                section);
        assertTrue(section.contains("Ingest pipeline lag after a broker failover (`" + lag + "`"), section);
    }

    @Test
    void aRecurrenceAfterADoneSystemicActionIsMarkedOnceAndShowsInTheMetaReview() {
        String u = ChangesTest.unique();
        String api = "api-" + u;
        String first = open("Logging blocked the request path", "requests waited on the log shipper", api,
                "2006-01-10T09:00:00Z");
        cause(first, "CHANGE", "\"CONFIG\"", "synchronous log appender on the request path");
        String fix = UUID.randomUUID().toString();
        Instant doneAt = Instant.parse("2006-02-01T00:00:00Z");
        systemicAction(first, fix, "move log shipping off the request path", "DONE", doneAt, 1, 0);
        String elsewhere = open("Checkout pool exhausted", "orders failed", "web-" + u, "2006-03-01T09:00:00Z");
        cause(elsewhere, "CHANGE", "\"CONFIG\"", "pool size");
        String again = open("Logging blocked the request path again", "requests waited on the log shipper", api,
                "2006-03-15T09:00:00Z");
        IncidentLifecycleTest.move(again, "ANALYSING");
        IncidentLifecycleTest.move(again, "FIXING");
        IncidentLifecycleTest.move(again, "RESOLVED");
        cause(again, "CHANGE", "\"CONFIG\"", "a new appender was synchronous again");
        cause(again, "CHANGE", "\"CONFIG\"", "a new appender was synchronous again, by default");

        given().when().get("/api/incidents/" + again + "/similar").then().statusCode(200)
                .body("recurrenceOf.earlierIncidentId", equalTo(first))
                .body("recurrenceOf.actionId", equalTo(fix))
                .body("recurrenceOf.actionTitle", equalTo("move log shipping off the request path"))
                .body("recurrenceOf.actionDoneAt", equalTo(doneAt.toString()))
                .body("similar[0].incidentId", equalTo(first))
                .body("similar[0].systemicActions[0].status", equalTo("DONE"))
                .body("similar[0].systemicActions[0].doneAt", equalTo(doneAt.toString()));
        given().when().get("/api/incidents/" + again + "/timeline").then().statusCode(200)
                .body("findAll { it.kind == 'RECURRENCE' }", hasSize(1))
                .body("find { it.kind == 'RECURRENCE' }.text", containsString("Similar to incident " + first
                        + " (Logging blocked the request path) whose systemic fix \"move log shipping off the request path\""
                        + " was done on 2006-02-01"))
                .body("find { it.kind == 'RECURRENCE' }.actor", equalTo("daff-similar"));
        // Only class and seams in common, on another service: similar, but not a recurrence.
        given().when().get("/api/incidents/" + elsewhere + "/similar").then().statusCode(200)
                .body("recurrenceOf", nullValue());
        assertTrue(!kinds(elsewhere).contains("RECURRENCE"));

        // The washup asks why the earlier fix did not hold, and review waits for the answer.
        given().contentType(ContentType.JSON).body("""
                {"rootCause": "appenders default to synchronous", "oneMoreWhy": "logging config is copied per service"}
                """).when().put("/api/incidents/" + again + "/washup").then().statusCode(200)
                .body("missingForReview", contains("whyFixDidNotHold"))
                .body("recurrenceOf.earlierIncidentId", equalTo(first))
                .body("recurrenceOf.actionTitle", equalTo("move log shipping off the request path"))
                .body("similar[0].incidentId", equalTo(first))
                .body("similar[0].systemicActions", contains("move log shipping off the request path (DONE on 2006-02-01)"));
        given().contentType(ContentType.JSON).body("{}").when().post("/api/incidents/" + again + "/washup/review")
                .then().statusCode(409).body("missing", contains("whyFixDidNotHold"))
                .body("detail", containsString("why the earlier incident's systemic fix did not hold"));
        given().contentType(ContentType.JSON).body("""
                {"rootCause": "appenders default to synchronous", "oneMoreWhy": "logging config is copied per service",
                 "whyFixDidNotHold": "the fix moved one appender; the default stayed synchronous"}
                """).when().put("/api/incidents/" + again + "/washup").then().statusCode(200)
                .body("missingForReview", hasSize(0));
        String markdown = given().when().get("/api/incidents/" + again + "/washup.md").then().statusCode(200)
                .extract().asString();
        assertTrue(markdown.contains("### Why the earlier fix did not hold\n\nthe fix moved one appender; the default"
                + " stayed synchronous"), markdown);
        assertTrue(markdown.contains("**A recurrence:** like Logging blocked the request path (`" + first
                + "`), whose systemic fix move log shipping off the request path was done on " + doneAt + "."), markdown);
        WashupTest.review(again, 200);

        JsonPath review = MetaReviewTest.json("/api/meta-review?from=2006-01-01T00:00:00Z&to=2007-01-01T00:00:00Z");
        assertEquals(List.of(Map.of("service", api, "causeClass", "CHANGE", "seam", "CONFIG", "incidents", 2,
                "incidentIds", List.of(first, again), "incidentsAfterDoneFix", List.of(again),
                "systemicActions", List.of(Map.of("incidentId", first, "title", "move log shipping off the request path",
                        "status", "DONE", "doneAt", doneAt.toString(), "incidentsBefore", 1, "incidentsAfter", 1,
                        "ratePer30DaysBefore", 30.0 / 31, "ratePer30DaysAfter", 30.0 / 334)))),
                review.getList("recurringClasses"));
        assertEquals(List.of(Map.of("incidentId", again, "title", "Logging blocked the request path again",
                "detectedAt", "2006-03-15T09:00:00Z", "earlierIncidentId", first,
                "actionTitle", "move log shipping off the request path", "actionDoneAt", doneAt.toString())),
                review.getList("recurrencesDespiteDoneFix"));
        assertEquals(30.0 / 31, review.getDouble("recurringClasses[0].systemicActions[0].ratePer30DaysBefore"), 1e-9);
        assertTrue(Duration.between(doneAt, Instant.parse("2007-01-01T00:00:00Z")).toDays() == 334);
    }

    /**
     * The cause set early, in ANALYSING, and the service it recurs on added later: judged only as the cause was set, it
     * was never marked, and its washup never asked why the earlier fix did not hold. Resolving judges again; so does
     * the review, for what changed after the resolve.
     */
    @Test
    void whatIsLearntAfterTheCauseIsSetIsJudgedAtTheResolveTheWashupAndTheReview() {
        String api = "api-" + ChangesTest.unique();
        String first = loggingIncidentFixed(api, 2010);

        String early = open("Carts timed out", "carts were slow", "web-" + ChangesTest.unique(), "2010-03-15T09:00:00Z");
        IncidentLifecycleTest.move(early, "ANALYSING");
        cause(early, "CHANGE", "\"CONFIG\"", "a config change");
        assertNull(similar(early).get("recurrenceOf"), "on another service: not a recurrence");
        addService(early, api);
        IncidentLifecycleTest.move(early, "FIXING");
        IncidentLifecycleTest.move(early, "RESOLVED");
        assertEquals(first, similar(early).getString("recurrenceOf.earlierIncidentId"), "judged again at the resolve");

        // A PUT of the washup judges with what is known then: the service added after the resolve.
        String late = resolvedWithCause("2010-03-20T09:00:00Z");
        addService(late, api);
        given().contentType(ContentType.JSON).body(LOGGING_WASHUP).when().put("/api/incidents/" + late + "/washup")
                .then().statusCode(200).body("recurrenceOf.earlierIncidentId", equalTo(first))
                .body("missingForReview", contains("whyFixDidNotHold"));

        // The review judges once more, with the service added after the washup was written: the mark stays though the
        // review is refused for it, and the washup says which earlier fix did not hold.
        String latest = resolvedWithCause("2010-03-25T09:00:00Z");
        given().contentType(ContentType.JSON).body(LOGGING_WASHUP).when().put("/api/incidents/" + latest + "/washup")
                .then().statusCode(200).body("recurrenceOf", nullValue()).body("missingForReview", hasSize(0));
        addService(latest, api);
        given().contentType(ContentType.JSON).body("{}").when().post("/api/incidents/" + latest + "/washup/review")
                .then().statusCode(409).body("missing", contains("whyFixDidNotHold"));
        given().when().get("/api/incidents/" + latest + "/washup").then().statusCode(200)
                .body("recurrenceOf.earlierIncidentId", equalTo(first)).body("missingForReview", contains("whyFixDidNotHold"));
    }

    static final String LOGGING_WASHUP = """
            {"rootCause": "appenders default to synchronous", "oneMoreWhy": "logging config is copied per service"}
            """;

    /** A resolved incident on a service of its own, its cause set: not a recurrence of anything yet. */
    private static String resolvedWithCause(String detectedAt) {
        String id = open("Carts timed out", "carts were slow", "web-" + ChangesTest.unique(), detectedAt);
        for (String to : List.of("ANALYSING", "FIXING", "RESOLVED")) {
            IncidentLifecycleTest.move(id, to);
        }
        cause(id, "CHANGE", "\"CONFIG\"", "a config change");
        assertNull(similar(id).get("recurrenceOf"));
        return id;
    }

    /** An incident of {@code year}'s January on {@code api}, its SYSTEMIC fix done on 1 February. */
    private static String loggingIncidentFixed(String api, int year) {
        String first = open("Logging blocked the request path", "requests waited on the log shipper", api,
                year + "-01-10T09:00:00Z");
        cause(first, "CHANGE", "\"CONFIG\"", "synchronous log appender on the request path");
        systemicAction(first, UUID.randomUUID().toString(), "move log shipping off the request path", "DONE",
                Instant.parse(year + "-02-01T00:00:00Z"), 1, 0);
        return first;
    }

    private static void addService(String id, String service) {
        JsonPath incident = given().when().get("/api/incidents/" + id).then().statusCode(200).extract().jsonPath();
        List<String> services = new java.util.ArrayList<>(incident.getList("services", String.class));
        services.add(service);
        given().contentType(ContentType.JSON).body(Map.of("version", incident.getInt("version"), "services", services))
                .when().patch("/api/incidents/" + id).then().statusCode(200);
    }

    /**
     * A cause corrected before review so that no earlier fix applies: the mark stood, the washup went on asking why a
     * fix that is not this incident's "did not hold", and the meta-review counted a recurrence despite a done fix.
     */
    @Test
    void aCauseCorrectedSoThatNoEarlierFixAppliesWithdrawsTheRecurrence() {
        String api = "api-" + ChangesTest.unique();
        String first = loggingIncidentFixed(api, 2008);
        String again = open("Logging blocked the request path again", "requests waited on the log shipper", api,
                "2008-03-15T09:00:00Z");
        cause(again, "CHANGE", "\"CONFIG\"", "a new appender was synchronous again");
        assertEquals(first, similar(again).getString("recurrenceOf.earlierIncidentId"));

        cause(again, "PROVIDER", "", "the log vendor's endpoint stopped answering");
        JsonPath corrected = similar(again);
        assertNull(corrected.get("recurrenceOf"), "the cause no longer makes it a recurrence");
        given().when().get("/api/incidents/" + again + "/timeline").then().statusCode(200)
                .body("findAll { it.kind == 'RECURRENCE' }.text", contains(startsWith("Similar to incident " + first),
                        startsWith("No longer a recurrence of incident " + first)));
        given().contentType(ContentType.JSON).body("{\"rootCause\": \"the vendor's outage\"}")
                .when().put("/api/incidents/" + again + "/washup").then().statusCode(200)
                .body("recurrenceOf", nullValue())
                .body("missingForReview", not(org.hamcrest.Matchers.hasItem("whyFixDidNotHold")));
        assertEquals(List.of(), MetaReviewTest.json("/api/meta-review?from=2008-01-01T00:00:00Z&to=2009-01-01T00:00:00Z")
                .getList("recurrencesDespiteDoneFix.incidentId"));

        cause(again, "CHANGE", "\"CONFIG\"", "a new appender was synchronous after all");
        assertEquals(first, similar(again).getString("recurrenceOf.earlierIncidentId"), "marked again");

        // Corrected to a cause another earlier incident with a done fix shares: a recurrence of that one now.
        String vendor = open("Logging blocked the request path: vendor down", "requests waited on the log shipper", api,
                "2008-02-10T09:00:00Z");
        cause(vendor, "PROVIDER", "", "the log vendor's endpoint stopped answering");
        systemicAction(vendor, UUID.randomUUID().toString(), "buffer logs locally when the vendor is away", "DONE",
                Instant.parse("2008-02-20T00:00:00Z"), 1, 0);
        cause(again, "PROVIDER", "", "the log vendor's endpoint stopped answering again");
        assertEquals(vendor, similar(again).getString("recurrenceOf.earlierIncidentId"), "a recurrence of the other now");
        given().contentType(ContentType.JSON).body("{\"rootCause\": \"the vendor's outage\"}")
                .when().put("/api/incidents/" + again + "/washup").then().statusCode(200)
                .body("recurrenceOf.actionTitle", equalTo("buffer logs locally when the vendor is away"));
    }

    @Test
    void theSameSloAlertingOnBothCounts() {
        String service = "slo-" + ChangesTest.unique();
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        KafkaTestClient.send(kafka, Topics.SLO_ALERTS, service, AlertIncidentsTest.alert(UUID.randomUUID().toString(),
                "AlertFired", service + ":PAGE:BURN_RATE:1", service, "PAGE"));
        String first = await().atMost(Duration.ofSeconds(20)).until(() -> given().queryParam("service", service)
                .when().get("/api/incidents").then().statusCode(200).extract().<String>path("items[0].id"),
                id -> id != null);
        IncidentLifecycleTest.move(first, "ANALYSING");
        IncidentLifecycleTest.move(first, "FIXING");
        IncidentLifecycleTest.move(first, "RESOLVED");
        KafkaTestClient.send(kafka, Topics.SLO_ALERTS, service, AlertIncidentsTest.alert(UUID.randomUUID().toString(),
                "AlertFired", service + ":PAGE:BURN_RATE:2", service, "PAGE"));
        String second = await().atMost(Duration.ofSeconds(20)).until(() -> given().queryParam("service", service)
                .queryParam("status", "DISCOVERED").when().get("/api/incidents").then().statusCode(200)
                .extract().<String>path("items[0].id"), id -> id != null);

        JsonPath result = similar(second);
        assertEquals(first, result.getString("similar[0].incidentId"));
        assertEquals(Map.of("name", "slo", "points", 10, "max", 10, "why", "same SLO " + service + "-availability alerting"),
                result.getMap("similar[0].parts.find { it.name == 'slo' }"));
        assertTrue(result.getString("similar[0].why").contains("; same SLO " + service + "-availability alerting; "));
        assertExplained(result, "similar[0]");
    }

    @Test
    void badLimitsAre400AndUnknownIncidentsAre404() {
        String id = open("limits", "x", "limits-" + ChangesTest.unique(), "2009-12-01T00:00:00Z");
        for (String limit : List.of("0", "21", "many", "-1")) {
            given().queryParam("limit", limit).when().get("/api/incidents/" + id + "/similar").then().statusCode(400)
                    .contentType("application/problem+json").body("errors[0].field", equalTo("limit"));
        }
        given().when().get("/api/incidents/" + UUID.randomUUID() + "/similar").then().statusCode(404)
                .contentType("application/problem+json");
        given().when().get("/api/incidents/" + id + "/similar").then().statusCode(200)
                .body("incidentId", equalTo(id)).body("minScore", equalTo(20));
    }
}
