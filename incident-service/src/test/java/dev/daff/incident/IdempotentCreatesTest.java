package dev.daff.incident;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.events.Topics;
import dev.daff.localinfra.Concurrently;
import dev.daff.localinfra.KafkaTestClient;
import dev.daff.localinfra.RealInfrastructureResource;
import dev.daff.localinfra.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * A client whose answer was lost (a timeout at the ingress, CI's {@code curl --retry}) sends its create again with the
 * same {@code Idempotency-Key}: it must get what the first one made, not a second incident or change — including
 * when the two arrive at once.
 */
@QuarkusTest
@QuarkusTestResource(value = RealInfrastructureResource.class, restrictToAnnotatedClass = false,
        initArgs = @ResourceArg(name = "database", value = "incident"))
class IdempotentCreatesTest {

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    static String incident(String team) {
        return """
                {"title": "Checkout errors", "severity": "SEV2", "services": ["checkout"], "team": "%s",
                 "detectionSource": "HUMAN"}""".formatted(team);
    }

    static Response open(String body, String key, String token) {
        var request = given().contentType(ContentType.JSON).body(body);
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        if (token != null) {
            request.auth().oauth2(token);
        }
        return request.when().post("/api/incidents").andReturn();
    }

    static int incidentsOf(String team) {
        return given().queryParam("team", team).when().get("/api/incidents").then().statusCode(200)
                .extract().path("total");
    }

    @Test
    void aRetryWithTheSameKeyAnswersTheIncidentTheFirstOpenedAndOpensNoOther() {
        String team = "idem-" + UUID.randomUUID().toString().substring(0, 8);
        String key = UUID.randomUUID().toString();
        Response first = open(incident(team), key, null);
        first.then().statusCode(201).header("Idempotent-Replayed", nullValue());
        String id = first.path("id");
        given().contentType(ContentType.JSON).body("{\"to\": \"ANALYSING\"}").when()
                .post("/api/incidents/" + id + "/transitions").then().statusCode(200);

        open(incident(team), key, null).then().statusCode(201)
                .header("Location", containsString("/api/incidents/" + id))
                .header("Idempotent-Replayed", "true")
                .body("id", equalTo(id))
                .body("status", equalTo("ANALYSING")); // what was made, as it is now

        assertEquals(1, incidentsOf(team));
        assertEquals(1, (int) given().when().get("/api/incidents/" + id + "/timeline").then().statusCode(200)
                .extract().jsonPath().getList("findAll { it.kind == 'OPENED' }").size());
        assertEquals(1, KafkaTestClient.read(RealInfrastructureResource.kafka().bootstrapServers(), Topics.INCIDENT_EVENTS,
                record -> id.equals(record.key()) && record.value().contains("\"type\":\"IncidentOpened\""), 2,
                Duration.ofSeconds(5)).size(), "IncidentOpened announced once");
        // Without a key, a second request is a second incident, as before.
        open(incident(team), null, null).then().statusCode(201);
        open(incident(team), null, null).then().statusCode(201);
        assertEquals(3, incidentsOf(team));
    }

    @Test
    void requestsWithOneKeyAtOnceOpenOneIncidentBetweenThem() throws Exception {
        String team = "idem-" + UUID.randomUUID().toString().substring(0, 8);
        String key = UUID.randomUUID().toString();
        Set<String> ids = new HashSet<>();
        for (Response answer : Concurrently.atOnce(6, () -> open(incident(team), key, null))) {
            answer.then().statusCode(201);
            ids.add(answer.path("id"));
        }
        assertEquals(1, ids.size(), ids.toString());
        assertEquals(1, incidentsOf(team));
    }

    @Test
    void theSameKeyWithAnotherRequestIsRefusedAndAnotherCallersKeyIsTheirOwn() {
        String team = "idem-" + UUID.randomUUID().toString().substring(0, 8);
        String key = UUID.randomUUID().toString();
        String id = open(incident(team), key, null).then().statusCode(201).extract().path("id");

        open(incident(team).replace("SEV2", "SEV1"), key, null).then().statusCode(422)
                .contentType("application/problem+json").body("type", containsString("idempotency-key-reused"));
        assertEquals(1, incidentsOf(team));

        String otherResponder = TestTokens.token("rita", TestTokens.RESPONDER);
        String theirs = open(incident(team), key, otherResponder).then().statusCode(201)
                .header("Idempotent-Replayed", nullValue()).extract().path("id");
        assertEquals(2, incidentsOf(team));
        assertEquals(false, id.equals(theirs));
    }

    @Test
    void aKeyThatIsNoKeyIs400AndNothingIsOpened() {
        String team = "idem-" + UUID.randomUUID().toString().substring(0, 8);
        for (String key : List.of("two words", "x".repeat(201), "tab\tkey", "é")) {
            open(incident(team), key, null).then().statusCode(400).contentType("application/problem+json")
                    .body("errors[0].field", equalTo("Idempotency-Key"));
        }
        assertEquals(0, incidentsOf(team));
        // An empty header is no key: each such request opens an incident.
        open(incident(team), "", null).then().statusCode(201);
        open(incident(team), "", null).then().statusCode(201);
        assertEquals(2, incidentsOf(team));
    }

    @Test
    void aChangeReportedAgainWithItsKeyIsStoredOnce() {
        String service = serviceInTheCatalog();
        String change = deploy(service);
        String key = "pipeline-1234-deploy-prod";
        String id = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(change).when()
                .post("/api/changes").then().statusCode(201).extract().path("change.id");
        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(change).when().post("/api/changes")
                .then().statusCode(201).header("Idempotent-Replayed", "true").body("change.id", equalTo(id));
        assertEquals(1, changesTo(service));
    }

    /**
     * A pipeline that sends no key and retries after a timeout reported its deploy twice, and "what changed?" listed it
     * twice. A change alike in every field from the same caller is the same change, its service in any case; one that
     * differs is another.
     */
    @Test
    void aChangeReportedAgainWithoutAKeyIsStoredOnceAndAnotherChangeIsStored() {
        String service = serviceInTheCatalog();
        String change = deploy(service);
        String id = given().contentType(ContentType.JSON).body(change).when().post("/api/changes").then().statusCode(201)
                .extract().path("change.id");
        given().contentType(ContentType.JSON).body(change).when().post("/api/changes").then().statusCode(201)
                .header("Idempotent-Replayed", "true").body("change.id", equalTo(id));
        given().contentType(ContentType.JSON).body(change.replace(service, service.toUpperCase(java.util.Locale.ROOT)))
                .when().post("/api/changes").then().statusCode(201).header("Idempotent-Replayed", "true")
                .body("change.id", equalTo(id));
        assertEquals(1, changesTo(service));
        given().contentType(ContentType.JSON).body(change.replace("v42", "v43")).when().post("/api/changes").then()
                .statusCode(201).header("Idempotent-Replayed", nullValue()).body("change.id", not(equalTo(id)));
        assertEquals(2, changesTo(service));
    }

    @Test
    void aChangeReportedFromSeveralRetriesAtOnceIsStoredOnce() throws Exception {
        String service = serviceInTheCatalog();
        String change = deploy(service);
        String key = "pipeline-" + UUID.randomUUID();
        Set<String> ids = new HashSet<>();
        for (Response answer : Concurrently.atOnce(6, () -> given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(change).when().post("/api/changes").andReturn())) {
            answer.then().statusCode(201);
            ids.add(answer.path("change.id"));
        }
        assertEquals(1, ids.size(), ids.toString());
        assertEquals(1, changesTo(service));
    }

    @Test
    void putsAtOnceOfOneNameInOtherCasesMakeOneCatalogEntryBetweenThem() throws Exception {
        for (int round = 0; round < 8; round++) {
            String name = "race-" + UUID.randomUUID().toString().substring(0, 8);
            List<String> spellings = List.of(name, name.toUpperCase(Locale.ROOT), name, "R" + name.substring(1));
            AtomicInteger next = new AtomicInteger();
            List<Integer> statuses = new ArrayList<>();
            for (Response answer : Concurrently.atOnce(spellings.size(), () -> given().contentType(ContentType.JSON)
                    .body("{\"team\": \"payments\"}").when().put("/api/services/" + spellings.get(next.getAndIncrement()))
                    .andReturn())) {
                statuses.add(answer.statusCode());
            }
            assertEquals(1, statuses.stream().filter(status -> status == 201).count(), "one created: " + statuses);
            assertTrue(statuses.stream().allMatch(status -> status == 201 || status == 200 || status == 409), statuses.toString());
            long entries = spellings.stream().distinct()
                    .filter(spelling -> given().when().get("/api/services/" + spelling).statusCode() == 200).count();
            assertEquals(1, entries, "one entry of " + spellings);
        }
    }

    static String serviceInTheCatalog() {
        String service = "idem-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON).body("{\"team\": \"payments\"}").when().put("/api/services/" + service)
                .then().statusCode(201);
        return service;
    }

    static String deploy(String service) {
        return """
                {"service": "%s", "kind": "DEPLOY", "summary": "v42", "author": "ci", "startedAt": "%s",
                 "environment": "prod"}""".formatted(service, Instant.now().minus(Duration.ofMinutes(5)));
    }

    static int changesTo(String service) {
        return given().queryParam("service", service).when().get("/api/changes").then().statusCode(200)
                .extract().jsonPath().getList("$").size();
    }
}
