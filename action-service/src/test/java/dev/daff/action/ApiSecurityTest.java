package dev.daff.action;

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
        assertTrue(report.operations() >= 5, "walked " + report.operations() + " operations");
    }

    @Test
    void bodiesOverOneMebibyteAre413ProblemJsonAndNothingIsMade() {
        String team = "huge-body-team";
        String huge = "{\"title\": \"" + "x".repeat(1_100_000) + "\", \"ownerTeam\": \"" + team + "\"}";
        given().contentType(ContentType.JSON).body(huge).when().post("/api/actions")
                .then().statusCode(413).contentType("application/problem+json").body("status", equalTo(413));
        given().queryParam("ownerTeam", team).when().get("/api/actions").then().statusCode(200).body("size()", equalTo(0));
    }
}
