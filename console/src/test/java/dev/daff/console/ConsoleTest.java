package dev.daff.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ConsoleTest {

    @Test
    void servesThePageItsScriptAndEChartsFromTheWebjar() {
        given().when().get("/").then().statusCode(200).body(containsString("daff console"))
                .header("Content-Security-Policy", containsString("default-src 'self'"));
        given().when().get("/console.js").then().statusCode(200).body(containsString("function route"));
        given().when().get("/webjars/echarts/5.3.1/dist/echarts.min.js").then().statusCode(200);
    }

    @Test
    void theLocalRolePickerReadsTheDevelopmentTokensFile() {
        given().when().get("/dev/tokens").then().statusCode(200)
                .body("'daff-responder'", equalTo("responder-token"));
    }

    @Test
    void onlyTheThreeServicesAreForwardedAndAnUnreachableOneIs502ProblemJson() {
        given().when().get("/api/billing/anything").then().statusCode(404).contentType("application/problem+json");
        given().when().get("/api/slo/admin/dead-letters").then().statusCode(404).contentType("application/problem+json");
        given().when().get("/api/incident/audit").then().statusCode(404).contentType("application/problem+json");
        given().header("Authorization", "Bearer x").when().get("/api/action/actions").then().statusCode(502)
                .contentType("application/problem+json").body("type", containsString("upstream-unavailable"));
    }

    @Test
    void withoutAProviderTheSignInOptionsAreTheRolePickerAndNoCodeFlow() {
        given().when().get("/sign-in/options").then().statusCode(200).body("oidc", equalTo(false))
                .body("devTokens", equalTo(true));
        given().redirects().follow(false).when().get("/sign-in/oidc").then().statusCode(401);
    }

    @Test
    void healthIsUpWithoutAnyService() {
        given().when().get("/q/health/ready").then().statusCode(200);
    }
}
