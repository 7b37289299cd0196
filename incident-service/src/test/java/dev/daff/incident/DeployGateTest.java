package dev.daff.incident;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.events.Topics;
import dev.daff.localinfra.DatabaseRefusals;
import dev.daff.localinfra.KafkaTestClient;
import dev.daff.localinfra.RealInfrastructureResource;
import dev.daff.localinfra.RecordingReceiver;
import dev.daff.localinfra.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/**
 * The deploy gate on the real database and broker: budgets arrive as slo-service publishes them (on
 * {@code daff.slo-budgets}), incidents and changes through the API, and each reason gives its decision. Other tests
 * share the database (shared platforms, open incidents, changes under way), so reasons are looked at for this test's
 * own services ({@link #about}).
 */
@QuarkusTest
class DeployGateTest {

    @Inject
    AgroalDataSource database;

    static final String PIPELINE = TestTokens.token("pipeline", TestTokens.INGEST);
    static final String ADMIN = TestTokens.token("ada", TestTokens.ADMIN);

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    /**
     * A pipeline that names its service otherwise than the catalog (a typo) would pass that service's freeze unseen:
     * the gate warns, naming the service it probably meant, and the pipeline step prints it.
     */
    @Test
    void aServiceTheCatalogLacksIsWarnedOfWithTheNameItProbablyMeant() {
        String service = "ledger-" + ChangesTest.unique();
        catalogued(service);
        String typo = service.replace("ledger-", "ledgr-");
        JsonPath decision = decide(typo, "production");
        assertEquals(List.of("WARN SERVICE_UNKNOWN"), about(decision, typo));
        assertEquals(typo + " is not in the service catalog, and freezes, incidents and budgets are found by the"
                + " service's name: a misspelt name passes all of them unseen. Did you mean " + service + "?",
                decision.getString("reasons.find { it.code == 'SERVICE_UNKNOWN' }.text"));
        assertEquals(List.of(), about(decide(service.toUpperCase(java.util.Locale.ROOT), "production"), service),
                "the catalog's service in another case is known");
    }

    @Test
    void aHealthyServiceMayDeployAndTheDecisionIsKeptAndLinkedToItsChange() {
        String service = "shop-" + ChangesTest.unique();
        ChangesTest.service(service, "{\"team\": \"payments\"}");
        publishBudget(service, 0.8, 0.5, 0, Instant.now());
        JsonPath decision = decide(service, "production");
        assertEquals(List.of(), about(decision, service));
        if (decision.getList("reasons").isEmpty()) {
            assertEquals("ALLOW", decision.getString("decision"));
        }
        String id = decision.getString("decisionId");
        given().header("Authorization", "Bearer " + PIPELINE).contentType(ContentType.JSON)
                .body(ChangesTest.changeJson(service, "DEPLOY", "v2", Instant.now(), null, "production")
                        .replace("abc123", "v2.0.1"))
                .when().post("/api/changes").then().statusCode(201);
        String change = given().queryParam("service", service).when().get("/api/changes").then().statusCode(200)
                .extract().path("[0].id");
        given().queryParam("service", service).when().get("/api/deploy-decisions").then().statusCode(200)
                .body("", hasSize(1)).body("[0].decisionId", equalTo(id)).body("[0].changeId", equalTo(change))
                .body("[0].requestedBy", equalTo("pipeline"));
    }

    @Test
    void eachListedDecisionNamesTheChangePostedForItsOwnRef() {
        String service = "list-" + ChangesTest.unique();
        ChangesTest.service(service, "{\"team\": \"payments\"}");
        String v1 = decide(service, "production", "v1").getString("decisionId");
        String v2 = decide(service, "production", "v2").getString("decisionId");
        String noRef = decide(service, "production", null).getString("decisionId");
        String v3 = decide(service, "production", "v3").getString("decisionId");
        String changeV3 = postChange(service, "v3");
        String changeV1 = postChange(service, "v1");

        List<Map<String, Object>> listed = given().queryParam("service", service).when().get("/api/deploy-decisions")
                .then().statusCode(200).extract().jsonPath().getList("");
        Map<String, Object> changeOf = new HashMap<>();
        listed.forEach(decision -> changeOf.put((String) decision.get("decisionId"), decision.get("changeId")));
        Map<String, Object> expected = new HashMap<>();
        expected.put(v1, changeV1);
        expected.put(v2, null);
        expected.put(noRef, null);
        expected.put(v3, changeV3);
        assertEquals(expected, changeOf);
        assertEquals(List.of(v3, noRef, v2, v1), listed.stream().map(decision -> decision.get("decisionId")).toList(),
                "newest first");
        // The newest few, not a paged list: limit 1-200, no cursor.
        given().queryParam("service", service).queryParam("limit", 2).when().get("/api/deploy-decisions").then()
                .statusCode(200).body("decisionId", contains(v3, noRef));
        for (String limit : List.of("0", "201", "ten")) {
            given().queryParam("service", service).queryParam("limit", limit).when().get("/api/deploy-decisions")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("detail", containsString("limit"));
        }
    }

    private static String postChange(String service, String ref) {
        return given().header("Authorization", "Bearer " + PIPELINE).contentType(ContentType.JSON)
                .body(ChangesTest.changeJson(service, "DEPLOY", "deploy " + ref, Instant.now(), null, "production")
                        .replace("abc123", ref))
                .when().post("/api/changes").then().statusCode(201).extract().path("change.id");
    }

    @Test
    void aBurntBudgetBlocksInProductionSoonerThanElsewhereAndAStaleOneIsUnknown() {
        String service = "cart-" + ChangesTest.unique();
        catalogued(service);
        // An unreadable snapshot is skipped, and the consumer goes on to the next one on the partition.
        KafkaTestClient.send(kafka(), Topics.SLO_BUDGETS, service + "-availability", "{not a snapshot");
        publishBudget(service, 0.15, 1.0, 0, Instant.now());
        JsonPath production = awaitDecision(service, "production", "BLOCK");
        assertEquals(List.of("BLOCK BUDGET_EXHAUSTED"), about(production, service), "15 % left: below production's 20 % floor");
        assertEquals(List.of("WARN BUDGET_LOW"), about(decide(service, "staging"), service), "below the default 25 % warning only");
        assertEquals(List.of("BLOCK BUDGET_EXHAUSTED"), about(decide(service, "Production"), service),
                "production's floors whatever the case the pipeline writes it in");
        // "prod" has no thresholds of its own: before, it passed on the looser defaults with a warning about the budget only.
        JsonPath shortForm = decide(service, "prod");
        assertEquals(List.of("BLOCK BUDGET_EXHAUSTED", "WARN ENVIRONMENT_UNKNOWN"), about(shortForm, service, "prod "),
                "production's floors for what is probably production, and a word on the name");
        assertEquals(List.of("WARN BUDGET_LOW"), about(decide(service, "qa-eu"), service, "qa-eu "),
                "an environment like none with thresholds of its own gets the defaults, unremarked");

        publishBudget(service, 0.15, 1.0, 0, Instant.now().minus(Duration.ofMinutes(10)));
        assertEquals(List.of("WARN BUDGET_LOW"), about(decide(service, "staging"), service),
                "an older snapshot never replaces a newer one");
        KafkaTestClient.send(kafka(), Topics.SLO_BUDGETS, service + "-availability", null);
        await("the tombstone forgets the SLO").atMost(Duration.ofSeconds(20))
                .until(() -> about(decide(service, "production"), service).isEmpty());

        String quiet = "quiet-" + ChangesTest.unique();
        catalogued(quiet);
        publishBudget(quiet, 0.9, 0.1, 0, Instant.now().minus(Duration.ofMinutes(10)));
        assertEquals(List.of("WARN BUDGET_UNKNOWN"), about(awaitDecision(quiet, "production", "WARN"), quiet));
    }

    /**
     * A snapshot that fails to be stored is replaced by the next a minute later; a tombstone is said once. The database
     * refuses the first two tries to forget this SLO (as while it restarts): the SLO is forgotten all the same.
     */
    @Test
    void aTombstoneTheDatabaseRefusedForAMomentStillForgetsTheSlo() throws SQLException {
        String service = "deleted-" + ChangesTest.unique();
        catalogued(service);
        publishBudget(service, 0.15, 1.0, 0, Instant.now());
        awaitDecision(service, "production", "BLOCK");
        try (DatabaseRefusals refusing = DatabaseRefusals.refuse(database, "budget_forget", "delete on slo_budget",
                "old.slo = '" + service + "-availability'", "57P03", 2)) {
            KafkaTestClient.send(kafka(), Topics.SLO_BUDGETS, service + "-availability", null);
            await("the tombstone forgets the SLO").atMost(Duration.ofSeconds(20))
                    .until(() -> about(decide(service, "production"), service).isEmpty());
        }
    }

    /**
     * slo-service works through a backlog (its broker back from a stall): its snapshot is fresh, its counts ten minutes
     * behind. The pages nobody acknowledged still block; a budget and burn rate that old are unknown, not exhausted.
     */
    @Test
    void aSnapshotWhoseCountsAreBehindBlocksOnItsPagesAndLeavesItsBudgetUnknown() {
        String service = "backlogged-" + ChangesTest.unique();
        catalogued(service);
        publishBudget(service, -0.5, 30, 2, Instant.now(), Instant.now().minus(Duration.ofMinutes(10)));
        assertEquals(List.of("BLOCK PAGE_UNACKNOWLEDGED", "WARN BUDGET_UNKNOWN"),
                about(awaitDecision(service, "production", "BLOCK"), service));

        publishBudget(service, -0.5, 30, 0, Instant.now(), Instant.now().minusSeconds(20)); // caught up
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertEquals(
                List.of("BLOCK BUDGET_EXHAUSTED", "BLOCK FAST_BURN"), about(decide(service, "production"), service)));

        // A sender whose clock runs 4 minutes ahead, 8 minutes behind with its counts: behind by its own clock.
        String ahead = "backlogged-ahead-" + ChangesTest.unique();
        catalogued(ahead);
        publishBudget(ahead, -0.5, 30, 0, Instant.now().plus(Duration.ofMinutes(4)),
                Instant.now().minus(Duration.ofMinutes(4)));
        assertEquals(List.of("WARN BUDGET_UNKNOWN"), about(awaitDecision(ahead, "production", "WARN"), ahead));
    }

    /**
     * slo-service falls silent in the outage that spends the budget: its last snapshot, of a spent budget, a fast burn
     * and pages nobody acknowledged, goes stale. Before, a stale snapshot was only a warning, and the deploy passed.
     */
    @Test
    void aSnapshotGoneStaleStillBlocksOnWhatItLastSaid() {
        String service = "silent-" + ChangesTest.unique();
        catalogued(service);
        publishBudget(service, 0.0, 30, 2, Instant.now().minus(Duration.ofMinutes(6)),
                Instant.now().minus(Duration.ofMinutes(6)).minusSeconds(20));
        assertEquals(List.of("BLOCK BUDGET_EXHAUSTED", "BLOCK FAST_BURN", "BLOCK PAGE_UNACKNOWLEDGED",
                "WARN BUDGET_UNKNOWN"), about(awaitDecision(service, "production", "BLOCK"), service).stream().sorted()
                        .toList());
    }

    @Test
    void aSnapshotDatedAheadOfTheClockNeitherFreezesTheBudgetNorPassesForFresh() throws SQLException {
        String service = "skewed-" + ChangesTest.unique();
        catalogued(service);
        // A replica whose clock runs an hour ahead says all is well; the truth, a moment later, is a burnt budget.
        publishBudget(service, 0.9, 0.5, 0, Instant.now().plus(Duration.ofHours(1)));
        publishBudget(service, 0.05, 20, 0, Instant.now());
        assertEquals(List.of("BLOCK BUDGET_EXHAUSTED", "BLOCK FAST_BURN"),
                about(awaitDecision(service, "production", "BLOCK"), service).stream().sorted().toList());

        // One stored before snapshots were checked against the clock is unknown, and the next true one replaces it.
        String stored = "stored-skewed-" + ChangesTest.unique();
        catalogued(stored);
        publishBudget(stored, 0.9, 0.5, 0, Instant.now());
        await().atMost(Duration.ofSeconds(20)).until(() -> setAnHourAhead(stored) == 1);
        assertEquals(List.of("WARN BUDGET_UNKNOWN"), about(decide(stored, "production"), stored));
        publishBudget(stored, 0.05, 1.0, 0, Instant.now());
        assertEquals(List.of("BLOCK BUDGET_EXHAUSTED"), about(awaitDecision(stored, "production", "BLOCK"), stored));
    }

    private int setAnHourAhead(String service) throws SQLException {
        try (Connection connection = database.getConnection(); PreparedStatement ahead = connection.prepareStatement(
                "update slo_budget set observed_at = now() + interval '1 hour' where service = ?")) {
            ahead.setString(1, service);
            return ahead.executeUpdate();
        }
    }

    @Test
    void anUnacknowledgedPageOrAnOpenIncidentBlocksTheServiceAndWarnsItsDependents() {
        String database = "ledger-db-" + ChangesTest.unique();
        String api = "ledger-api-" + ChangesTest.unique();
        ChangesTest.service(database, "{\"team\": \"storage\"}");
        ChangesTest.service(api, "{\"team\": \"payments\", \"dependsOn\": [\"" + database + "\"]}");
        publishBudget(database, 0.9, 20, 2, Instant.now());
        JsonPath blocked = awaitDecision(database, "production", "BLOCK");
        assertEquals(List.of("BLOCK FAST_BURN", "BLOCK PAGE_UNACKNOWLEDGED"), about(blocked, database).stream().sorted().toList());
        assertEquals(List.of("WARN PAGE_UNACKNOWLEDGED"), about(decide(api, "production"), database),
                "a dependency's page warns; its budget is its own team's call");

        String incident = ChangesTest.incident(database, Instant.now().minusSeconds(120), Instant.now());
        JsonPath dependent = decide(api, "production");
        assertEquals(List.of("WARN INCIDENT_OPEN", "WARN PAGE_UNACKNOWLEDGED"), about(dependent, database));
        assertEquals(true, dependent.getList("reasons.text").stream().anyMatch(text -> ((String) text).contains(incident)));
        assertEquals(List.of("BLOCK INCIDENT_OPEN", "BLOCK PAGE_UNACKNOWLEDGED", "BLOCK FAST_BURN"),
                about(decide(database, "production"), database), "most severe first, in the order of the codes");
    }

    @Test
    void anInfrastructureChangeOnASharedPlatformWarnsEveryService() {
        String platform = "control-plane-" + ChangesTest.unique();
        String service = "search-" + ChangesTest.unique();
        ChangesTest.service(platform, "{\"team\": \"platform\", \"shared\": true}");
        ChangesTest.service(service, "{\"team\": \"discovery\"}");
        given().header("Authorization", "Bearer " + PIPELINE).contentType(ContentType.JSON)
                .body(ChangesTest.changeJson(platform, "INFRASTRUCTURE", "upgrade to 1.31",
                        Instant.now().minus(Duration.ofMinutes(10)), Instant.now().plus(Duration.ofMinutes(30)), "production"))
                .when().post("/api/changes").then().statusCode(201);
        JsonPath decision = decide(service, "production");
        assertEquals(List.of("WARN CONCURRENT_CHANGE"), about(decision, platform));
        List<String> concurrent = decision.getList("reasons.findAll { it.code == 'CONCURRENT_CHANGE' }.text");
        assertEquals(true, concurrent.stream().anyMatch(text -> text.contains("the shared platform " + platform)), concurrent.toString());
        // A pipeline that says "prd" is taken to mean production, its upgrade too; staging's changes stay apart.
        assertEquals(List.of("WARN CONCURRENT_CHANGE"), about(decide(service, "prd"), platform));
        assertEquals(List.of(), about(decide(service, "staging"), platform));
    }

    @Test
    void aFreezeBlocksOnlyItsServicesAndOnlyWhileItLasts() {
        String frozen = "frozen-" + ChangesTest.unique();
        String other = "thawed-" + ChangesTest.unique();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String freeze = "freeze-" + ChangesTest.unique();
        asAdmin().body(freezeJson(freeze, now.minusSeconds(60), now.plusSeconds(3600), frozen))
                .when().put("/api/freezes").then().statusCode(201);
        JsonPath blocked = decide(frozen, "production");
        assertEquals("BLOCK", blocked.getString("decision"));
        assertEquals(List.of("BLOCK FREEZE"), about(blocked, freeze));
        assertEquals("FREEZE", blocked.getString("reasons[0].code"), "most severe first");
        assertEquals(List.of(), about(decide(other, "production"), freeze));

        asAdmin().body(freezeJson(freeze, now.plusSeconds(3600), now.plusSeconds(7200), frozen))
                .when().put("/api/freezes").then().statusCode(200);
        assertEquals(List.of(), about(decide(frozen, "production"), freeze), "moved to the next hour: not in force now");
        given().header("Authorization", "Bearer " + PIPELINE).contentType(ContentType.JSON)
                .body(freezeJson("not-allowed", now, now.plusSeconds(60), frozen))
                .when().put("/api/freezes").then().statusCode(403);
        asAdmin().body("{\"id\": \"bad\", \"start\": \"" + now + "\", \"end\": \"" + now.minusSeconds(1)
                + "\", \"all\": true, \"reason\": \"x\"}").when().put("/api/freezes")
                .then().statusCode(400).contentType("application/problem+json");
        asAdmin().when().delete("/api/freezes/" + freeze).then().statusCode(204);
        asAdmin().when().delete("/api/freezes/" + freeze).then().statusCode(404).contentType("application/problem+json");
    }

    /** GET /api/freezes lists every freeze not over yet, in force or to come, to a pipeline's token too. */
    @Test
    void theFreezeListHoldsTheFreezesNotOverYet() {
        String service = "listed-" + ChangesTest.unique();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String over = "over-" + ChangesTest.unique();
        String inForce = "in-force-" + ChangesTest.unique();
        String toCome = "to-come-" + ChangesTest.unique();
        asAdmin().body(freezeJson(over, now.minusSeconds(7200), now.minusSeconds(3600), service))
                .when().put("/api/freezes").then().statusCode(201);
        asAdmin().body(freezeJson(inForce, now.minusSeconds(60), now.plusSeconds(3600), service))
                .when().put("/api/freezes").then().statusCode(201);
        String toComeAt = asAdmin().body(freezeJson(toCome, now.plusSeconds(86_400), now.plusSeconds(90_000), service))
                .when().put("/api/freezes").then().statusCode(201).extract().header("Location");
        given().when().get(toComeAt).then().statusCode(200).body("reason", equalTo("peak trading"));

        JsonPath listed = given().header("Authorization", "Bearer " + PIPELINE).when().get("/api/freezes").then()
                .statusCode(200).extract().jsonPath();
        List<String> ids = listed.getList("id");
        org.junit.jupiter.api.Assertions.assertTrue(ids.containsAll(List.of(inForce, toCome)), ids.toString());
        org.junit.jupiter.api.Assertions.assertFalse(ids.contains(over), ids.toString());
        assertEquals(List.of(service), listed.getList("find { it.id == '" + inForce + "' }.services"));
        assertEquals(now.plusSeconds(3600).toString(), listed.getString("find { it.id == '" + inForce + "' }.end"));
        assertEquals("peak trading", listed.getString("find { it.id == '" + toCome + "' }.reason"));
        assertEquals("ada", listed.getString("find { it.id == '" + toCome + "' }.createdBy"));
        String location = asAdmin().body(freezeJson(over, now.minusSeconds(7200), now.minusSeconds(3600), service))
                .when().put("/api/freezes").then().statusCode(200).extract().header("Location");
        org.junit.jupiter.api.Assertions.assertNull(location, "replaced, not created");
        given().header("Authorization", "Bearer " + PIPELINE).when().get("/api/freezes/" + over).then().statusCode(200)
                .body("id", equalTo(over)).body("end", equalTo(now.minusSeconds(3600).toString()));
        for (String freeze : List.of(over, inForce, toCome)) {
            asAdmin().when().delete("/api/freezes/" + freeze).then().statusCode(204);
        }
        given().when().get("/api/freezes/" + over).then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void aServiceWrittenInAnotherCaseOrWithBlanksIsTheSameServiceToTheGate() {
        String service = "wallet-" + ChangesTest.unique();
        String shouted = service.toUpperCase(java.util.Locale.ROOT);
        ChangesTest.service(service, "{\"team\": \"payments\"}");
        // One catalog entry per service, whatever its case.
        asAdmin().body("{\"team\": \"payments\"}").when().put("/api/services/" + shouted).then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("only in case"));
        given().when().get("/api/services/" + shouted).then().statusCode(404);

        // A freeze typed in capitals holds the pipeline's deploy, asked with a no-break space pasted after the name.
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String freeze = "freeze-" + ChangesTest.unique();
        asAdmin().body(freezeJson(freeze, now.minusSeconds(60), now.plusSeconds(3600), shouted))
                .when().put("/api/freezes").then().statusCode(201);
        JsonPath blocked = decide(service + "\u00a0", "production");
        assertEquals(List.of("BLOCK FREEZE"), about(blocked, freeze));
        assertEquals(service, blocked.getString("service"), "kept as the catalog spells it");
        asAdmin().when().delete("/api/freezes/" + freeze).then().statusCode(204);
        assertEquals("ALLOW", decide(service, "production").getString("decision"));

        // An incident opened by hand for " WALLET-… " blocks it too, is listed under its name, and an alert of the
        // service joins it rather than opening another.
        String incident = ChangesTest.incident(" " + shouted + "\u00a0", Instant.now().minusSeconds(60), Instant.now());
        given().when().get("/api/incidents/" + incident).then().body("services", contains(shouted));
        assertEquals(List.of("BLOCK INCIDENT_OPEN"), about(decide(service, "production"), incident));
        given().queryParam("service", service).when().get("/api/incidents").then().body("items.id", contains(incident));
        KafkaTestClient.send(kafka(), Topics.SLO_ALERTS, service, AlertIncidentsTest.alert(UUID.randomUUID().toString(),
                "AlertFired", service + ":PAGE:BURN_RATE:1", service, "PAGE"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/api/incidents/" + incident
                + "/timeline").then().body("kind", org.hamcrest.Matchers.hasItem("ALERT_FIRED")));
        given().queryParam("service", shouted).when().get("/api/incidents").then().body("items.id", contains(incident));
    }

    @Test
    void anOverrideNeedsAnAdminAndAReasonAndIsRecordedOnce() {
        String service = "payments-" + ChangesTest.unique();
        publishBudget(service, 0.01, 1, 0, Instant.now());
        String id = awaitDecision(service, "production", "BLOCK").getString("decisionId");
        given().header("Authorization", "Bearer " + PIPELINE).contentType(ContentType.JSON)
                .body("{\"reason\": \"hotfix for the outage\"}")
                .when().post("/api/deploy-decisions/" + id + "/override").then().statusCode(403);
        asAdmin().body("{}").when().post("/api/deploy-decisions/" + id + "/override")
                .then().statusCode(400).contentType("application/problem+json");
        String stored = "find { it.decisionId == '" + id + "' }";
        given().queryParam("service", service).when().get("/api/deploy-decisions").then()
                .body(stored + ".override", nullValue()).body(stored + ".effectiveDecision", equalTo("BLOCK"));
        asAdmin().body("{\"reason\": \"hotfix for the outage\"}").when().post("/api/deploy-decisions/" + id + "/override")
                .then().statusCode(200).body("decision", equalTo("BLOCK")).body("effectiveDecision", equalTo("ALLOW"))
                .body("override.by", equalTo("ada")).body("override.reason", equalTo("hotfix for the outage"));
        asAdmin().body("{\"reason\": \"again\"}").when().post("/api/deploy-decisions/" + id + "/override")
                .then().statusCode(409).contentType("application/problem+json");
        // Where the POST's Location points: the decision, overridden since.
        String location = given().header("Authorization", "Bearer " + PIPELINE).contentType(ContentType.JSON)
                .body("{\"service\": \"" + service + "\", \"environment\": \"production\", \"kind\": \"DEPLOY\"}")
                .when().post("/api/deploy-decisions").then().statusCode(201).extract().header("Location");
        given().header("Authorization", "Bearer " + PIPELINE).when().get(location).then().statusCode(200)
                .body("decision", equalTo("BLOCK"));
        given().header("Authorization", "Bearer " + PIPELINE).when().get("/api/deploy-decisions/" + id).then()
                .statusCode(200).body("decisionId", equalTo(id)).body("effectiveDecision", equalTo("ALLOW"))
                .body("override.reason", equalTo("hotfix for the outage"));
        given().when().get("/api/deploy-decisions/" + java.util.UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json");
    }

    /**
     * An override covers what the admin saw, each reason by what it is about: a second freeze declared after it blocks
     * the re-run although its code (FREEZE) is the one overridden.
     */
    @Test
    void anOverrideOfOneFreezeDoesNotCoverAnotherDeclaredAfterIt() {
        String service = "refrozen-" + ChangesTest.unique();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String first = "freeze-" + ChangesTest.unique();
        String second = "freeze-" + ChangesTest.unique();
        asAdmin().body(freezeJson(first, now.minusSeconds(60), now.plusSeconds(3600), service))
                .when().put("/api/freezes").then().statusCode(201);
        try {
            JsonPath blocked = decide(service, "production", "r-1");
            assertEquals("BLOCK", blocked.getString("effectiveDecision"));
            assertEquals(first, blocked.getString("reasons[0].subject"));
            asAdmin().body("{\"reason\": \"the release the freeze waits for\"}")
                    .when().post("/api/deploy-decisions/" + blocked.getString("decisionId") + "/override")
                    .then().statusCode(200);
            assertEquals("ALLOW", decide(service, "production", "r-1").getString("effectiveDecision"));
            asAdmin().body(freezeJson(second, now.minusSeconds(60), now.plusSeconds(3600), service))
                    .when().put("/api/freezes").then().statusCode(201);
            JsonPath again = decide(service, "production", "r-1");
            assertEquals("BLOCK", again.getString("effectiveDecision"), "overridden for a freeze the admin never saw");
            assertNull(again.get("override"));
            assertEquals(List.of("BLOCK FREEZE", "BLOCK FREEZE"), about(again, first, second));
        } finally {
            // whatever got declared: a failure above is the one to see
            asAdmin().when().delete("/api/freezes/" + first);
            asAdmin().when().delete("/api/freezes/" + second);
        }
    }

    /**
     * An override covers the freeze the admin saw: the same freeze replaced under its id, wider and for another reason,
     * is asked about anew. Before, the override followed the id, and the re-run passed the wider freeze.
     */
    @Test
    void anOverrideOfAFreezeDoesNotCoverItOnceReplacedUnderItsId() {
        String service = "replaced-" + ChangesTest.unique();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String freeze = "freeze-" + ChangesTest.unique();
        asAdmin().body(freezeJson(freeze, now.minusSeconds(60), now.plusSeconds(3600), service))
                .when().put("/api/freezes").then().statusCode(201);
        try {
            JsonPath blocked = decide(service, "production", "r-3");
            asAdmin().body("{\"reason\": \"a minor freeze, and this is the fix\"}")
                    .when().post("/api/deploy-decisions/" + blocked.getString("decisionId") + "/override")
                    .then().statusCode(200);
            assertEquals("ALLOW", decide(service, "production", "r-3").getString("effectiveDecision"));
            asAdmin().body("{\"id\": \"" + freeze + "\", \"start\": \"" + now.minusSeconds(60) + "\", \"end\": \""
                    + now.plusSeconds(7200) + "\", \"all\": true, \"reason\": \"incident response, no deploys\"}")
                    .when().put("/api/freezes").then().statusCode(200);
            JsonPath again = decide(service, "production", "r-3");
            assertEquals("BLOCK", again.getString("effectiveDecision"), "overridden for a freeze the admin never saw");
            assertNull(again.get("override"));
        } finally {
            asAdmin().when().delete("/api/freezes/" + freeze);
        }
    }

    /**
     * Any override of the change covers a re-run it covers, not only the newest: a later override, for a freeze since
     * lifted, hid the earlier one given for what blocks the re-run again.
     */
    @Test
    void anEarlierOverrideStillCoversWhatItWasGivenForAfterANewerOneForSomethingElse() {
        String service = "overridden-twice-" + ChangesTest.unique();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String first = "freeze-" + ChangesTest.unique();
        String second = "freeze-" + ChangesTest.unique();
        try {
            asAdmin().body(freezeJson(first, now.minusSeconds(60), now.plusSeconds(3600), service))
                    .when().put("/api/freezes").then().statusCode(201);
            asAdmin().body("{\"reason\": \"the release the freeze waits for\"}").when()
                    .post("/api/deploy-decisions/" + decide(service, "production", "r-2").getString("decisionId") + "/override")
                    .then().statusCode(200);
            asAdmin().when().delete("/api/freezes/" + first).then().statusCode(204);
            asAdmin().body(freezeJson(second, now.minusSeconds(60), now.plusSeconds(3600), service))
                    .when().put("/api/freezes").then().statusCode(201);
            JsonPath blocked = decide(service, "production", "r-2");
            assertEquals("BLOCK", blocked.getString("effectiveDecision"), "a freeze the first override never saw");
            asAdmin().body("{\"reason\": \"and through this one\"}").when()
                    .post("/api/deploy-decisions/" + blocked.getString("decisionId") + "/override").then().statusCode(200);
            asAdmin().when().delete("/api/freezes/" + second).then().statusCode(204);
            asAdmin().body(freezeJson(first, now.minusSeconds(60), now.plusSeconds(3600), service))
                    .when().put("/api/freezes").then().statusCode(anyOf(equalTo(200), equalTo(201)));

            JsonPath again = decide(service, "production", "r-2");
            assertEquals(List.of("BLOCK FREEZE"), about(again, first));
            assertEquals("ALLOW", again.getString("effectiveDecision"), "the first override covers the first freeze");
            assertEquals("the release the freeze waits for", again.getString("override.reason"));
        } finally {
            asAdmin().when().delete("/api/freezes/" + first);
            asAdmin().when().delete("/api/freezes/" + second);
        }
    }

    /** Two admins overriding at the same moment: one override is recorded, the other is told so, never replaced. */
    @Test
    void twoOverridesAtOnceRecordOneAndRefuseTheOther() throws Exception {
        List<String> admins = List.of("ada", "carol");
        for (int round = 0; round < 5; round++) {
            String service = "race-" + ChangesTest.unique();
            publishBudget(service, 0.01, 1, 0, Instant.now());
            String id = awaitDecision(service, "production", "BLOCK").getString("decisionId");
            List<Integer> statuses = AtOnce.statuses(() -> override(id, admins.get(0)), () -> override(id, admins.get(1)));
            List<String> recorded = new java.util.ArrayList<>();
            for (int i = 0; i < admins.size(); i++) {
                assertTrue(statuses.get(i) == 200 || statuses.get(i) == 409, "round " + round + ": " + statuses);
                if (statuses.get(i) == 200) {
                    recorded.add(admins.get(i));
                }
            }
            assertEquals(1, recorded.size(), "round " + round + ": overridden once");
            given().queryParam("service", service).when().get("/api/deploy-decisions").then()
                    .body("find { it.decisionId == '" + id + "' }.override.by", equalTo(recorded.get(0)));
        }
    }

    private static int override(String id, String admin) {
        return given().header("Authorization", "Bearer " + TestTokens.token(admin, TestTokens.ADMIN))
                .contentType(ContentType.JSON).body("{\"reason\": \"" + admin + "'s hotfix\"}")
                .when().post("/api/deploy-decisions/" + id + "/override").then().extract().statusCode();
    }

    @Test
    void aChangeLinkedAsTheCauseTellsTheResponderWhatToRollBack() {
        String service = "rollback-" + ChangesTest.unique();
        ChangesTest.service(service, "{\"team\": \"payments\"}");
        Instant impact = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(5));
        String body = ChangesTest.changeJson(service, "CONFIG", "pool size 5", impact.minus(Duration.ofMinutes(125)), null,
                "production").replace("\"environment\"", "\"rollbackUrl\": \"https://ci.example/rollback/abc123\", \"environment\"");
        String change = given().header("Authorization", "Bearer " + PIPELINE).contentType(ContentType.JSON).body(body)
                .when().post("/api/changes").then().statusCode(201).body("change.rollbackUrl", equalTo("https://ci.example/rollback/abc123"))
                .extract().path("change.id");
        String incident = ChangesTest.incident(service, impact, impact.plusSeconds(60));
        given().when().get("/api/incidents/" + incident + "/changes").then().statusCode(200).body("rollback", hasSize(0));
        given().contentType(ContentType.JSON).body("{\"role\": \"CAUSED\"}")
                .when().post("/api/incidents/" + incident + "/changes/" + change).then().statusCode(200);
        given().when().get("/api/incidents/" + incident + "/changes").then().statusCode(200)
                .body("rollback", hasSize(1))
                .body("rollback[0].text", equalTo("roll back abc123 on " + service + " (changed CONFIG 2 h 5 min before impact)"))
                .body("rollback[0].rollbackUrl", equalTo("https://ci.example/rollback/abc123"))
                .body("rollback[0].linkedAs", equalTo("CAUSED"));
        given().header("Authorization", "Bearer " + PIPELINE).contentType(ContentType.JSON)
                .body(body.replace("https://ci.example/rollback/abc123", "javascript:alert(1)"))
                .when().post("/api/changes").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void aResponderFiresTheSignedRollbackHookAndTheTimelineKeepsItsAnswer() throws Exception {
        try (RecordingReceiver pipeline = RecordingReceiver.start()) {
            pipeline.script("/rollback", 202);
            String service = "hooked-" + ChangesTest.unique();
            ChangesTest.service(service, "{\"team\": \"payments\", \"rollbackHook\": \"" + pipeline.url("/rollback") + "\"}");
            Instant impact = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(5));
            String change = given().header("Authorization", "Bearer " + PIPELINE).contentType(ContentType.JSON)
                    .body(ChangesTest.changeJson(service, "DEPLOY", "v42", impact.minus(Duration.ofMinutes(10)), null, "production"))
                    .when().post("/api/changes").then().statusCode(201).extract().path("change.id");
            String incident = ChangesTest.incident(service, impact, impact.plusSeconds(60));
            String responder = "Bearer " + TestTokens.token("rita", TestTokens.RESPONDER);
            given().header("Authorization", responder).when().post("/api/incidents/" + incident + "/changes/" + change + "/rollback")
                    .then().statusCode(409).contentType("application/problem+json"); // not linked yet: nothing is sent
            assertEquals(0, pipeline.received(r -> true).size());
            given().contentType(ContentType.JSON).body("{\"role\": \"CAUSED\"}")
                    .when().post("/api/incidents/" + incident + "/changes/" + change).then().statusCode(200);
            given().header("Authorization", "Bearer " + TestTokens.token("victor", TestTokens.VIEWER))
                    .when().post("/api/incidents/" + incident + "/changes/" + change + "/rollback").then().statusCode(403);

            // the database refuses the first two tries to record the hook's answer: the responder still gets it, and
            // is not left to ask again (and roll back twice)
            try (DatabaseRefusals refusing = DatabaseRefusals.refuse(database, "rollback_record",
                    "insert on timeline_entry", "new.kind = 'ROLLBACK_REQUESTED' and new.incident_id = '" + incident + "'",
                    "57P03", 2)) {
                given().header("Authorization", responder).when().post("/api/incidents/" + incident + "/changes/" + change
                        + "/rollback").then().statusCode(200).body("status", equalTo(202))
                        .body("outcome", equalTo("answered 202")).body("by", equalTo("rita"));
            }
            List<RecordingReceiver.Received> sent = pipeline.received(r -> r.path().equals("/rollback"));
            assertEquals(1, sent.size());
            byte[] body = sent.get(0).body().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(dev.daff.kit.security.WebhookSignature.verify("test-rollback-secret", body,
                    sent.get(0).header(dev.daff.kit.security.WebhookSignature.HEADER)), "signed with the configured secret");
            Instant requestedAt = Instant.parse(new com.fasterxml.jackson.databind.ObjectMapper().readTree(body)
                    .get("requestedAt").asText());
            assertTrue(dev.daff.kit.security.WebhookSignature.verifyTimestamped("test-rollback-secret", body,
                    sent.get(0).header(dev.daff.kit.security.WebhookSignature.TIMESTAMPED_HEADER), requestedAt,
                    Duration.ZERO), "signed with the time it was requested, so that it cannot be replayed later");
            assertTrue(sent.get(0).body().contains("\"ref\":\"abc123\"") && sent.get(0).body().contains("\"requestedBy\":\"rita\""),
                    sent.get(0).body());
            given().when().get("/api/incidents/" + incident + "/timeline").then().statusCode(200)
                    .body("find { it.kind == 'ROLLBACK_REQUESTED' }.text",
                            equalTo("Rollback of abc123 on " + service + " requested: the hook answered 202"))
                    .body("find { it.kind == 'ROLLBACK_REQUESTED' }.actor", equalTo("rita"));

            // The hook's path may be its key (a CI trigger's ?token=): only an admin reads it whole. Anyone else who
            // read it could start a rollback without a responder, a signature or a line on the timeline.
            String hook = pipeline.url("/rollback");
            String origin = hook.substring(0, hook.indexOf('/', "http://".length())) + "/…";
            given().when().get("/api/services/" + service).then().statusCode(200).body("rollbackHook", equalTo(hook));
            for (String reader : List.of(TestTokens.VIEWER, TestTokens.RESPONDER)) {
                String bearer = "Bearer " + TestTokens.token("victor", reader);
                given().header("Authorization", bearer).when().get("/api/services/" + service).then().statusCode(200)
                        .body("rollbackHook", equalTo(origin)).body("team", equalTo("payments"));
                given().header("Authorization", bearer).queryParam("limit", 500).when().get("/api/services").then()
                        .statusCode(200).body("findAll { it.rollbackHook != null }.rollbackHook", everyItem(endsWith("/…")));
            }
            given().header("Authorization", responder).when().post("/api/incidents/" + incident + "/changes/" + change
                    + "/rollback").then().statusCode(200).body("hook", equalTo(origin));
        }
        given().contentType(ContentType.JSON).body("{\"team\": \"payments\", \"rollbackHook\": \"http://10.0.0.7/rollback\"}")
                .when().put("/api/services/inside-" + ChangesTest.unique()).then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("rollbackHook"));
    }

    /**
     * A hook that redirects is not followed (a redirect could point anywhere, inside the network too): its answer is
     * what goes on the timeline. A service without a hook is a 409 that sends nothing.
     */
    @Test
    void aRollbackHookThatRedirectsIsNotFollowedAndAServiceWithoutOneIsRefused() throws Exception {
        try (RecordingReceiver pipeline = RecordingReceiver.start()) {
            pipeline.script("/moved", 302);
            pipeline.answerHeader("/moved", "Location", pipeline.url("/elsewhere"));
            String hooked = "redirected-" + ChangesTest.unique();
            ChangesTest.service(hooked, "{\"team\": \"payments\", \"rollbackHook\": \"" + pipeline.url("/moved") + "\"}");
            String unhooked = "unhooked-" + ChangesTest.unique();
            ChangesTest.service(unhooked, "{\"team\": \"payments\"}");
            String responder = "Bearer " + TestTokens.token("rita", TestTokens.RESPONDER);
            for (String service : List.of(hooked, unhooked)) {
                var answer = given().header("Authorization", responder)
                        .when().post(causedDeployRollback(service, "v7")).then();
                if (service.equals(hooked)) {
                    answer.statusCode(200).body("status", equalTo(302)).body("outcome", equalTo("refused with 302"));
                } else {
                    answer.statusCode(409).contentType("application/problem+json");
                }
            }
            assertEquals(1, pipeline.received(r -> true).size(), "one request, to the hook itself");
            assertEquals(0, pipeline.received(r -> r.path().equals("/elsewhere")).size());
        }
    }

    /**
     * A hook that takes the request and never answers holds the responder no longer than the deadline
     * ({@code daff.changes.rollback-hook-deadline}, 2 s in tests): the answer and the timeline say it did not answer.
     * So does one that answers its headers at once and then trickles its body (the request's own timeout ends at the
     * headers: the responder's thread was held for as long as the body took, here 20 s, and told "answered 200").
     */
    @Test
    void aRollbackHookThatNeverAnswersIsGivenUpAtTheDeadline() throws Exception {
        java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        com.sun.net.httpserver.HttpServer hanging = com.sun.net.httpserver.HttpServer
                .create(new java.net.InetSocketAddress("localhost", 0), 0);
        hanging.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        hanging.createContext("/rollback", exchange -> {
            asked.incrementAndGet();
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        hanging.createContext("/trickle", exchange -> {
            asked.incrementAndGet();
            exchange.sendResponseHeaders(200, 0);
            try (java.io.OutputStream body = exchange.getResponseBody()) {
                for (int second = 0; second < 40 && !released.await(500, java.util.concurrent.TimeUnit.MILLISECONDS); second++) {
                    body.write(' ');
                    body.flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.io.IOException e) {
                // daff gave up and closed the exchange
            }
        });
        hanging.start();
        try {
            for (String path : List.of("/rollback", "/trickle")) {
                String service = "hanging-" + ChangesTest.unique();
                ChangesTest.service(service, "{\"team\": \"payments\", \"rollbackHook\": \"http://localhost:"
                        + hanging.getAddress().getPort() + path + "\"}");
                String rollback = causedDeployRollback(service, "v8");
                given().header("Authorization", "Bearer " + TestTokens.token("rita", TestTokens.RESPONDER))
                        .when().post(rollback).then().statusCode(200).body("status", nullValue())
                        .body("outcome", equalTo("did not answer (timeout)"));
                given().when().get(rollback.replaceFirst("/changes/.*", "/timeline")).then().statusCode(200)
                        .body("find { it.kind == 'ROLLBACK_REQUESTED' }.text", endsWith(
                                " on " + service + " requested: the hook did not answer (timeout)"));
            }
            assertEquals(2, asked.get(), "the hooks had the requests");
        } finally {
            released.countDown();
            hanging.stop(0);
        }
    }

    /**
     * A hook whose name server does not answer: the JDK's resolver has no timeout, so the request waited as long as the
     * system's resolver did. It answers 503 rollback-hook-unresolved at the deadline, sends nothing and records nothing,
     * and works again once the name server answers.
     */
    @Test
    void aRollbackHookWhoseNameServerDoesNotAnswerIs503AndNothingIsSent() throws Exception {
        try (RecordingReceiver pipeline = RecordingReceiver.start()) {
            String service = "unresolved-" + ChangesTest.unique();
            ChangesTest.service(service, "{\"team\": \"payments\", \"rollbackHook\": \"http://hook.dns.test:"
                    + java.net.URI.create(pipeline.url("/rollback")).getPort() + "/rollback\"}");
            String rollback = causedDeployRollback(service, "v9");
            String timeline = rollback.replaceFirst("/changes/.*", "/timeline");
            dev.daff.localinfra.SilentNameServers.silence("hook.dns.test");
            try {
                given().header("Authorization", "Bearer " + TestTokens.token("rita", TestTokens.RESPONDER))
                        .when().post(rollback).then().statusCode(503).contentType("application/problem+json")
                        .header("Retry-After", "5")
                        .body("type", containsString("rollback-hook-unresolved"))
                        .body("detail", containsString("nothing was sent"));
            } finally {
                dev.daff.localinfra.SilentNameServers.answerAgain();
            }
            given().when().get(timeline).then().statusCode(200)
                    .body("findAll { it.kind == 'ROLLBACK_REQUESTED' }", hasSize(0));
            assertEquals(List.of(), pipeline.received(any -> true), "nothing was sent");
        }
    }

    /**
     * A DEPLOY of {@code ref} on {@code service} ten minutes before an incident's impact, linked to it as CAUSED; answers
     * the path that fires its rollback hook.
     */
    private static String causedDeployRollback(String service, String ref) {
        Instant impact = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(5));
        String change = given().header("Authorization", "Bearer " + PIPELINE).contentType(ContentType.JSON)
                .body(ChangesTest.changeJson(service, "DEPLOY", ref, impact.minus(Duration.ofMinutes(10)), null,
                        "production"))
                .when().post("/api/changes").then().statusCode(201).extract().path("change.id");
        String incident = ChangesTest.incident(service, impact, impact.plusSeconds(60));
        given().contentType(ContentType.JSON).body("{\"role\": \"CAUSED\"}")
                .when().post("/api/incidents/" + incident + "/changes/" + change).then().statusCode(200);
        return "/api/incidents/" + incident + "/changes/" + change + "/rollback";
    }

    /** The README's pipeline step ({@code deploy/ci/daff-gate.sh}) against this service: BLOCK fails the job. */
    @Test
    void thePipelineStepFailsOnBlockPrintsTheReasonsAndPassesOnceOverridden() throws Exception {
        String service = "gated-" + ChangesTest.unique();
        publishBudget(service, 0.01, 1, 0, Instant.now());
        awaitDecision(service, "production", "BLOCK");
        Gate blocked = gate(service);
        assertEquals(1, blocked.exit(), blocked.output());
        assertTrue(blocked.output().contains("daff deploy gate: BLOCK for " + service + " in production"), blocked.output());
        assertTrue(blocked.output().contains("  BLOCK BUDGET_EXHAUSTED: SLO " + service + "-availability"), blocked.output());

        java.util.regex.Matcher decision = java.util.regex.Pattern.compile("\\(decision ([0-9a-f-]{36})\\)").matcher(blocked.output());
        assertTrue(decision.find(), blocked.output());
        String id = decision.group(1);
        asAdmin().body("{\"reason\": \"the fix for the burn itself\"}").when().post("/api/deploy-decisions/" + id + "/override")
                .then().statusCode(200);
        String ref = given().queryParam("service", service).when().get("/api/deploy-decisions").then()
                .extract().path("find { it.decisionId == '" + id + "' }.ref");
        assertEquals("abc1234", ref, "the script sends GIT_SHA as the ref");
        Gate overridden = gate(service);
        assertEquals(0, overridden.exit(), "the admin's override holds for the same service, environment and ref: "
                + overridden.output());
        assertTrue(overridden.output().contains("daff deploy gate: BLOCK for " + service), overridden.output());
        assertTrue(overridden.output().contains("overridden by ada: the fix for the burn itself"), overridden.output());
        GIT_SHA_OTHER.set("def5678");
        try {
            assertEquals(1, gate(service).exit(), "another ref is not overridden");
        } finally {
            GIT_SHA_OTHER.set(null);
        }
        // The override covered the burnt budget the admin saw, not a freeze declared after it.
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String freeze = "freeze-" + ChangesTest.unique();
        asAdmin().body(freezeJson(freeze, now.minusSeconds(60), now.plusSeconds(3600), service))
                .when().put("/api/freezes").then().statusCode(201);
        try {
            Gate frozen = gate(service);
            assertEquals(1, frozen.exit(), frozen.output());
            assertTrue(frozen.output().contains("BLOCK FREEZE"), frozen.output());
        } finally {
            asAdmin().when().delete("/api/freezes/" + freeze).then().statusCode(204);
        }
        assertEquals(0, gate(service).exit(), "once the freeze is lifted, the override holds again");

        // asked once more, not five times: the retry itself is thePipelineStepAsksAgainWhenTheGateIsBrieflyUnavailable
        Gate unreachable = gate(service, "http://localhost:1", java.util.Map.of("DAFF_GATE_RETRIES", "1"));
        assertEquals(2, unreachable.exit(), unreachable.output());
        Gate failOpen = gate(service, "http://localhost:1", java.util.Map.of("DAFF_GATE_FAIL_OPEN", "1",
                "DAFF_GATE_RETRIES", "1"));
        assertEquals(0, failOpen.exit(), "a team that would rather ship than wait: " + failOpen.output());
        assertTrue(failOpen.output().contains("could not ask"), failOpen.output());
    }

    /**
     * A rolling update or a database restart answers 503 for a moment: the pipeline step asks again rather than fail
     * the deploy (or, failing open, let it through unasked). The gate here answers 503 once, then passes the call on.
     */
    @Test
    void thePipelineStepAsksAgainWhenTheGateIsBrieflyUnavailable() throws Exception {
        String service = "retried-" + ChangesTest.unique();
        catalogued(service);
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        com.sun.net.httpserver.HttpServer briefly = com.sun.net.httpserver.HttpServer
                .create(new java.net.InetSocketAddress("localhost", 0), 0);
        briefly.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status;
            byte[] answer;
            if (asked.incrementAndGet() == 1) {
                status = 503;
                answer = "{\"status\":503,\"title\":\"Service Unavailable\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            } else {
                try {
                    java.net.http.HttpResponse<byte[]> passed = http.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://localhost:" + io.restassured.RestAssured.port + exchange.getRequestURI()))
                            .header("Authorization", exchange.getRequestHeaders().getFirst("Authorization"))
                            .header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                    status = passed.statusCode();
                    answer = passed.body();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    status = 502;
                    answer = new byte[0];
                }
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        briefly.start();
        try {
            Gate gate = gate(service, "http://localhost:" + briefly.getAddress().getPort(), java.util.Map.of());
            assertEquals(0, gate.exit(), gate.output());
            assertTrue(gate.output().contains("daff deploy gate: ALLOW for " + service), gate.output());
            assertEquals(2, asked.get());
        } finally {
            briefly.stop(0);
        }
        given().queryParam("service", service).when().get("/api/deploy-decisions").then().statusCode(200)
                .body("", hasSize(1));
    }

    /**
     * Only a decision passes the pipeline step: a redirect with an empty body (an ingress sending http to https), a 200
     * without a decision, and a refusal (an expired token) each fail the job, failing open too, which is for a gate
     * that cannot be asked, not one that refuses the question. Before, each exited 0: the deploy went out unasked.
     */
    @Test
    void thePipelineStepPassesOnlyOnADecision() throws Exception {
        String service = "undecided-" + ChangesTest.unique();
        com.sun.net.httpserver.HttpServer stub = com.sun.net.httpserver.HttpServer
                .create(new java.net.InetSocketAddress("localhost", 0), 0);
        stub.createContext("/moved", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Location", "https://gate.example/api/deploy-decisions");
            exchange.sendResponseHeaders(301, -1);
            exchange.close();
        });
        stub.createContext("/undecided", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] answer = "{\"decision\": \"BLOCK\", \"reasons\": []}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        stub.start();
        try {
            String base = "http://localhost:" + stub.getAddress().getPort();
            for (String url : List.of(base + "/moved", base + "/undecided")) {
                Gate gate = gate(service, url, java.util.Map.of("DAFF_GATE_FAIL_OPEN", "1"));
                assertEquals(2, gate.exit(), url + ": " + gate.output());
            }
        } finally {
            stub.stop(0);
        }
        Gate refused = gate(service, "http://localhost:" + io.restassured.RestAssured.port,
                java.util.Map.of("DAFF_TOKEN", "expired", "DAFF_GATE_FAIL_OPEN", "1"));
        assertEquals(2, refused.exit(), refused.output());
        assertTrue(refused.output().contains("refused the question (HTTP 401)"), refused.output());
        given().queryParam("service", service).when().get("/api/deploy-decisions").then().statusCode(200)
                .body("", hasSize(0)); // refused, nothing was decided for it
        assertEquals(0, gate(service).exit(), "and the next caller, with a good token, is answered");
    }

    /**
     * A budget snapshot whose service is written with a no-break space after it counts for the service, as incidents
     * and freezes do, and so does an environment written so. Before, the budget matched no deploy (ALLOW), and
     * "production" with the space got the default limits (WARN at 15 % where production blocks).
     */
    @Test
    void aBudgetOrEnvironmentWrittenWithSurroundingBlanksCountsForItsName() {
        String service = "spaced-" + ChangesTest.unique();
        KafkaTestClient.send(kafka(), Topics.SLO_BUDGETS, service + "-availability", """
                {"eventId": "%s", "type": "SloBudgetSnapshot", "version": 1, "occurredAt": "%s",
                 "slo": "%s-availability", "service": "%s\\u00a0", "team": "payments", "objective": 99.9,
                 "budgetRemaining": 0.15, "burnRateOneHour": 1.0, "burnRateSixHours": 1.0, "pageFiring": false,
                 "unacknowledgedPages": 0}
                """.formatted(UUID.randomUUID(), Instant.now(), service, service));
        awaitDecision(service, "production", "BLOCK");
        assertEquals("BLOCK", decide(service, "production\u00a0").getString("decision"));
    }

    record Gate(int exit, String output) {
    }

    private static final java.util.concurrent.atomic.AtomicReference<String> GIT_SHA_OTHER = new java.util.concurrent.atomic.AtomicReference<>();

    static Gate gate(String service) throws Exception {
        return gate(service, "http://localhost:" + io.restassured.RestAssured.port, java.util.Map.of());
    }

    static Gate gate(String service, String url, java.util.Map<String, String> extraEnvironment) throws Exception {
        ProcessBuilder script = new ProcessBuilder("sh", java.nio.file.Path.of("../deploy/ci/daff-gate.sh").toAbsolutePath().toString())
                .redirectErrorStream(true);
        script.environment().putAll(java.util.Map.of("DAFF_URL", url, "DAFF_TOKEN", PIPELINE, "SERVICE", service,
                "GIT_SHA", GIT_SHA_OTHER.get() == null ? "abc1234" : GIT_SHA_OTHER.get(), "GIT_AUTHOR", "dev"));
        script.environment().putAll(extraEnvironment);
        Process running = script.start();
        String output = new String(running.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        return new Gate(running.waitFor(), output);
    }

    @Test
    void badRequestsAreRefusedAndStoreNothing() {
        String service = "refused-" + ChangesTest.unique();
        for (String body : List.of("{}", "{\"service\": \"" + service + "\", \"environment\": \"production\"}",
                "{\"service\": \"" + service + "\", \"environment\": \"production\", \"kind\": \"YOLO\"}",
                "{\"service\": \"" + "x".repeat(201) + "\", \"environment\": \"production\", \"kind\": \"DEPLOY\"}")) {
            given().header("Authorization", "Bearer " + PIPELINE).contentType(ContentType.JSON).body(body)
                    .when().post("/api/deploy-decisions").then().statusCode(400).contentType("application/problem+json");
        }
        given().queryParam("service", service).when().get("/api/deploy-decisions").then().statusCode(200).body("", hasSize(0));
        given().header("Authorization", "Bearer " + TestTokens.token("reader", TestTokens.VIEWER)).contentType(ContentType.JSON)
                .body("{\"service\": \"" + service + "\", \"environment\": \"production\", \"kind\": \"DEPLOY\"}")
                .when().post("/api/deploy-decisions").then().statusCode(403);
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /** A snapshot as a producer that does not say how far its counts are behind sends it. */
    /** In the catalog, so that the gate does not warn of a name it lacks. */
    static void catalogued(String service) {
        ChangesTest.service(service, "{\"team\": \"payments\"}");
    }

    static void publishBudget(String service, double remaining, double burnOneHour, int unacknowledged, Instant at) {
        publishBudget(service, remaining, burnOneHour, unacknowledged, at, null);
    }

    static void publishBudget(String service, double remaining, double burnOneHour, int unacknowledged, Instant at,
            Instant countedUpTo) {
        KafkaTestClient.send(kafka(), Topics.SLO_BUDGETS, service + "-availability", """
                {"eventId": "%s", "type": "SloBudgetSnapshot", "version": 1, "occurredAt": "%s",
                 "slo": "%s-availability", "service": "%s", "team": "payments", "objective": 99.9,
                 "budgetRemaining": %s, "burnRateOneHour": %s, "burnRateSixHours": 1.0, "pageFiring": false,
                 "unacknowledgedPages": %d%s}
                """.formatted(UUID.randomUUID(), at, service, service, remaining, burnOneHour, unacknowledged,
                countedUpTo == null ? "" : ", \"countedUpTo\": \"" + countedUpTo + "\""));
    }

    static JsonPath decide(String service, String environment) {
        return decide(service, environment, "v2.0.1");
    }

    static JsonPath decide(String service, String environment, String ref) {
        return given().header("Authorization", "Bearer " + PIPELINE).contentType(ContentType.JSON)
                .body("{\"service\": \"" + service + "\", \"environment\": \"" + environment
                        + "\", \"kind\": \"DEPLOY\", \"ref\": " + (ref == null ? "null" : "\"" + ref + "\"")
                        + ", \"author\": \"dev\"}")
                .when().post("/api/deploy-decisions").then().statusCode(201).contentType(ContentType.JSON)
                .extract().jsonPath();
    }

    /** Decides until the service's budget snapshot has been consumed (a reason names it) and the decision is expected. */
    static JsonPath awaitDecision(String service, String environment, String expected) {
        JsonPath[] last = new JsonPath[1];
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
            last[0] = decide(service, environment);
            return last[0].getString("decision").equals(expected) && !about(last[0], service).isEmpty();
        });
        return last[0];
    }

    /** "SEVERITY CODE" of the reasons, in order, whose text names any of {@code names}. */
    static List<String> about(JsonPath decision, String... names) {
        return decision.getList("reasons", java.util.Map.class).stream()
                .filter(reason -> java.util.Arrays.stream(names).anyMatch(name -> ((String) reason.get("text")).contains(name)))
                .map(reason -> reason.get("severity") + " " + reason.get("code")).toList();
    }

    static String freezeJson(String id, Instant start, Instant end, String service) {
        return "{\"id\": \"" + id + "\", \"start\": \"" + start + "\", \"end\": \"" + end + "\", \"services\": [\""
                + service + "\"], \"reason\": \"peak trading\"}";
    }

    private static RequestSpecification asAdmin() {
        return given().header("Authorization", "Bearer " + ADMIN).contentType(ContentType.JSON);
    }

    private static String kafka() {
        return RealInfrastructureResource.kafka().bootstrapServers();
    }
}
