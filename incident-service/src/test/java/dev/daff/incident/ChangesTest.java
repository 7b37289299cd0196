package dev.daff.incident;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.events.Topics;
import dev.daff.localinfra.KafkaTestClient;
import dev.daff.localinfra.RealInfrastructureResource;
import dev.daff.localinfra.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class ChangesTest {

    static final String DEAD_LETTER = "daff.change-events.incident-service.dead-letter";

    @BeforeAll
    static void auth() {
        TestTokens.authenticateEveryRequest();
    }

    @Test
    void catalogChangesAndLinksKeepWhoWroteThemBesideTheirName() {
        String alice = "Bearer " + TestTokens.token("alice", TestTokens.ADMIN, TestTokens.RESPONDER, TestTokens.INGEST);
        String name = "who-" + unique();
        given().header("Authorization", alice).contentType(ContentType.JSON).body("{\"team\": \"payments\"}")
                .when().put("/api/services/" + name).then().statusCode(201);
        given().when().get("/api/services/" + name).then().statusCode(200)
                .body("updatedBy", equalTo("alice")).body("updatedBySubject", equalTo("alice-subject"));
        Instant now = Instant.now();
        String change = given().header("Authorization", alice).contentType(ContentType.JSON)
                .body(changeJson(name, "CONFIG", "pool size", now.minusSeconds(600), null, "production"))
                .when().post("/api/changes").then().statusCode(201)
                .body("change.recordedBy", equalTo("alice")).body("change.recordedBySubject", equalTo("alice-subject"))
                .extract().path("change.id");
        String id = incident(name, now.minusSeconds(300), now);
        given().header("Authorization", alice).contentType(ContentType.JSON).body("{\"role\": \"CAUSED\"}")
                .when().post("/api/incidents/" + id + "/changes/" + change).then().statusCode(200)
                .body("linkedBy", equalTo("alice")).body("linkedBySubject", equalTo("alice-subject"));
        given().when().get("/api/incidents/" + id + "/timeline").then().statusCode(200)
                .body("find { it.kind == 'CHANGE_LINKED' }.actorSubject", equalTo("alice-subject"));
    }

    static String unique() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    static void service(String name, String body) {
        given().contentType(ContentType.JSON).body(body).when().put("/api/services/" + name)
                .then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
    }

    static String changeJson(String service, String kind, String summary, Instant startedAt, Instant endedAt,
            String environment) {
        return """
                {"service": "%s", "kind": "%s", "summary": "%s", "author": "ci", "startedAt": "%s", "endedAt": %s,
                 "ref": "abc123", "environment": "%s"}
                """.formatted(service, kind, summary, startedAt, endedAt == null ? "null" : "\"" + endedAt + "\"",
                environment);
    }

    static JsonPath register(String service, String kind, String summary, Instant startedAt, Instant endedAt) {
        return register(service, kind, summary, startedAt, endedAt, "production");
    }

    static JsonPath register(String service, String kind, String summary, Instant startedAt, Instant endedAt,
            String environment) {
        return given().contentType(ContentType.JSON).body(changeJson(service, kind, summary, startedAt, endedAt, environment))
                .when().post("/api/changes").then().statusCode(201).extract().jsonPath();
    }

    static String incident(String service, Instant impactStartedAt, Instant detectedAt) {
        return IncidentLifecycleTest.open("""
                {"title": "trouble on %s", "severity": "SEV2", "services": ["%s"], "team": "payments",
                 "impactStartedAt": "%s", "detectedAt": "%s", "detectionSource": "HUMAN"}
                """.formatted(service, service, impactStartedAt, detectedAt));
    }

    /** The what-changed reasons for this test's services only: shared platforms of other tests show up too. */
    static List<String> reasons(String incidentId, String lookback, String suffix) {
        var request = given();
        if (lookback != null) {
            request = request.queryParam("lookback", lookback);
        }
        List<Map<String, Object>> changes = request.when().get("/api/incidents/" + incidentId + "/changes")
                .then().statusCode(200).extract().jsonPath().getList("changes");
        return changes.stream()
                .filter(c -> ((String) ((Map<?, ?>) c.get("change")).get("service")).endsWith(suffix))
                .map(c -> (String) c.get("reason"))
                .toList();
    }

    /**
     * A change reported while a responder pages through "what changed?" ranks among the changes already shown: pages
     * went by position, so the next page showed one change again and one never. They go by rank now.
     */
    @Test
    void whatChangedPagesByRankSoAChangeReportedBetweenPagesIsNeitherRepeatedNorHidesAnother() {
        String u = "-" + unique();
        service("paged" + u, "{\"team\": \"t\"}");
        Instant impact = Instant.parse("2017-08-14T12:00:00Z");
        for (int minutes : List.of(40, 50, 60)) {
            register("paged" + u, "DEPLOY", "v" + minutes, impact.minus(Duration.ofMinutes(minutes)), null);
        }
        String id = incident("paged" + u, impact, impact.plus(Duration.ofMinutes(5)));
        List<String> shown = new java.util.ArrayList<>();
        var page = given().queryParam("limit", 1).when().get("/api/incidents/" + id + "/changes").then().statusCode(200)
                .extract();
        shown.add(page.path("changes[0].change.summary"));
        register("paged" + u, "DEPLOY", "v10", impact.minus(Duration.ofMinutes(10)), null); // reported late, ranks first
        String cursor = page.header("X-Next-Cursor");
        while (cursor != null) {
            page = given().queryParam("limit", 1).queryParam("cursor", cursor).when().get("/api/incidents/" + id + "/changes")
                    .then().statusCode(200).extract();
            String service = page.path("changes[0].change.service");
            if (service.endsWith(u)) {
                shown.add(page.path("changes[0].change.summary"));
            }
            cursor = page.header("X-Next-Cursor");
        }
        assertEquals(List.of("v40", "v50", "v60"), shown);
        assertEquals("v10", given().when().get("/api/incidents/" + id + "/changes").then().statusCode(200).extract()
                .path("changes[0].change.summary"), "the first page, read again, has it");
    }

    @Test
    void whatChangedRanksByRelationThenClosenessAndSaysWhyInWords() {
        String u = "-" + unique();
        service("store" + u, "{\"team\": \"data\"}");
        service("ingest-router" + u, "{\"team\": \"edge\", \"dependsOn\": [\"store" + u + "\"]}");
        service("billing" + u, "{\"team\": \"payments\", \"dependsOn\": [\"ingest-router" + u + "\"]}");
        service("web" + u, "{\"team\": \"web\", \"dependsOn\": [\"billing" + u + "\"]}");
        service("other" + u, "{\"team\": \"other\"}");
        service("k8s" + u, "{\"team\": \"platform\", \"shared\": true}");
        Instant impact = Instant.parse("2021-03-10T12:00:00Z");
        register("billing" + u, "DEPLOY", "billing v42", impact.minus(Duration.ofMinutes(30)), null);
        // The flag was created months ago and is not news; switching it on for everyone, inside the lookback, is.
        register("ingest-router" + u, "FEATURE_FLAG", "flag new-router created, off", impact.minus(Duration.ofDays(120)), null);
        register("ingest-router" + u, "FEATURE_FLAG", "flag new-router rolled out to 100%",
                impact.minus(Duration.ofDays(120)), impact.minus(Duration.ofMinutes(192)));
        register("store" + u, "MIGRATION", "add index", impact.minus(Duration.ofHours(5)), null);
        register("web" + u, "CONFIG", "timeouts", impact.minus(Duration.ofMinutes(10)), null);
        register("k8s" + u, "INFRASTRUCTURE", "control plane 1.29", impact.minus(Duration.ofHours(1)), null);
        register("k8s" + u, "DEPLOY", "ingress controller", impact.minus(Duration.ofMinutes(15)), null);
        register("other" + u, "DEPLOY", "unrelated", impact.minus(Duration.ofMinutes(20)), null);
        register("billing" + u, "DEPLOY", "billing v41", impact.minus(Duration.ofHours(30)), null);
        String id = incident("billing" + u, impact, impact.plus(Duration.ofMinutes(10)));

        assertEquals(List.of(
                "DEPLOY on billing" + u + ", an affected service, 30 min before impact",
                "FEATURE_FLAG on ingest-router" + u + ", a dependency of billing" + u + ", 3 h 12 min before impact",
                "MIGRATION on store" + u + ", a dependency of billing" + u + " via ingest-router" + u + ", 5 h before impact",
                "CONFIG on web" + u + ", a dependent of billing" + u + ", 10 min before impact",
                "INFRASTRUCTURE on k8s" + u + ", a shared platform, 1 h before impact"),
                reasons(id, null, u));
        assertEquals("DEPLOY on billing" + u + ", an affected service, 1 d 6 h before impact",
                reasons(id, "PT48H", u).get(1));
        given().when().get("/api/incidents/" + id + "/changes").then().statusCode(200)
                .body("impactFrom", equalTo("impactStartedAt"))
                .body("lookback", equalTo("PT24H"))
                .body("from", equalTo("2021-03-09T12:00:00Z"));
    }

    /**
     * The catalog says co-…, the pipeline writes CO-…, the incident Co-…: one service, as the deploy gate already takes
     * it. Before, the change was refused (400, "unknown service") and the incident's "what changed?" found none of the
     * service's own changes, only its dependencies'.
     */
    @Test
    void aServiceSpeltOtherwiseThanTheCatalogIsTheCatalogsService() {
        String name = "co-" + unique();
        service(name, "{\"team\": \"payments\"}");
        Instant impact = Instant.parse("2021-04-10T12:00:00Z");
        assertEquals(name, register(name.toUpperCase(java.util.Locale.ROOT), "DEPLOY", "v42",
                impact.minus(Duration.ofMinutes(30)), null).getString("change.service"), "stored as the catalog spells it");
        String id = incident("Co-" + name.substring(3), impact, impact.plus(Duration.ofMinutes(10)));
        assertEquals(List.of("DEPLOY on " + name + ", an affected service, 30 min before impact"), reasons(id, null, name));
    }

    /**
     * The responders' own fix, deployed after impact, ranks after the deploy that caused it (it ranked first, closer to
     * impact); one a couple of minutes after impact, within a pipeline clock's skew, may be the cause and ranks as one.
     */
    @Test
    void aFixDeployedAfterImpactRanksAfterTheChangeThatCausedIt() {
        String name = "fixed-" + unique();
        service(name, "{\"team\": \"payments\"}");
        Instant impact = Instant.parse("2021-04-11T12:00:00Z");
        register(name, "DEPLOY", "v42", impact.minus(Duration.ofMinutes(30)), null);
        register(name, "DEPLOY", "v43, the fix", impact.plus(Duration.ofMinutes(20)), null);
        register(name, "CONFIG", "timeouts", impact.plus(Duration.ofMinutes(2)), null);
        String id = incident(name, impact, impact.plus(Duration.ofMinutes(5)));
        assertEquals(List.of(
                "CONFIG on " + name + ", an affected service, 2 min after impact",
                "DEPLOY on " + name + ", an affected service, 30 min before impact",
                "DEPLOY on " + name + ", an affected service, 20 min after impact"), reasons(id, null, name));
    }

    @Test
    void controlPlaneUpgradeOnASharedPlatformAppearsForEveryService() {
        String u = "-" + unique();
        service("k8s" + u, "{\"team\": \"platform\", \"shared\": true}");
        service("mesh" + u, "{\"team\": \"platform\"}");
        for (int i = 1; i <= 5; i++) {
            service("user" + i + u, "{\"team\": \"t\", \"dependsOn\": [\"mesh" + u + "\"]}");
        }
        service("search" + u, "{\"team\": \"search\"}");
        given().when().get("/api/services/mesh" + u).then().statusCode(200)
                .body("shared", equalTo(false)).body("sharedPlatform", equalTo(true)).body("dependents", hasSize(5));
        Instant impact = Instant.parse("2021-06-02T09:00:00Z");
        register("k8s" + u, "INFRASTRUCTURE", "control plane 1.30", impact.minus(Duration.ofHours(2)), null);
        register("mesh" + u, "INFRASTRUCTURE", "mesh upgrade", impact.minus(Duration.ofHours(3)), null);
        String inCatalog = incident("search" + u, impact, impact);
        String notInCatalog = incident("lonely" + u, impact, impact);
        for (String id : List.of(inCatalog, notInCatalog)) {
            assertEquals(List.of("INFRASTRUCTURE on k8s" + u + ", a shared platform, 2 h before impact",
                    "INFRASTRUCTURE on mesh" + u + ", a shared platform, 3 h before impact"), reasons(id, null, u));
        }
    }

    @Test
    void aBusyWindowAnswersTheMostRelatedConcurrentChangesAndHowManyThereWere() {
        String u = "-" + unique();
        service("core" + u, "{\"team\": \"core\"}");
        service("edge" + u, "{\"team\": \"edge\", \"dependsOn\": [\"core" + u + "\"]}");
        Instant t = Instant.parse("2019-03-04T10:00:00Z");
        for (int i = 0; i < 25; i++) {
            register("edge" + u, "DEPLOY", "edge build " + i, t.plus(Duration.ofMinutes(i)), null);
        }
        for (int i = 0; i < 3; i++) {
            register("core" + u, "CONFIG", "core flag " + i, t.plus(Duration.ofMinutes(40 + i)), null);
        }

        JsonPath answer = register("core" + u, "DEPLOY", "core v2", t.plus(Duration.ofMinutes(30)), null);

        assertEquals(28, answer.getInt("concurrentTotal"));
        List<String> relations = answer.getList("concurrentChanges.relation");
        assertEquals(20, relations.size(), "at most daff.changes.concurrent-limit (20)");
        assertEquals(List.of("SAME_SERVICE", "SAME_SERVICE", "SAME_SERVICE"), relations.subList(0, 3));
        assertEquals(List.of("core flag 0", "core flag 1", "core flag 2", "edge build 24", "edge build 23"),
                answer.getList("concurrentChanges.change.summary").subList(0, 5), "same service first, then the closest");
        // The change itself was stored all the same, and the next answer counts it.
        assertEquals(29, register("edge" + u, "DEPLOY", "edge build 25", t.plus(Duration.ofMinutes(31)), null)
                .getInt("concurrentTotal"));
    }

    @Test
    void registeringAChangeWarnsOfConcurrentChangesToRelatedServices() {
        String u = "-" + unique();
        service("db" + u, "{\"team\": \"data\"}");
        service("api" + u, "{\"team\": \"api\", \"dependsOn\": [\"db" + u + "\"]}");
        service("lonely" + u, "{\"team\": \"x\"}");
        Instant t = Instant.parse("2021-09-01T08:00:00Z");
        register("api" + u, "DEPLOY", "api v7", t, t.plus(Duration.ofMinutes(5))).getList("concurrentChanges")
                .forEach(c -> assertTrue(false, "nothing was concurrent yet: " + c));
        JsonPath migration = register("db" + u, "MIGRATION", "drop column", t.plus(Duration.ofMinutes(45)), null);
        assertEquals("MIGRATION", migration.getString("change.kind"));
        assertEquals(List.of("DEPLOY on api" + u + ", a dependent of db" + u + ", 40 min before this change"),
                migration.getList("concurrentChanges.reason"));
        assertEquals(List.of("DEPENDENT"), migration.getList("concurrentChanges.relation"));
        assertEquals(1, migration.getInt("concurrentTotal"));
        given().contentType(ContentType.JSON)
                .body(changeJson("api" + u, "CONFIG", "later", t.plus(Duration.ofHours(5)), null, "production"))
                .when().post("/api/changes").then().statusCode(201).body("concurrentChanges", empty());
        given().contentType(ContentType.JSON)
                .body(changeJson("lonely" + u, "DEPLOY", "unrelated", t.plus(Duration.ofMinutes(20)), null, "production"))
                .when().post("/api/changes").then().statusCode(201).body("concurrentChanges", empty());
        given().contentType(ContentType.JSON)
                .body(changeJson("api" + u, "DEPLOY", "staging", t.plus(Duration.ofMinutes(10)), null, "staging"))
                .when().post("/api/changes").then().statusCode(201).body("concurrentChanges", empty());
        given().queryParam("service", "api" + u).queryParam("kind", "DEPLOY").when().get("/api/changes")
                .then().statusCode(200).body("summary", contains("staging", "api v7"));
    }

    @Test
    void badEnumsUnknownServicesAndBadParametersAre4xx() {
        String u = "-" + unique();
        service("known" + u, "{\"team\": \"x\"}");
        Instant t = Instant.parse("2021-10-01T08:00:00Z");
        given().contentType(ContentType.JSON).body(changeJson("known" + u, "ROLLOUT", "x", t, null, "production"))
                .when().post("/api/changes").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("kind"));
        given().contentType(ContentType.JSON).body(changeJson("ghost" + u, "DEPLOY", "x", t, null, "production"))
                .when().post("/api/changes").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("service"));
        given().contentType(ContentType.JSON).body(changeJson("known" + u, "DEPLOY", "x", t, t.minusSeconds(1), "production"))
                .when().post("/api/changes").then().statusCode(400).body("errors[0].field", equalTo("endedAt"));
        // A change that would be "under way" for good, or planned years ahead, would crowd every deploy gate and
        // "what changed?" near it: 400, and nothing stored.
        given().contentType(ContentType.JSON).body(changeJson("known" + u, "INFRASTRUCTURE", "x", t,
                Instant.parse("9999-12-31T00:00:00Z"), "production"))
                .when().post("/api/changes").then().statusCode(400).body("errors[0].field", equalTo("endedAt"))
                .body("errors[0].message", containsString("at most 30 days ahead"));
        given().contentType(ContentType.JSON).body(changeJson("known" + u, "INFRASTRUCTURE", "x",
                Instant.now().plus(Duration.ofDays(31)), null, "production"))
                .when().post("/api/changes").then().statusCode(400).body("errors[0].field", equalTo("startedAt"));
        given().queryParam("service", "known" + u).when().get("/api/changes").then().statusCode(200).body("", hasSize(0));
        given().contentType(ContentType.JSON).body("{\"team\": \"x\", \"dependsOn\": [\"ghost" + u + "\"]}")
                .when().put("/api/services/needs" + u).then().statusCode(400).body("errors[0].field", equalTo("dependsOn[0]"));
        given().contentType(ContentType.JSON).body("{\"team\": \"x\", \"dependsOn\": [\"self" + u + "\"]}")
                .when().put("/api/services/self" + u).then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"dependsOn\": []}")
                .when().put("/api/services/noteam" + u).then().statusCode(400).body("errors[0].field", containsString("team"));
        given().queryParam("kind", "NOPE").when().get("/api/changes").then().statusCode(400)
                .body("errors[0].field", equalTo("kind"));
        given().when().get("/api/services/ghost" + u).then().statusCode(404).contentType("application/problem+json");

        String change = register("known" + u, "DEPLOY", "v1", t, null).getString("change.id");
        String id = incident("known" + u, t.plus(Duration.ofMinutes(5)), t.plus(Duration.ofMinutes(5)));
        given().queryParam("lookback", "yesterday").when().get("/api/incidents/" + id + "/changes")
                .then().statusCode(400).body("errors[0].field", equalTo("lookback"));
        given().queryParam("lookback", "-PT1H").when().get("/api/incidents/" + id + "/changes").then().statusCode(400);
        given().queryParam("lookback", "P400D").when().get("/api/incidents/" + id + "/changes").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"role\": \"BLAMED\"}")
                .when().post("/api/incidents/" + id + "/changes/" + change).then().statusCode(400)
                .body("errors[0].field", equalTo("role"));
        given().contentType(ContentType.JSON).body("{\"role\": \"CAUSED\"}")
                .when().post("/api/incidents/" + id + "/changes/" + UUID.randomUUID()).then().statusCode(404);
        given().when().get("/api/incidents/" + UUID.randomUUID() + "/changes").then().statusCode(404);
    }

    @Test
    void linkingAChangeGoesOnTheTimelineAndShowsInWhatChanged() {
        String u = "-" + unique();
        service("pay" + u, "{\"team\": \"payments\"}");
        Instant t = Instant.parse("2021-11-05T10:00:00Z");
        String change = register("pay" + u, "CONFIG", "pool size 5", t.minus(Duration.ofMinutes(50)), null)
                .getString("change.id");
        String id = incident("pay" + u, t, t);
        given().contentType(ContentType.JSON).body("{\"role\": \"CAUSED\"}")
                .when().post("/api/incidents/" + id + "/changes/" + change).then().statusCode(200)
                .body("role", equalTo("CAUSED")).body("change.summary", equalTo("pool size 5"));
        given().contentType(ContentType.JSON).body("{\"role\": \"CONTRIBUTED\"}")
                .when().post("/api/incidents/" + id + "/changes/" + change).then().statusCode(200);
        given().when().get("/api/incidents/" + id + "/timeline").then().statusCode(200)
                .body("kind", contains("OPENED", "CHANGE_LINKED", "CHANGE_LINKED"))
                .body("[1].text", equalTo("CONFIG on pay" + u + " (pool size 5) caused this incident"))
                .body("[2].text", equalTo("CONFIG on pay" + u + " (pool size 5) contributed to this incident (was CAUSED)"))
                .body("[2].actor", equalTo("tester"));
        given().when().get("/api/incidents/" + id + "/changes").then().statusCode(200)
                .body("changes.find { it.change.id == '" + change + "' }.linkedAs", equalTo("CONTRIBUTED"));
    }

    @Test
    void changesArriveOnKafkaAndBadOnesGoToTheDeadLetterTopicWhileConsumptionGoesOn() {
        String u = "-" + unique();
        service("ci" + u, "{\"team\": \"ci\"}");
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        Instant t = Instant.parse("2021-12-01T10:00:00Z");
        KafkaTestClient.send(kafka, Topics.CHANGE_EVENTS, "ghost" + u,
                changeJson("ghost" + u, "DEPLOY", "unknown service", t, null, "production"));
        KafkaTestClient.send(kafka, Topics.CHANGE_EVENTS, "ci" + u,
                changeJson("ci" + u, "ROLLOUT", "bad kind", t, null, "production"));
        KafkaTestClient.send(kafka, Topics.CHANGE_EVENTS, "ci" + u, "{not json");
        // An instant no conversion to the database takes: it failed the commit at every try and stopped the topic.
        KafkaTestClient.send(kafka, Topics.CHANGE_EVENTS, "ci" + u, changeJson("ci" + u, "DEPLOY", "from far away", t,
                null, "production").replace(t.toString(), "-1000000000-01-01T00:00:00Z"));
        String good = changeJson("ci" + u, "DEPLOY", "from the pipeline", t, null, "production");
        KafkaTestClient.send(kafka, Topics.CHANGE_EVENTS, "ci" + u, good);
        KafkaTestClient.send(kafka, Topics.CHANGE_EVENTS, "ci" + u, good);
        KafkaTestClient.send(kafka, Topics.CHANGE_EVENTS, "ci" + u,
                changeJson("ci" + u, "CONFIG", "second", t.plusSeconds(60), null, "production"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().queryParam("service", "ci" + u)
                .when().get("/api/changes").then().statusCode(200)
                .body("summary", contains("second", "from the pipeline"))
                .body("recordedBy", hasItem("daff-change-events")));
        // Kafka delivers at least once: a record refused twice (say, across a rebalance) is dead-lettered twice.
        // What matters is that each of the four bad records is there.
        List<ConsumerRecord<String, String>> dead = new java.util.ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            dead.clear();
            dead.addAll(KafkaTestClient.read(kafka, DEAD_LETTER, r -> r.key() != null && r.key().endsWith(u), 100,
                    Duration.ofSeconds(2)));
            assertEquals(4, dead.stream().map(ConsumerRecord::value).distinct().count());
        });
        String reason = new String(dead.get(0).headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
        assertTrue(reason.contains("unknown service"), reason);
    }

    /**
     * A pipeline that numbers its runs afresh sends an {@code eventId} it used before, for another change. That was
     * taken for a redelivery and dropped: acknowledged by the broker, on no list and in no dead-letter topic. A
     * summary holding half a surrogate pair was stored as {@code ?}, and a record in Latin-1 with U+FFFD for its
     * "é", where HTTP refuses both. All three are dead-lettered now, with the reason; a true redelivery still changes
     * nothing.
     */
    @Test
    void anEventIdUsedAgainForAnotherChangeAndTextThatIsNotUnicodeAreDeadLetteredNotStoredOrDropped() {
        String u = "-" + unique();
        service("reuse" + u, "{\"team\": \"ci\"}");
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        Instant t = Instant.parse("2021-12-03T10:00:00Z");
        String first = withEventId("run-1" + u, changeJson("reuse" + u, "DEPLOY", "first", t, null, "production"));
        KafkaTestClient.send(kafka, Topics.CHANGE_EVENTS, "reuse" + u, first);
        KafkaTestClient.send(kafka, Topics.CHANGE_EVENTS, "reuse" + u, first.replace("reuse" + u, "REUSE" + u));
        KafkaTestClient.send(kafka, Topics.CHANGE_EVENTS, "reuse" + u,
                withEventId("run-1" + u, changeJson("reuse" + u, "DEPLOY", "second", t.plusSeconds(60), null, "production")));
        KafkaTestClient.send(kafka, Topics.CHANGE_EVENTS, "reuse" + u,
                changeJson("reuse" + u, "CONFIG", "half \\uD800 a pair", t.plusSeconds(120), null, "production"));
        KafkaTestClient.sendBytes(kafka, Topics.CHANGE_EVENTS, "reuse" + u, changeJson("reuse" + u, "CONFIG",
                "by José in Latin-1", t.plusSeconds(150), null, "production").getBytes(StandardCharsets.ISO_8859_1));
        KafkaTestClient.send(kafka, Topics.CHANGE_EVENTS, "reuse" + u,
                changeJson("reuse" + u, "CONFIG", "after them", t.plusSeconds(180), null, "production"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().queryParam("service", "reuse" + u)
                .when().get("/api/changes").then().statusCode(200)
                .body("summary", contains("after them", "first")));
        List<String> reasons = new java.util.ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            reasons.clear();
            KafkaTestClient.read(kafka, DEAD_LETTER, r -> ("reuse" + u).equals(r.key()), 10, Duration.ofSeconds(2))
                    .forEach(r -> reasons.add(new String(r.headers().lastHeader("dead-letter-reason").value(),
                            StandardCharsets.UTF_8)));
            assertEquals(3, reasons.stream().distinct().count(), reasons.toString());
        });
        assertTrue(reasons.stream().anyMatch(r -> r.contains("eventId 'run-1" + u + "' was used before for another event")),
                reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.contains("unpaired UTF-16 surrogate")), reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.contains("the record's value is not UTF-8 text")), reasons.toString());
    }

    private static String withEventId(String eventId, String changeJson) {
        return changeJson.replaceFirst("\\{", "{\"eventId\": \"" + eventId + "\", ");
    }

    /**
     * A pipeline's gzip carries a change of 3,000,000 characters past the broker. The dead-letter strategy sent the
     * value it was given uncompressed, the producer refused it as too large, the channel stopped, and every change
     * after it waited for good, at every restart. It is dead-lettered as an account of itself, and the next change
     * is recorded.
     */
    @Test
    void aChangeTooLongForAnyEventIsDeadLetteredAsAnAccountOfItAndTheNextOneIsRecorded() {
        String u = "-" + unique();
        service("huge" + u, "{\"team\": \"ci\"}");
        String kafka = RealInfrastructureResource.kafka().bootstrapServers();
        Instant t = Instant.parse("2021-12-02T10:00:00Z");
        KafkaTestClient.sendGzipped(kafka, Topics.CHANGE_EVENTS, "huge" + u,
                changeJson("huge" + u, "DEPLOY", "x".repeat(3_000_000), t, null, "production"));
        KafkaTestClient.send(kafka, Topics.CHANGE_EVENTS, "huge" + u,
                changeJson("huge" + u, "DEPLOY", "after the long one", t.plusSeconds(60), null, "production"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().queryParam("service", "huge" + u)
                .when().get("/api/changes").then().statusCode(200)
                .body("summary", contains("after the long one")));
        List<ConsumerRecord<String, String>> dead = KafkaTestClient.read(kafka, DEAD_LETTER,
                r -> ("huge" + u).equals(r.key()), 1, Duration.ofSeconds(30));
        assertEquals(1, dead.size());
        assertTrue(dead.get(0).value().startsWith("daff:oversized-event 3000"), dead.get(0).value().substring(0, 80));
        assertTrue(dead.get(0).value().length() < 3_000, "the account keeps the head only");
        String reason = new String(dead.get(0).headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
        assertTrue(reason.contains("an event has at most 1000000"), reason);
    }
}
