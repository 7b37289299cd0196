package dev.daff.incident;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.incident.alerts.AlertmanagerApi;
import dev.daff.localinfra.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class AlertmanagerWebhookTest {

    @jakarta.inject.Inject
    io.agroal.api.AgroalDataSource database;

    @jakarta.inject.Inject
    dev.daff.incident.alerts.AlertLinks links;

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

    /**
     * A group across services (Alertmanager's stock {@code group_by: [alertname]}): a paging alert of a second service
     * joins the group's incident and makes it that service's incident too, for the deploy gate and the list by service.
     */
    @Test
    void aPagingAlertOfAnotherServiceInTheGroupAddsItsServiceToTheIncident() {
        String u = UUID.randomUUID().toString().substring(0, 8);
        String groupKey = "{}:{alertname=\\\"HighErrorRate-" + u + "\\\"}";
        String id = post(notification(groupKey, "firing", "checkout-" + u, "critical"));
        String joined = post(notification(groupKey, "firing", "payments-" + u, "critical").replace("f00d", "beef"));
        org.junit.jupiter.api.Assertions.assertEquals(id, joined);
        given().when().get("/api/incidents/" + id).then().statusCode(200)
                .body("services", contains("checkout-" + u, "payments-" + u));
        given().queryParam("service", "payments-" + u).when().get("/api/incidents").then().statusCode(200)
                .body("items.id", contains(id));
    }

    /**
     * One outage, paged by several rules: each Alertmanager group of a service with an unresolved incident joins that
     * incident, as an SLO alert does, where each opened an incident of its own (three washups and WASHUP actions for
     * one outage, and three incidents in the meta-review). Once it is resolved, the next group opens a new one.
     */
    @Test
    void aNewGroupForAServiceWithAnUnresolvedIncidentJoinsIt() {
        String service = "one-outage-" + UUID.randomUUID().toString().substring(0, 8);
        String declared = given().contentType(ContentType.JSON).body("""
                {"title": "checkout is slow", "severity": "SEV2", "services": ["%s"], "team": "edge",
                 "detectionSource": "HUMAN"}""".formatted(service))
                .when().post("/api/incidents").then().statusCode(201).extract().path("id");
        String errors = post(notification("{}:{alertname=\\\"HighErrors\\\"}-" + service, "firing", service, "critical"));
        String latency = post(notification("{}:{alertname=\\\"HighLatency\\\"}-" + service, "firing", service, "page")
                .replace("HighErrorRate", "HighLatency"));
        assertEquals(declared, errors);
        assertEquals(declared, latency);
        given().when().get("/api/incidents/" + declared + "/timeline").then().statusCode(200)
                .body("findAll { it.kind == 'ALERT_FIRED' }.text",
                        containsInAnyOrder(containsString("HighErrorRate"), containsString("HighLatency")));
        given().queryParam("service", service).when().get("/api/incidents").then().statusCode(200)
                .body("items.id", contains(declared));

        for (String to : new String[] { "ANALYSING", "FIXING", "RESOLVED" }) {
            IncidentLifecycleTest.move(declared, to);
        }
        String next = post(notification("{}:{alertname=\\\"DiskFull\\\"}-" + service, "firing", service, "critical"));
        org.junit.jupiter.api.Assertions.assertNotEquals(declared, next);
        given().when().get("/api/incidents/" + next).then().statusCode(200)
                .body("detectionSource", equalTo("ALERTMANAGER")).body("status", equalTo("DISCOVERED"));
    }

    /**
     * A group across services ({@code group_by: [alertname]}) where one of them has an unresolved incident: the group
     * goes on that incident, whichever alert Alertmanager lists first. Listed after a service without one, its alert
     * was added to a new incident, and its service had two unresolved incidents (its SLO alerts going to the other).
     */
    @Test
    void aGroupAcrossServicesGoesOnTheUnresolvedIncidentOfAnyOfThemWhicheverIsListedFirst() {
        for (boolean declaredListedFirst : new boolean[] { true, false }) {
            String u = UUID.randomUUID().toString().substring(0, 8);
            String quiet = "quiet-" + u;
            String busy = "busy-" + u;
            String declared = given().contentType(ContentType.JSON).body("""
                    {"title": "busy is failing", "severity": "SEV2", "services": ["%s"], "team": "edge",
                     "detectionSource": "HUMAN"}""".formatted(busy))
                    .when().post("/api/incidents").then().statusCode(201).extract().path("id");
            String first = notification("{}:{alertname=\\\"HighErrorRate-" + u + "\\\"}", "firing",
                    declaredListedFirst ? busy : quiet, "critical");
            String both = first.replace("\"fingerprint\": \"f00d\"}]", "\"fingerprint\": \"f00d\"}, "
                    + "{\"status\": \"firing\", \"labels\": {\"alertname\": \"HighErrorRate\", \"service\": \""
                    + (declaredListedFirst ? quiet : busy) + "\", \"severity\": \"critical\"}, \"annotations\": {},"
                    + " \"startsAt\": \"" + STARTED + "\", \"endsAt\": \"0001-01-01T00:00:00Z\","
                    + " \"generatorURL\": \"http://prometheus/graph\", \"fingerprint\": \"beef\"}]");
            assertEquals(declared, post(both), "listed " + (declaredListedFirst ? "first" : "second"));
            given().when().get("/api/incidents/" + declared).then().statusCode(200)
                    .body("services", containsInAnyOrder(busy, quiet));
            given().when().get("/api/incidents/" + declared + "/timeline").then().statusCode(200)
                    .body("findAll { it.kind == 'ALERT_FIRED' }", hasSize(2));
            for (String service : new String[] { busy, quiet }) {
                given().queryParam("service", service).when().get("/api/incidents").then().statusCode(200)
                        .body("items.id", contains(declared));
            }
        }
        // Both with an incident of their own, the newer one's listed first: each alert stays on its service's.
        String u = UUID.randomUUID().toString().substring(0, 8);
        String older = "older-" + u;
        String newer = "newer-" + u;
        String olderIncident = IncidentLifecycleTest.open("""
                {"title": "older is failing", "severity": "SEV2", "services": ["%s"], "team": "edge",
                 "detectedAt": "2020-01-01T00:00:00Z", "detectionSource": "HUMAN"}""".formatted(older));
        String newerIncident = IncidentLifecycleTest.open("""
                {"title": "newer is failing", "severity": "SEV2", "services": ["%s"], "team": "edge",
                 "detectionSource": "HUMAN"}""".formatted(newer));
        String both = notification("{}:{alertname=\\\"HighErrorRate-" + u + "\\\"}", "firing", newer, "critical")
                .replace("\"fingerprint\": \"f00d\"}]", "\"fingerprint\": \"f00d\"}, "
                        + "{\"status\": \"firing\", \"labels\": {\"alertname\": \"HighErrorRate\", \"service\": \""
                        + older + "\", \"severity\": \"critical\"}, \"annotations\": {}, \"startsAt\": \"" + STARTED
                        + "\", \"endsAt\": \"0001-01-01T00:00:00Z\", \"generatorURL\": \"http://prometheus/graph\","
                        + " \"fingerprint\": \"beef\"}]");
        post(both);
        for (String[] own : new String[][] { { newerIncident, newer }, { olderIncident, older } }) {
            given().when().get("/api/incidents/" + own[0]).then().statusCode(200).body("services", contains(own[1]));
            given().when().get("/api/incidents/" + own[0] + "/timeline").then().statusCode(200)
                    .body("findAll { it.kind == 'ALERT_FIRED' }", hasSize(1));
        }
    }

    /**
     * Alertmanager runs as a pair and each instance notifies; incident-service runs as two replicas. Two notifications
     * of one new group, with different alerts, arriving at once on two replicas open one incident with both alerts.
     */
    @Test
    void twoNotificationsOfANewGroupAtOnceOpenOneIncidentWithBothAlerts() throws Exception {
        for (int round = 0; round < 5; round++) {
            String service = "ha-" + UUID.randomUUID().toString().substring(0, 8);
            String groupKey = "{}:{alertname=\\\"HighErrorRate\\\", service=\\\"" + service + "\\\"}";
            String first = notification(groupKey, "firing", service, "critical");
            String second = first.replace("\"fingerprint\": \"f00d\"", "\"fingerprint\": \"beef\"")
                    .replace("eu-west-1c", "eu-west-1a");
            java.util.List<io.restassured.response.Response> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.List<Integer> statuses = AtOnce.statuses(() -> send(first, answers), () -> send(second, answers));
            assertEquals(java.util.List.of(200, 200), statuses, "round " + round);
            String id = answers.get(0).path("incidentId");
            assertEquals(id, answers.get(1).path("incidentId"), "round " + round + ": one incident for the group");
            given().when().get("/api/incidents/" + id + "/timeline").then().statusCode(200)
                    .body("findAll { it.kind == 'ALERT_FIRED' }", hasSize(2));
        }
    }

    private static int send(String body, java.util.List<io.restassured.response.Response> answers) {
        io.restassured.response.Response answer = given().contentType(ContentType.JSON).body(body).when()
                .post("/api/integrations/alertmanager");
        answers.add(answer);
        return answer.statusCode();
    }

    @Test
    void anAlertWithoutATeamLabelGoesToItsServicesOwnerInTheCatalog() {
        String service = "owned-" + UUID.randomUUID().toString().substring(0, 8);
        ChangesTest.service(service, "{\"team\": \"storage\"}");
        String groupKey = "{}:{alertname=\\\"HighErrorRate\\\", service=\\\"" + service + "\\\"}";
        String id = post(notification(groupKey, "firing", service, "critical").replace("{\"team\": \"edge\"}", "{}"));
        given().when().get("/api/incidents/" + id).then().statusCode(200).body("team", equalTo("storage"));
        // The catalog's names are compared ignoring case everywhere else (the deploy gate, changes): here too.
        String cased = service.toUpperCase(java.util.Locale.ROOT);
        String casedKey = "{}:{alertname=\\\"HighErrorRate\\\", service=\\\"" + cased + "\\\"}";
        String casedId = post(notification(casedKey, "firing", cased, "critical").replace("{\"team\": \"edge\"}", "{}"));
        given().when().get("/api/incidents/" + casedId).then().statusCode(200).body("team", equalTo("storage"));

        String stranger = "stranger-" + UUID.randomUUID().toString().substring(0, 8);
        String strangerKey = "{}:{alertname=\\\"HighErrorRate\\\", service=\\\"" + stranger + "\\\"}";
        String unowned = post(notification(strangerKey, "firing", stranger, "critical")
                .replace("{\"team\": \"edge\"}", "{}"));
        given().when().get("/api/incidents/" + unowned).then().statusCode(200).body("team", equalTo("unknown"));
    }

    /**
     * Rules written for other tools: {@code severity: page} pages as critical does, the service comes from {@code job}
     * or {@code app} when there is no {@code service} label, and the team from {@code owner} when there is no
     * {@code team}.
     */
    @Test
    void severityPageAndTheJobAppAndOwnerLabelsAreReadWhereServiceAndTeamAreMissing() {
        String job = "job-" + UUID.randomUUID().toString().substring(0, 8);
        String fromJob = post(notification("{}:{job=" + job + "}", "firing", job, "page")
                .replace("\"service\": \"" + job + "\"", "\"job\": \"" + job + "\", \"app\": \"not-this\"")
                .replace("{\"team\": \"edge\"}", "{\"owner\": \"search\"}"));
        given().when().get("/api/incidents/" + fromJob).then().statusCode(200)
                .body("services", contains(job)).body("team", equalTo("search"));

        String app = "app-" + UUID.randomUUID().toString().substring(0, 8);
        String fromApp = post(notification("{}:{app=" + app + "}", "firing", app, "critical")
                .replace("\"service\": \"" + app + "\"", "\"app\": \"" + app + "\"")
                .replace("{\"team\": \"edge\"}", "{\"team\": \"checkout\", \"owner\": \"not-this\"}"));
        given().when().get("/api/incidents/" + fromApp).then().statusCode(200)
                .body("services", contains(app)).body("team", equalTo("checkout"));
    }

    /**
     * PostgreSQL stores a NUL character neither in text nor in jsonb: one in a label or annotation refused the whole
     * notification (400), so a critical alert opened no incident. It is kept as U+FFFD instead.
     */
    @Test
    void aNulCharacterInALabelOrAnnotationStillOpensTheIncident() {
        String service = "nul-" + UUID.randomUUID().toString().substring(0, 8);
        String body = notification("{}:{nul=" + service + "}", "firing", service, "critical")
                .replace("5xx above 5 %", "db\\u0000down").replace("\"severity\": \"critical\"",
                        "\"severity\": \"critical\", \"pod\\u0000\": \"api-1\\u0000\"");
        String id = post(body);
        given().when().get("/api/incidents/" + id).then().statusCode(200)
                .body("title", equalTo("Alertmanager: HighErrorRate — db\ufffddown in eu-west-1c"));
        given().when().get("/api/incidents/" + id + "/timeline").then().statusCode(200)
                .body("find { it.kind == 'ALERT_FIRED' }.data.labels['pod\ufffd']", equalTo("api-1\ufffd"));
    }

    /** The team label as the team's handle: the incident's WASHUP action and its reminders go to that team. */
    @Test
    void aTeamLabelIsReadAsTheTeamsHandle() {
        String service = "cased-" + UUID.randomUUID().toString().substring(0, 8);
        String id = post(notification("{}:{cased=" + service + "}", "firing", service, "critical")
                .replace("\"commonLabels\": {\"team\": \"edge\"}", "\"commonLabels\": {\"team\": \"Edge Platform\"}"));
        given().when().get("/api/incidents/" + id).then().statusCode(200).body("team", equalTo("edge-platform"));

        // A hundred characters that lower-case to two each ("İ" is "i" and a combining dot) still open the incident.
        String turkish = "turkish-" + UUID.randomUUID().toString().substring(0, 8);
        String longTeam = post(notification("{}:{cased=" + turkish + "}", "firing", turkish, "critical")
                .replace("\"commonLabels\": {\"team\": \"edge\"}", "\"commonLabels\": {\"team\": \"" + "İ".repeat(100) + "\"}"));
        given().when().get("/api/incidents/" + longTeam).then().statusCode(200).body("team", equalTo("i-".repeat(50)));
    }

    /**
     * Alertmanager lists a group's alerts by their labels, not their severity: a warning listed before the paging
     * alert that opens the incident is recorded with it, and the repeat changes nothing. Before, the warning was left
     * out and the repeat added it.
     */
    @Test
    void anAlertListedBeforeTheOneThatOpensTheIncidentIsRecordedWithIt() {
        String service = "listed-" + UUID.randomUUID().toString().substring(0, 8);
        String groupKey = "{}:{listed=\\\"" + service + "\\\"}";
        String paging = notification(groupKey, "firing", service, "critical");
        String warning = paging.substring(paging.indexOf("[{") + 1, paging.lastIndexOf("}]") + 1)
                .replace("\"critical\"", "\"warning\"").replace("f00d", "aaaa");
        String both = paging.replace("\"alerts\": [{", "\"alerts\": [" + warning + ", {");
        String id = given().contentType(ContentType.JSON).body(both).when().post("/api/integrations/alertmanager")
                .then().log().ifValidationFails().statusCode(200).body("timelineEntries", equalTo(2))
                .extract().path("incidentId");
        given().contentType(ContentType.JSON).body(both).when().post("/api/integrations/alertmanager")
                .then().statusCode(200).body("incidentId", equalTo(id)).body("timelineEntries", equalTo(0));
        given().when().get("/api/incidents/" + id + "/timeline").then().statusCode(200)
                .body("findAll { it.kind == 'ALERT_FIRED' }.data.labels.severity", containsInAnyOrder("warning", "critical"));
    }

    /**
     * Responders often resolve the incident before Alertmanager says its alert cleared: the clearing still goes on
     * the incident. Before, it was dropped (200 with no incident), and the incident never said its alert had cleared.
     */
    @Test
    void anAlertClearingAfterRespondersResolvedTheIncidentIsRecordedOnIt() {
        String service = "cleared-" + UUID.randomUUID().toString().substring(0, 8);
        String groupKey = "{}:{cleared=\\\"" + service + "\\\"}";
        String id = post(notification(groupKey, "firing", service, "critical"));
        for (String to : new String[] { "ANALYSING", "FIXING", "RESOLVED" }) {
            IncidentLifecycleTest.move(id, to);
        }
        assertEquals(id, post(notification(groupKey, "resolved", service, "critical")));
        given().when().get("/api/incidents/" + id + "/timeline").then().statusCode(200)
                .body("findAll { it.kind == 'ALERT_RESOLVED' }", hasSize(1));
        given().when().get("/api/incidents/" + id).then().body("status", equalTo("RESOLVED"));
    }

    /**
     * An alert outlives its resolved incident; a new paging alert of its group opens a second incident; then the first
     * alert clears. Its clearing went on the group's new incident, which never had it, and the first incident said the
     * alert still fired, for good.
     */
    @Test
    void anAlertClearsOnTheIncidentItFiredOnAfterItsGroupMovedToANewOne() {
        String service = "moved-" + UUID.randomUUID().toString().substring(0, 8);
        String groupKey = "{}:{moved=\\\"" + service + "\\\"}";
        String first = post(notification(groupKey, "firing", service, "critical"));
        for (String to : new String[] { "ANALYSING", "FIXING", "RESOLVED" }) {
            IncidentLifecycleTest.move(first, to);
        }
        String second = post(withSecondAlert(notification(groupKey, "firing", service, "critical"), "firing"));
        org.junit.jupiter.api.Assertions.assertNotEquals(first, second);

        assertEquals(first, post(withSecondAlert(notification(groupKey, "resolved", service, "critical"), "firing")));
        given().when().get("/api/incidents/" + first + "/timeline").then().statusCode(200)
                .body("findAll { it.kind == 'ALERT_RESOLVED' }.text", contains(containsString("HighErrorRate")));
        given().when().get("/api/incidents/" + second + "/timeline").then().statusCode(200)
                .body("findAll { it.kind == 'ALERT_RESOLVED' }", hasSize(0))
                .body("findAll { it.kind == 'ALERT_FIRED' }.text", contains(containsString("DiskFull")));
    }

    /** An alert whose clearing never comes leaves its firing's link for 30 days, not for good. */
    @Test
    void aFiringWhoseClearingNeverComesIsForgottenAfterThirtyDays() throws Exception {
        String service = "unresolved-" + UUID.randomUUID().toString().substring(0, 8);
        post(notification("{}:{never=\\\"" + service + "\\\"}", "firing", service, "critical"));
        try (var connection = database.getConnection(); var count = connection.prepareStatement(
                "select count(*) from alert_link where dedup_key like 'alertmanager-alert:%' and linked_at < now() - interval '30 days'");
                var age = connection.prepareStatement("update alert_link set linked_at = now() - interval '31 days'"
                        + " where dedup_key like 'alertmanager-alert:%' and linked_at > now() - interval '1 minute'")) {
            assertTrue(age.executeUpdate() >= 1, "the firing was linked to its incident");
            assertTrue(links.forgetOldAlertFirings() >= 1);
            try (var rows = count.executeQuery()) {
                rows.next();
                assertEquals(0, rows.getLong(1), "no firing link older than 30 days is left");
            }
        }
    }

    /** The notification with a second critical alert of the group, "DiskFull", in {@code status}. */
    private static String withSecondAlert(String notification, String status) {
        String alert = notification.substring(notification.indexOf("[{") + 1, notification.lastIndexOf("}]") + 1);
        String second = alert.replace("HighErrorRate", "DiskFull").replace("f00d", "beef")
                .replaceFirst("\"status\": \"\\w+\"", "\"status\": \"" + status + "\"")
                .replaceFirst("\"endsAt\": \"[^\"]+\"", "\"endsAt\": \"0001-01-01T00:00:00Z\"");
        return notification.replace(alert, alert + ", " + second);
    }

    /**
     * Without fingerprints, two alerts of one group whose labels differ only where Java's 32-bit hash collides
     * ({@code "Aa"} and {@code "BB"}) are two alerts. Before, the second was taken for a repeat of the first.
     */
    @Test
    void alertsWithoutFingerprintsAreToldApartByAllTheirLabels() {
        String service = "nofp-" + UUID.randomUUID().toString().substring(0, 8);
        String one = notification("{}:{nofp=" + service + "}", "firing", service, "critical")
                .replace(", \"fingerprint\": \"f00d\"", "");
        String first = one.substring(one.indexOf("[{") + 1, one.lastIndexOf("}]") + 1);
        String body = one.replace("\"alerts\": [" + first, "\"alerts\": ["
                + first.replace("\"severity\": \"critical\"", "\"severity\": \"critical\", \"instance\": \"Aa\"") + ", "
                + first.replace("\"severity\": \"critical\"", "\"severity\": \"critical\", \"instance\": \"BB\""));
        String id = given().contentType(ContentType.JSON).body(body).when().post("/api/integrations/alertmanager")
                .then().log().ifValidationFails().statusCode(200).body("timelineEntries", equalTo(2))
                .extract().path("incidentId");
        given().when().get("/api/incidents/" + id + "/timeline").then().statusCode(200)
                .body("findAll { it.kind == 'ALERT_FIRED' }.data.labels.instance", containsInAnyOrder("Aa", "BB"));
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
    /**
     * A notification as Alertmanager v0.27 sends it (the webhook_config example in its docs): every top-level
     * field, two alerts with real 16-hex fingerprints, the zero endsAt of a firing alert, escaped quotes in the
     * group key.
     */
    static String realistic(String groupKey, String service) {
        return """
                {"version": "4",
                 "groupKey": "%1$s",
                 "truncatedAlerts": 0,
                 "status": "firing",
                 "receiver": "daff-incidents",
                 "groupLabels": {"alertname": "HighErrorRate", "service": "%2$s"},
                 "commonLabels": {"alertname": "HighErrorRate", "service": "%2$s", "severity": "critical",
                                  "team": "payments", "env": "production"},
                 "commonAnnotations": {"runbook_url": "https://runbooks.example.com/HighErrorRate"},
                 "externalURL": "https://alertmanager.example.com",
                 "alerts": [
                   {"status": "firing",
                    "labels": {"alertname": "HighErrorRate", "service": "%2$s", "severity": "critical",
                               "team": "payments", "env": "production", "instance": "10.0.3.17:8080", "job": "%2$s"},
                    "annotations": {"summary": "5xx ratio above 5%% for 5 minutes",
                                    "description": "checkout answers 7.2%% of requests with 5xx in eu-west-1c"},
                    "startsAt": "%3$s", "endsAt": "0001-01-01T00:00:00Z",
                    "generatorURL": "https://prometheus.example.com/graph?g0.expr=sum%%28rate%%28http_requests_total%%7Bcode%%3D~%%225..%%22%%7D%%5B5m%%5D%%29%%29&g0.tab=1",
                    "fingerprint": "a1b2c3d4e5f60718"},
                   {"status": "firing",
                    "labels": {"alertname": "HighErrorRate", "service": "%2$s", "severity": "critical",
                               "team": "payments", "env": "production", "instance": "10.0.4.22:8080", "job": "%2$s"},
                    "annotations": {"summary": "5xx ratio above 5%% for 5 minutes"},
                    "startsAt": "%3$s", "endsAt": "0001-01-01T00:00:00Z",
                    "generatorURL": "https://prometheus.example.com/graph?g0.expr=up&g0.tab=1",
                    "fingerprint": "0f9e8d7c6b5a4321"}
                 ]}
                """.formatted(groupKey, service, STARTED);
    }

    static int timelineLength(String incidentId) {
        return given().when().get("/api/incidents/" + incidentId + "/timeline").then().statusCode(200)
                .extract().jsonPath().getList("").size();
    }

    @Test
    void aRealisticNotificationOpensAnIncidentAndItsRepeatChangesNothing() {
        String service = "checkout-" + UUID.randomUUID().toString().substring(0, 8);
        String groupKey = "{}/{severity=\\\"critical\\\"}:{alertname=\\\"HighErrorRate\\\", service=\\\"" + service
                + "\\\"}";
        String id = given().contentType(ContentType.JSON).body(realistic(groupKey, service))
                .when().post("/api/integrations/alertmanager")
                .then().log().ifValidationFails().statusCode(200)
                .body("incidentId", notNullValue()).body("timelineEntries", equalTo(2))
                .extract().path("incidentId");
        given().when().get("/api/incidents/" + id).then().statusCode(200)
                .body("detectionSource", equalTo("ALERTMANAGER"))
                .body("services", contains(service))
                .body("team", equalTo("payments"))
                .body("title", equalTo("Alertmanager: HighErrorRate — 5xx ratio above 5% for 5 minutes"));
        int entries = timelineLength(id);
        given().when().get("/api/incidents/" + id + "/timeline").then()
                .body("findAll { it.kind == 'ALERT_FIRED' }.data.groupKey", everyItem(equalTo(
                        "{}/{severity=\"critical\"}:{alertname=\"HighErrorRate\", service=\"" + service + "\"}")));

        // Alertmanager repeats the notification every repeat_interval while the group fires.
        given().contentType(ContentType.JSON).body(realistic(groupKey, service))
                .when().post("/api/integrations/alertmanager")
                .then().statusCode(200).body("incidentId", equalTo(id)).body("timelineEntries", equalTo(0));
        assertEquals(entries, timelineLength(id));
        given().queryParam("service", service).when().get("/api/incidents").then().body("total", equalTo(1));
    }

    @Test
    void aThousandCharacterGroupKeyWorksAndALongerOneIs400() {
        String service = "long-" + UUID.randomUUID().toString().substring(0, 8);
        String prefix = "{}:{service=\\\"" + service + "\\\", path=\\\"";
        // 1,000 characters once the JSON escapes are read: the two \" pairs count one character each.
        int unescaped = prefix.replace("\\\"", "\"").length() + 2;
        String groupKey = prefix + "x".repeat(AlertmanagerApi.GROUP_KEY_MAX - unescaped) + "\\\"}";
        String id = given().contentType(ContentType.JSON).body(realistic(groupKey, service))
                .when().post("/api/integrations/alertmanager")
                .then().log().ifValidationFails().statusCode(200).body("timelineEntries", equalTo(2))
                .extract().path("incidentId");
        given().when().get("/api/incidents/" + id + "/timeline").then()
                .body("find { it.kind == 'ALERT_FIRED' }.data.groupKey.length()", equalTo(AlertmanagerApi.GROUP_KEY_MAX));
        int entries = timelineLength(id);
        given().contentType(ContentType.JSON).body(realistic(groupKey, service))
                .when().post("/api/integrations/alertmanager")
                .then().statusCode(200).body("incidentId", equalTo(id)).body("timelineEntries", equalTo(0));
        assertEquals(entries, timelineLength(id));

        String other = "longer-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON).body(realistic("g".repeat(AlertmanagerApi.GROUP_KEY_MAX + 1), other))
                .when().post("/api/integrations/alertmanager")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("groupKey"));
        given().queryParam("service", other).when().get("/api/incidents").then().body("items", hasSize(0));
    }

    @Test
    void aLabelWithoutAValueIs400AndStoresNothing() {
        String service = "nulls-" + UUID.randomUUID().toString().substring(0, 8);
        String body = realistic("{}:{nulls=" + service + "}", service)
                .replaceFirst("\"env\": \"production\", \"instance\"", "\"env\": null, \"instance\"");
        given().contentType(ContentType.JSON).body(body).when().post("/api/integrations/alertmanager")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", startsWith("alerts[0].labels"));
        given().queryParam("service", service).when().get("/api/incidents").then().body("items", hasSize(0));
    }
}
