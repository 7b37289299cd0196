package dev.daff.incident;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.localinfra.ApiSecurityWalker;
import dev.daff.localinfra.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class ApiSecurityTest {

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    @Test
    void everyOperationNeedsAValidTokenWithAListedRole() throws Exception {
        ApiSecurityWalker.Report report = TestTokens.walkApi(base.toString());
        assertEquals(List.of(), report.problems());
        assertTrue(report.operations() >= 8, "walked " + report.operations() + " operations");
    }

    @Test
    void timelineActorIsTheTokensUserAndABodyClaimingOneIsRefused() {
        String id = IncidentLifecycleTest.open(IncidentLifecycleTest.CHECKOUT_DOWN);
        var alice = given().header("Authorization", "Bearer " + TestTokens.token("alice", TestTokens.RESPONDER))
                .contentType(ContentType.JSON);
        alice.body("{\"phase\": \"ANALYSE\", \"text\": \"DNS in one zone\", \"actor\": \"mallory\"}")
                .when().post("/api/incidents/" + id + "/timeline")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("actor"));
        alice.body("{\"phase\": \"ANALYSE\", \"text\": \"DNS in one zone\"}")
                .when().post("/api/incidents/" + id + "/timeline")
                .then().statusCode(201).body("actor", equalTo("alice"));
        var bob = given().header("Authorization", "Bearer " + TestTokens.token("bob", TestTokens.RESPONDER))
                .contentType(ContentType.JSON);
        bob.body("{\"to\": \"ANALYSING\", \"actor\": \"mallory\"}")
                .when().post("/api/incidents/" + id + "/transitions").then().statusCode(400);
        bob.body("{\"to\": \"ANALYSING\"}").when().post("/api/incidents/" + id + "/transitions").then().statusCode(200);
        given().when().get("/api/incidents/" + id + "/timeline").then().statusCode(200)
                .body("actor", org.hamcrest.Matchers.contains("tester", "alice", "bob"));
    }

    @Test
    void oversizedBodyIs413ProblemJson() {
        String huge = "{\"title\": \"" + "x".repeat(1_100_000) + "\"}";
        given().contentType(ContentType.JSON).body(huge).when().post("/api/incidents")
                .then().statusCode(413).contentType("application/problem+json");
    }

    @Test
    void overlongStringsAreRefused() {
        given().contentType(ContentType.JSON)
                .body(IncidentLifecycleTest.CHECKOUT_DOWN.replace("Checkout errors in eu-west-1c", "x".repeat(201)))
                .when().post("/api/incidents")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("title"));
    }
}
