package dev.daff.incident;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.events.Topics;
import dev.daff.localinfra.KafkaTestClient;
import dev.daff.localinfra.RealInfrastructureResource;
import dev.daff.localinfra.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class WashupTest {

    static final String FULL_WASHUP = """
            {"summary": "Checkout failed for 40 minutes", "impact": "12% of orders failed",
             "trigger": "pool size config change", "rootCause": "connection pool too small for the new retry policy",
             "whys": ["pool exhausted", "retries doubled connections"],
             "oneMoreWhy": "pool size is copied by hand into every service; it should come from one place",
             "wentWell": ["rollback took 3 minutes"], "wentWrong": ["alert fired late"], "gotLucky": ["low traffic"],
             "detection": "SLO burn page after 12 minutes"}
            """;

    @BeforeAll
    static void auth() {
        TestTokens.authenticateEveryRequest();
    }

    static void review(String id, int status) {
        given().contentType(ContentType.JSON).body("{\"reviewedBy\": \"payments washup\"}")
                .when().post("/api/incidents/" + id + "/washup/review").then().statusCode(status);
    }

    @Test
    void reviewIsRefusedListingWhatIsMissingUntilResolvedAndComplete() {
        String id = IncidentLifecycleTest.open(IncidentLifecycleTest.CHECKOUT_DOWN);
        given().contentType(ContentType.JSON).body("{}").when().post("/api/incidents/" + id + "/washup/review")
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", containsString("washup-incomplete"))
                .body("missing", contains("status", "washup", "rootCause", "oneMoreWhy", "cause.class"))
                .body("detail", containsString("must be RESOLVED (it is DISCOVERED)"));

        given().contentType(ContentType.JSON).body("{\"rootCause\": \"pool too small\"}")
                .when().put("/api/incidents/" + id + "/washup").then().statusCode(200)
                .body("status", equalTo("DRAFT"))
                .body("missingForReview", contains("status", "oneMoreWhy", "cause.class"));
        given().contentType(ContentType.JSON).body("{\"class\": \"CHANGE\", \"seams\": [\"CONFIG\"], \"summary\": \"our change\"}")
                .when().put("/api/incidents/" + id + "/cause").then().statusCode(200)
                .body("class", equalTo("CHANGE")).body("seams", contains("CONFIG"));
        given().contentType(ContentType.JSON).body("{}").when().post("/api/incidents/" + id + "/washup/review")
                .then().statusCode(409).body("missing", contains("status", "oneMoreWhy"));

        IncidentLifecycleTest.move(id, "ANALYSING");
        IncidentLifecycleTest.move(id, "FIXING");
        IncidentLifecycleTest.move(id, "RESOLVED");
        given().contentType(ContentType.JSON).body("{\"rootCause\": \"pool too small\", \"oneMoreWhy\": \"  \"}")
                .when().put("/api/incidents/" + id + "/washup").then().statusCode(200);
        given().contentType(ContentType.JSON).body("{}").when().post("/api/incidents/" + id + "/washup/review")
                .then().statusCode(409).body("missing", contains("oneMoreWhy"));
        given().contentType(ContentType.JSON).body(FULL_WASHUP)
                .when().put("/api/incidents/" + id + "/washup").then().statusCode(200).body("missingForReview", empty());

        given().contentType(ContentType.JSON).body("{\"reviewedBy\": \"payments washup\"}")
                .when().post("/api/incidents/" + id + "/washup/review").then().statusCode(200)
                .body("status", equalTo("REVIEWED")).body("reviewedBy", equalTo("payments washup"))
                .body("reviewedAt", org.hamcrest.Matchers.notNullValue());
        review(id, 409);
        given().contentType(ContentType.JSON).body(FULL_WASHUP).when().put("/api/incidents/" + id + "/washup")
                .then().statusCode(409).body("type", containsString("washup-reviewed"));
        given().when().get("/api/incidents/" + id + "/timeline").then().statusCode(200)
                .body("kind", hasItems("CAUSE_SET", "WASHUP_UPDATED", "WASHUP_REVIEWED"))
                .body("find { it.kind == 'CAUSE_SET' }.text", equalTo("Cause: CHANGE at the CONFIG seam: our change"))
                .body("find { it.kind == 'WASHUP_REVIEWED' }.text", equalTo("Washup reviewed by payments washup"));

        List<ConsumerRecord<String, String>> reviewed = KafkaTestClient.read(
                RealInfrastructureResource.kafka().bootstrapServers(), Topics.INCIDENT_EVENTS,
                r -> id.equals(r.key()) && r.value().contains("\"type\":\"WashupReviewed\""), 1, Duration.ofSeconds(20));
        assertEquals(1, reviewed.size());
        org.hamcrest.MatcherAssert.assertThat(reviewed.get(0).value(), containsString("\"status\":\"RESOLVED\""));
    }

    @Test
    void badCauseClassesAndSeamsAre400() {
        String id = IncidentLifecycleTest.open(IncidentLifecycleTest.CHECKOUT_DOWN);
        given().contentType(ContentType.JSON).body("{\"class\": \"ACTS_OF_GOD\"}")
                .when().put("/api/incidents/" + id + "/cause").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("class"));
        given().contentType(ContentType.JSON).body("{\"class\": \"CHANGE\", \"seams\": [\"VIBES\"]}")
                .when().put("/api/incidents/" + id + "/cause").then().statusCode(400)
                .body("errors[0].field", equalTo("seams[0]"));
        given().contentType(ContentType.JSON).body("{\"seams\": [\"DATA\"]}")
                .when().put("/api/incidents/" + id + "/cause").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"whys\": [\"\"]}")
                .when().put("/api/incidents/" + id + "/washup").then().statusCode(400);
        given().when().get("/api/incidents/" + id + "/cause").then().statusCode(404);
        given().contentType(ContentType.JSON).body("{\"class\": \"UNKNOWN\"}")
                .when().put("/api/incidents/" + java.util.UUID.randomUUID() + "/cause").then().statusCode(404);
    }

    @Test
    void washupMarkdownHoldsTheWholeRecord() {
        String u = "-" + ChangesTest.unique();
        ChangesTest.service("orders" + u, "{\"team\": \"payments\"}");
        Instant impact = Instant.parse("2022-02-02T10:00:00Z");
        String change = ChangesTest.register("orders" + u, "CONFIG", "pool size 5", impact.minus(Duration.ofMinutes(50)),
                null).getString("change.id");
        String id = ChangesTest.incident("orders" + u, impact, impact.plus(Duration.ofMinutes(12)));
        given().contentType(ContentType.JSON).body("{\"role\": \"CAUSED\"}")
                .when().post("/api/incidents/" + id + "/changes/" + change).then().statusCode(200);
        given().contentType(ContentType.JSON).body("{\"class\": \"CHANGE\", \"seams\": [\"CONFIG\", \"DEPLOYMENT\"]}")
                .when().put("/api/incidents/" + id + "/cause").then().statusCode(200);
        given().contentType(ContentType.JSON).body(FULL_WASHUP)
                .when().put("/api/incidents/" + id + "/washup").then().statusCode(200);

        String markdown = given().when().get("/api/incidents/" + id + "/washup.md").then().statusCode(200)
                .contentType(startsWith("text/markdown")).extract().asString();
        for (String expected : List.of("# SEV2: trouble on orders" + u, "- Detected: 2022-02-02T10:12:00Z (+12 min)",
                "- **Class:** CHANGE", "- **Seams:** CONFIG, DEPLOYMENT", "_No follow-up actions reported yet._",
                "- **CAUSED:** CONFIG on orders" + u + ": pool size 5",
                "- CONFIG on orders" + u + ", an affected service, 50 min before impact: pool size 5",
                "### Root cause\n\nconnection pool too small for the new retry policy",
                "### Whys\n\n1. pool exhausted\n2. retries doubled connections",
                "### One more why", "### Where we got lucky\n\n- low traffic",
                "_Missing before review: status._", "## Timeline", "CHANGE_LINKED")) {
            org.hamcrest.MatcherAssert.assertThat(markdown, containsString(expected));
        }
    }
}
