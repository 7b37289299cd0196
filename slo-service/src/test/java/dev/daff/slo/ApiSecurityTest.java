package dev.daff.slo;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;

import org.junit.jupiter.api.Test;

import dev.daff.localinfra.ApiSecurityWalker;
import dev.daff.localinfra.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class ApiSecurityTest {

    @org.junit.jupiter.api.BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    @TestHTTPResource("/")
    URL base;

    @Test
    void everyOperationNeedsAValidTokenWithAListedRole() throws Exception {
        ApiSecurityWalker.Report report = TestTokens.walkApi(base.toString());
        assertEquals(java.util.List.of(), report.problems());
        assertTrue(report.operations() >= 7, "walked " + report.operations() + " operations");
    }

    @Test
    void bodiesOverOneMebibyteAre413ProblemJson() {
        String huge = "[" + "{\"good\": 1, \"total\": 1},".repeat(60_000) + "{\"good\": 1, \"total\": 1}]";
        given().contentType(ContentType.JSON).body(huge)
                .when().post("/api/slos/anything/events")
                .then().statusCode(413).contentType("application/problem+json").body("status", equalTo(413));
    }

    @Test
    void batchesOverTenThousandObservationsAre413() {
        given().contentType(ContentType.JSON).body(SloIngestTest.slo("big-batch")).when().post("/api/slos").then().statusCode(201);
        String batch = "[" + "{\"good\":1,\"total\":1},".repeat(10_000) + "{\"good\":1,\"total\":1}]";
        given().contentType(ContentType.JSON).body(batch)
                .when().post("/api/slos/big-batch/events")
                .then().statusCode(413).contentType("application/problem+json");
        given().when().get("/api/slos/big-batch/status").then().statusCode(200).body("events.total", equalTo(0));
    }
}
