package dev.daff.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(RecordingService.class)
class ConsoleTest {

    /** The JDK's client sends a path exactly as written: no dot-segment removal, no re-encoding. */
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/")
    URI root;

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
        // A page whose name was rebound to 127.0.0.1 (DNS rebinding) asks with its own name: no tokens.
        given().header("Host", "attacker.example:8084").when().get("/dev/tokens").then().statusCode(403)
                .contentType("application/problem+json").body(not(containsString("responder-token")));
        given().header("Host", "127.0.0.1:8084").when().get("/dev/tokens").then().statusCode(200);
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

    /** The signed-in flow and its end are in e2e's ConsoleIT, against a real provider; here what holds without one. */
    @Test
    void signingOutNeedsTheConsolesHeaderAndWithoutASessionHasNothingToEnd() {
        given().when().post("/sign-out").then().statusCode(403).contentType("application/problem+json")
                .body("detail", containsString("X-Daff-Console"));
        given().header("X-Daff-Console", "1").when().post("/sign-out").then().statusCode(200).body(equalTo("{}"));
    }

    /** Where quarkus-oidc sends a session the provider no longer renews: the page's call is told, a page load goes on. */
    @Test
    void anEndedSessionIsTold401ToThePagesCallsAndSendsAPageLoadToSignIn() {
        given().accept("application/json").when().get("/sign-in/expired").then().statusCode(401)
                .contentType("application/problem+json").body("type", containsString("session-ended"));
        given().accept("text/html,application/xhtml+xml,*/*;q=0.8").redirects().follow(false).when()
                .get("/sign-in/expired").then().statusCode(303).header("Location", containsString("/#/session-ended"));
    }

    @Test
    void healthIsUpWithoutAnyService() {
        given().when().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void anAddressThatIsNotAValidUriIs400Unforwarded() throws Exception {
        // "%ZZ" is no escape: the HTTP layer answers 400 before the pass-through reads the URI (which would throw);
        // nothing is forwarded and nothing of the server's inside is told.
        RecordingService.RECEIVED.clear();
        try (java.net.Socket socket = new java.net.Socket(root.getHost(), root.getPort())) {
            socket.getOutputStream().write(("GET /api/incident/incidents?team=%ZZ HTTP/1.1\r\nHost: " + root.getHost()
                    + "\r\nAuthorization: Bearer responder-token\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(answer.lines().findFirst().orElse(""), containsString(" 400 "));
            assertThat(answer, not(containsString("Exception")));
        }
        assertThat(RecordingService.RECEIVED, equalTo(List.of()));
    }

    @Test
    void aCallIsForwardedAsItCameStillEncodedAndTheAnswerComesBack() throws Exception {
        RecordingService.RECEIVED.clear();
        HttpResponse<String> answer = send(HttpRequest
                .newBuilder(console("/api/slo/slos/a%20b%3Fc%23d/events?dryRun=true&x=%26"))
                .header("Authorization", "Bearer responder-token").header("Idempotency-Key", "key-1")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[{\"good\":1}]")));

        assertThat(answer.statusCode(), equalTo(200));
        assertThat(answer.body(), equalTo("{\"recorded\":true}"));
        assertThat(answer.headers().firstValue("X-Next-Cursor").orElse(null), equalTo("next-page"));
        assertThat(answer.headers().firstValue("Set-Cookie").isPresent(), equalTo(false));
        assertThat(RecordingService.RECEIVED, equalTo(List.of(new RecordingService.Received("POST",
                "/api/slos/a%20b%3Fc%23d/events", "dryRun=true&x=%26", "Bearer responder-token", "key-1",
                "[{\"good\":1}]"))));
    }

    /**
     * Signed in through the provider, the console adds the session's token to what it forwards: a page on another
     * site must not make the signed-in browser change anything. A change without the page's own token needs the
     * console's header, which a form or a cross-site request cannot send without the console allowing it (CORS).
     */
    @Test
    void aChangeWithoutTheConsolesHeaderOrItsOwnTokenIsRefusedUnforwarded() throws Exception {
        RecordingService.RECEIVED.clear();
        for (String method : List.of("POST", "PUT", "PATCH", "DELETE")) {
            HttpResponse<String> answer = send(HttpRequest.newBuilder(console("/api/incident/incidents/x/transitions"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .method(method, HttpRequest.BodyPublishers.ofString("to=RESOLVED")));
            assertThat(method, answer.statusCode(), equalTo(403));
            assertThat(answer.headers().firstValue("Content-Type").orElse(""), equalTo("application/problem+json"));
            assertThat(answer.body(), containsString("X-Daff-Console"));
        }
        assertThat(RecordingService.RECEIVED, equalTo(List.of()));
        HttpResponse<String> fromTheConsole = send(HttpRequest.newBuilder(console("/api/slo/slos/a/events"))
                .header("X-Daff-Console", "1").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[]")));
        assertThat(fromTheConsole.statusCode(), equalTo(200));
        assertThat(RecordingService.RECEIVED.size(), equalTo(1));
    }

    @Test
    void noDotSegmentEscapeOrMatrixParameterReachesTheAdminEndpointsOrTheAuditLog() throws Exception {
        RecordingService.RECEIVED.clear();
        for (String path : List.of("./admin/dead-letters", "%2e/admin/dead-letters", "%2E/admin/secrets",
                "slos/../admin/dead-letters", "slos/%2e%2e/admin/dead-letters", "slos%2F..%2Fadmin/secrets",
                "./audit", "Admin/dead-letters", "AUDIT", ".%2e/slo/admin", "slos/a%5C..%5Cadmin",
                // a service's router drops matrix parameters before it matches a path
                "admin;x=1/dead-letters", "audit;x=1", "admin;/secrets", "slos/..;x=1/admin/secrets", ".;/audit",
                // escaped, with a literal one elsewhere: rebuilt by Quarkus REST as "admin;", which the router drops
                "admin%3B/secrets;x", "admin%3Bx=1/dead-letters;m", "audit%3Bx;y", "admin%3b/secrets")) {
            HttpResponse<String> answer = send(HttpRequest.newBuilder(console("/api/slo/" + path))
                    .header("Authorization", "Bearer admin-token").GET());
            assertThat(path, answer.statusCode(), equalTo(404));
        }
        assertThat(RecordingService.RECEIVED, equalTo(List.of()));
    }

    /**
     * A create's Location names the console's path to what was made. Passed on as the service gave it, it named the
     * service's address inside the cluster (Quarkus makes a relative location absolute from the request's host).
     */
    @Test
    void aCreatesLocationIsTheConsolesPathToWhatWasMade() throws Exception {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(console("/api/slo/slos/made"))
                .header("Authorization", "Bearer admin-token").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(answer.statusCode(), equalTo(201));
        assertThat(answer.headers().firstValue("Location").orElse(null), equalTo("/api/slo/slos/made/x%20y?view=full"));
    }

    private URI console(String rawPathAndQuery) {
        return URI.create(root.toString().replaceAll("/+$", "") + rawPathAndQuery);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
