package dev.daff.incident;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.localinfra.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class AlertmanagerWebhookTest {

    static final String STARTED = Instant.now().minusSeconds(300).toString();

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    static String notification(String groupKey, String status, String service, String severity) {
        return """
                {"version": "4", "groupKey": "%s", "status": "%s", "receiver": "daff", "truncatedAlerts": 0,
                 "groupLabels": {"alertname": "HighErrorRate"}, "commonLabels": {"team": "edge"},
                 "commonAnnotations": {}, "externalURL": "http://alertmanager:9093",
                 "alerts": [{"status": "%s", "labels": {"alertname": "HighErrorRate", "service": "%s", "severity": "%s"},
                             "annotations": {"summary": "5xx above 5 %% in eu-west-1c"}, "startsAt": "%s",
                             "endsAt": "%s", "generatorURL": "http://prometheus/graph", "fingerprint": "f00d"}]}
                """.formatted(groupKey, status, status, service, severity, STARTED,
                status.equals("resolved") ? Instant.now().toString() : "0001-01-01T00:00:00Z");
    }

    static String post(String body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/api/integrations/alertmanager")
                .then().log().ifValidationFails().statusCode(200).extract().path("incidentId");
    }

    @Test
    void criticalFiringOpensAnIncidentRepeatsChangeNothingAndResolvedAddsAnEntry() {
        String service = "gateway-" + UUID.randomUUID().toString().substring(0, 8);
        // As Alertmanager sends it: the group key's quotes escaped inside the JSON string.
        String groupKey = "{}:{alertname=\\\"HighErrorRate\\\", service=\\\"" + service + "\\\"}";
        String id = post(notification(groupKey, "firing", service, "critical"));
        post(notification(groupKey, "firing", service, "critical"));
        String again = post(notification(groupKey, "resolved", service, "critical"));
        org.junit.jupiter.api.Assertions.assertEquals(id, again);

        given().when().get("/api/incidents/" + id).then().statusCode(200)
                .body("detectionSource", equalTo("ALERTMANAGER"))
                .body("services", contains(service))
                .body("team", equalTo("edge"))
                .body("impactStartedAt", notNullValue());
        given().when().get("/api/incidents/" + id + "/timeline").then().statusCode(200)
                // The alert started five minutes before daff heard of it: the timeline tells it in that order.
                .body("kind", contains("ALERT_FIRED", "OPENED", "ALERT_RESOLVED"))
                .body("[0].text", equalTo("Alert fired: HighErrorRate on " + service + " — 5xx above 5 % in eu-west-1c"));
    }

    @Test
    void aWarningAloneOpensNothing() {
        String service = "batch-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON).body(notification("{}:{warn=" + service + "}", "firing", service, "warning"))
                .when().post("/api/integrations/alertmanager")
                .then().statusCode(200).body("incidentId", nullValue()).body("timelineEntries", equalTo(0));
        given().queryParam("service", service).when().get("/api/incidents").then().body("items", hasSize(0));
    }

    @Test
    void malformedBodiesAre400AndStoreNothing() {
        String service = "broken-" + UUID.randomUUID().toString().substring(0, 8);
        String good = notification("{}:{broken=" + service + "}", "firing", service, "critical");
        for (String bad : new String[] { good.replace("\"version\": \"4\"", "\"version\": \"3\""),
                "{\"version\": \"4\", \"groupKey\": \"g\", \"status\": \"firing\", \"alerts\": []}",
                good.replace("\"startsAt\": \"" + STARTED + "\"", "\"startsAt\": \"yesterday\""),
                "{\"version\": \"4\", " }) {
            given().contentType(ContentType.JSON).body(bad).when().post("/api/integrations/alertmanager")
                    .then().statusCode(400).contentType("application/problem+json");
        }
        given().queryParam("service", service).when().get("/api/incidents").then().body("items", hasSize(0));
    }
}
