package dev.daff.incident;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.localinfra.ListPages;
import dev.daff.localinfra.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Issue 13, bounded input: text that fits the columns or is refused with a 400 naming the field, lists that
 * page, a "what changed?" range that stays bounded, and a meta-review that never outgrows one SQL statement.
 */
@QuarkusTest
class BoundedInputTest {

    @Inject
    AgroalDataSource database;

    @BeforeAll
    static void auth() {
        TestTokens.authenticateEveryRequest();
    }

    static String json(String text) {
        return "\"" + text + "\"";
    }

    static List<String> timelineTexts(String id) {
        return given().queryParam("limit", 500).when().get("/api/incidents/" + id + "/timeline").then().statusCode(200)
                .extract().jsonPath().getList("text");
    }

    static int version(String incidentId) {
        return given().when().get("/api/incidents/" + incidentId).then().statusCode(200).extract().path("version");
    }

    /** 400, problem+json, one field error naming {@code field} (an item of a list may add to the name). */
    static void refused(String method, String path, String body, String field) {
        given().contentType(ContentType.JSON).body(body).when().request(method, path)
                .then().log().ifValidationFails().statusCode(400).contentType("application/problem+json")
                .body("errors.field", contains(startsWith(field)));
    }

    // --- text limits --------------------------------------------------------------------------------------

    @Test
    void textOneCharacterOverItsColumnIs400NamingTheFieldAndChangesNothing() {
        String id = IncidentLifecycleTest.open(IncidentLifecycleTest.CHECKOUT_DOWN);
        List<String> before = timelineTexts(id);
        String x4001 = "x".repeat(4001);
        refused("POST", "/api/incidents/" + id + "/timeline", "{\"phase\": \"ANALYSE\", \"text\": " + json(x4001) + "}",
                "text");
        refused("POST", "/api/incidents/" + id + "/transitions", "{\"to\": \"ANALYSING\", \"note\": " + json(x4001) + "}",
                "note");
        refused("PATCH", "/api/incidents/" + id, "{\"version\": 0, \"summary\": " + json(x4001) + "}", "summary");
        refused("PATCH", "/api/incidents/" + id, "{\"version\": 0, \"title\": " + json("x".repeat(201)) + "}", "title");
        refused("PATCH", "/api/incidents/" + id, "{\"version\": 0, \"services\": [" + json("s".repeat(101)) + "]}",
                "services[0]");
        refused("PUT", "/api/incidents/" + id + "/roles/COMMANDER", "{\"handle\": " + json("h".repeat(201)) + "}",
                "handle");
        refused("PUT", "/api/incidents/" + id + "/cause", "{\"class\": \"CHANGE\", \"summary\": " + json(x4001) + "}",
                "summary");
        refused("PUT", "/api/incidents/" + id + "/washup", "{\"rootCause\": " + json(x4001) + "}", "rootCause");
        refused("PUT", "/api/incidents/" + id + "/washup", "{\"wentWell\": [\"fine\", " + json(x4001) + "]}",
                "wentWell[1]");
        refused("POST", "/api/incidents/" + id + "/washup/review", "{\"reviewers\": [\"bob\", " + json("r".repeat(201)) + "]}",
                "reviewers[1]");
        refused("POST", "/api/incidents/" + id + "/finalisation-waiver", "{\"reason\": " + json(x4001) + "}", "reason");
        refused("POST", "/api/incidents", IncidentLifecycleTest.CHECKOUT_DOWN.replace("\"team\": \"payments\"",
                "\"team\": \"payments\", \"summary\": " + json(x4001)), "summary");
        refused("POST", "/api/incidents", IncidentLifecycleTest.CHECKOUT_DOWN.replace("\"payments\"",
                json("t".repeat(101))), "team");

        given().when().get("/api/incidents/" + id).then().statusCode(200)
                .body("status", equalTo("DISCOVERED")).body("version", equalTo(0)).body("summary", nullValue());
        assertEquals(before, timelineTexts(id));
        given().when().get("/api/incidents/" + id + "/cause").then().statusCode(404);
        given().when().get("/api/incidents/" + id + "/washup").then().statusCode(404);
    }

    /**
     * Reported times are before what daff measured and not in the future: a detection after the acknowledgement made
     * MTTA negative in the meta-review. Refused whole, the incident as it was, and a right time then goes through.
     */
    @Test
    void aDetectionTimeInTheFutureOrAfterTheAcknowledgementIs400AndChangesNothing() {
        String service = "detected-" + ChangesTest.unique();
        Instant tomorrow = Instant.now().plus(Duration.ofDays(1));
        given().contentType(ContentType.JSON).body("""
                {"title": "t", "severity": "SEV3", "services": ["%s"], "team": "t", "detectionSource": "HUMAN",
                 "detectedAt": "%s"}
                """.formatted(service, tomorrow)).when().post("/api/incidents").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("detectedAt"));
        given().when().get("/api/incidents?service=" + service).then().statusCode(200).body("items", hasSize(0));

        String id = IncidentLifecycleTest.open("""
                {"title": "t", "severity": "SEV3", "services": ["%s"], "team": "t", "detectionSource": "HUMAN"}
                """.formatted(service));
        IncidentLifecycleTest.move(id, "ANALYSING");
        Response before = given().when().get("/api/incidents/" + id).then().statusCode(200).extract().response();
        Instant acknowledged = Instant.parse(before.path("acknowledgedAt"));
        int version = before.path("version");
        for (Instant wrong : List.of(acknowledged.plusSeconds(60), tomorrow)) {
            given().contentType(ContentType.JSON).body("{\"version\": " + version + ", \"detectedAt\": \"" + wrong + "\"}")
                    .when().patch("/api/incidents/" + id).then().statusCode(400)
                    .contentType("application/problem+json").body("errors[0].field", equalTo("detectedAt"));
        }
        given().when().get("/api/incidents/" + id).then().statusCode(200)
                .body("detectedAt", equalTo(before.path("detectedAt"))).body("version", equalTo(version));
        Instant earlier = acknowledged.minusSeconds(600);
        given().contentType(ContentType.JSON).body("{\"version\": " + version + ", \"detectedAt\": \"" + earlier + "\"}")
                .when().patch("/api/incidents/" + id).then().statusCode(200).body("detectedAt", equalTo(earlier.toString()));
    }

    @Test
    void changeAndCatalogTextOverItsColumnIs400() {
        String u = "-" + ChangesTest.unique();
        ChangesTest.service("bounded" + u, "{\"team\": \"x\"}");
        Instant t = Instant.parse("2021-10-01T08:00:00Z");
        String change = ChangesTest.changeJson("bounded" + u, "DEPLOY", "SUMMARY", t, null, "production");
        refused("POST", "/api/changes", change.replace("SUMMARY", "s".repeat(2001)), "summary");
        refused("POST", "/api/changes", change.replace("\"ci\"", json("a".repeat(201))), "author");
        refused("POST", "/api/changes", change.replace("\"abc123\"", json("r".repeat(501))), "ref");
        refused("POST", "/api/changes", change.replace("\"production\"", json("e".repeat(51))), "environment");
        refused("PUT", "/api/services/team" + u, "{\"team\": " + json("t".repeat(101)) + "}", "team");
        given().queryParam("service", "bounded" + u).when().get("/api/changes").then().statusCode(200).body("", hasSize(0));
        given().when().get("/api/services/team" + u).then().statusCode(404);
    }

    @Test
    void fullLengthTextFitsEvenWhereDaffQuotesItOnTheTimeline() {
        String id = IncidentLifecycleTest.open(IncidentLifecycleTest.CHECKOUT_DOWN);
        String note = "n".repeat(4000);
        given().contentType(ContentType.JSON).body("{\"phase\": \"ANALYSE\", \"text\": " + json(note) + "}")
                .when().post("/api/incidents/" + id + "/timeline").then().statusCode(201).body("text", equalTo(note));
        // The timeline entry of a transition quotes its note after "Status DISCOVERED → ANALYSING: ".
        given().contentType(ContentType.JSON).body("{\"to\": \"ANALYSING\", \"note\": " + json(note) + "}")
                .when().post("/api/incidents/" + id + "/transitions").then().statusCode(200)
                .body("status", equalTo("ANALYSING"));
        List<String> twenty = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            twenty.add(json(String.format("%02d", i) + "s".repeat(98)));
        }
        given().contentType(ContentType.JSON).body("{\"version\": " + version(id) + ", \"summary\": "
                + json("a".repeat(4000)) + "}").when().patch("/api/incidents/" + id).then().statusCode(200);
        // Old and new value of a 4,000-character field, and of twenty 100-character services, in one sentence.
        given().contentType(ContentType.JSON).body("{\"version\": " + version(id) + ", \"summary\": " + json("b".repeat(4000))
                + ", \"services\": [" + String.join(", ", twenty) + "]}")
                .when().patch("/api/incidents/" + id).then().statusCode(200).body("services", hasSize(20));
        given().contentType(ContentType.JSON).body("{\"class\": \"CHANGE\", \"summary\": " + json("c".repeat(4000)) + "}")
                .when().put("/api/incidents/" + id + "/cause").then().statusCode(200)
                .body("summary", equalTo("c".repeat(4000)));

        Response timeline = given().queryParam("limit", 500).when().get("/api/incidents/" + id + "/timeline");
        timeline.then().statusCode(200)
                .body("find { it.kind == 'STATUS_CHANGED' }.text.length()", equalTo(4000))
                .body("find { it.kind == 'STATUS_CHANGED' }.text", endsWith("…"))
                .body("find { it.kind == 'STATUS_CHANGED' }.data.note", equalTo(note))
                .body("find { it.kind == 'CAUSE_SET' }.text.length()", equalTo(4000))
                .body("findAll { it.kind == 'FIELD_CHANGED' }.size()", equalTo(3))
                .body("findAll { it.kind == 'FIELD_CHANGED' }.data.to", notNullValue());
        assertTrue(timeline.jsonPath().<String>getList("text").stream().allMatch(text -> text.length() <= 4000));
        given().when().get("/api/incidents/" + id).then().body("summary", equalTo("b".repeat(4000)));
    }

    // --- paging -------------------------------------------------------------------------------------------


    static <T> List<T> items(List<Response> pages, Function<Response, List<T>> of) {
        return pages.stream().flatMap(page -> of.apply(page).stream()).toList();
    }

    static void limitsAreChecked(String path) {
        for (String limit : List.of("0", "501", "-1", "lots", "1e3")) {
            given().queryParam("limit", limit).when().get(path).then().statusCode(400)
                    .contentType("application/problem+json").body("errors.field", contains("limit"));
        }
        given().queryParam("cursor", "not a cursor!").when().get(path).then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", contains("cursor"));
        given().queryParam("limit", 500).when().get(path).then().statusCode(200);
    }

    @Test
    void theIncidentListPagesByCursorAndStillByPageNumber() {
        String service = "paged-" + ChangesTest.unique();
        List<String> opened = new ArrayList<>();
        Instant detected = Instant.parse("2019-05-01T10:00:00Z");
        for (int i = 0; i < 5; i++) {
            // Two incidents share each detection time: the cursor must not lose or repeat a tie.
            opened.add(IncidentLifecycleTest.open("""
                    {"title": "paged %d", "severity": "SEV3", "services": ["%s"], "team": "t", "detectedAt": "%s",
                     "detectionSource": "HUMAN"}
                    """.formatted(i, service, detected.plus(Duration.ofMinutes(i / 2)))));
        }
        List<Response> pages = ListPages.all("/api/incidents?service=" + service + "&limit=2");
        assertEquals(3, pages.size());
        List<String> ids = items(pages, page -> page.jsonPath().getList("items.id"));
        assertEquals(5, ids.size());
        assertEquals(Set(opened), Set(ids));
        List<String> detectedAt = items(pages, page -> page.jsonPath().getList("items.detectedAt"));
        List<String> sorted = new ArrayList<>(detectedAt);
        sorted.sort(java.util.Comparator.reverseOrder());
        assertEquals(sorted, detectedAt);
        pages.get(0).then().body("total", equalTo(5)).body("size", equalTo(2)).body("nextCursor", notNullValue());
        pages.get(2).then().body("items", hasSize(1)).body("nextCursor", nullValue());

        given().queryParam("service", service).when().get("/api/incidents").then().body("size", equalTo(100));
        given().queryParam("service", service).queryParam("size", 2).queryParam("page", 1).when().get("/api/incidents")
                .then().statusCode(200).body("page", equalTo(1)).body("items.id", equalTo(ids.subList(2, 4)));
        given().queryParam("service", service).queryParam("size", 501).when().get("/api/incidents").then().statusCode(400)
                .body("errors.field", contains("limit"));
        given().queryParam("page", 1).queryParam("cursor", pages.get(0).header("X-Next-Cursor")).when()
                .get("/api/incidents").then().statusCode(400).body("errors.field", contains("page"));
        given().queryParam("page", 21).queryParam("limit", 500).when().get("/api/incidents").then().statusCode(400)
                .body("errors.field", contains("page"));
        // Past the bound by wrapping around in int arithmetic: a negative offset, once a 500.
        given().queryParam("page", Integer.MAX_VALUE).when().get("/api/incidents").then().statusCode(400)
                .body("errors.field", contains("page"));
        limitsAreChecked("/api/incidents");
    }

    /**
     * Two requests making the same row at once — a first cause, a first washup draft — once gave one of them a 500
     * (a unique violation): now it is a 409 saying so, nothing of it kept, and the timeline tells of each one that
     * was answered 200.
     */
    @Test
    void twoRequestsMakingTheSameRecordAtOnceGetAnAnswerNeverA500() throws Exception {
        for (int round = 0; round < 8; round++) {
            String id = IncidentLifecycleTest.open(IncidentLifecycleTest.CHECKOUT_DOWN);
            java.util.function.Supplier<Integer> setCause = () -> given().contentType(ContentType.JSON)
                    .body("{\"class\": \"CHANGE\", \"seams\": [\"CONFIG\"]}")
                    .when().put("/api/incidents/" + id + "/cause").then().extract().statusCode();
            int applied = 0;
            for (int status : AtOnce.statuses(setCause, setCause)) {
                assertTrue(status == 200 || status == 409 || status == 503, "round " + round + ": " + status);
                applied += status == 200 ? 1 : 0;
            }
            assertTrue(applied >= 1, "round " + round);
            given().when().get("/api/incidents/" + id + "/cause").then().statusCode(200);
            given().when().get("/api/incidents/" + id + "/timeline").then().statusCode(200)
                    .body("findAll { it.kind == 'CAUSE_SET' }", hasSize(applied));
        }
    }

    static <T> java.util.Set<T> Set(List<T> items) {
        return new java.util.HashSet<>(items);
    }

    @Test
    void timelinesChangesCatalogAndWhatChangedPage() {
        String u = "-" + ChangesTest.unique();
        ChangesTest.service("pg" + u, "{\"team\": \"t\"}");
        ChangesTest.service("pg-dep" + u, "{\"team\": \"t\", \"dependsOn\": [\"pg" + u + "\"]}");
        Instant impact = Instant.parse("2019-07-01T12:00:00Z");
        for (int i = 1; i <= 5; i++) {
            ChangesTest.register("pg" + u, "DEPLOY", "v" + i, impact.minus(Duration.ofMinutes(10L * i)), null);
        }
        String id = ChangesTest.incident("pg" + u, impact, impact.plus(Duration.ofMinutes(5)));
        for (int i = 1; i <= 6; i++) {
            given().contentType(ContentType.JSON).body("{\"phase\": \"ANALYSE\", \"text\": \"note " + i + "\"}")
                    .when().post("/api/incidents/" + id + "/timeline").then().statusCode(201);
        }

        List<Response> timeline = ListPages.all("/api/incidents/" + id + "/timeline?limit=3");
        assertEquals(3, timeline.size());
        List<String> texts = items(timeline, page -> page.jsonPath().getList("text"));
        assertEquals(7, texts.size());
        assertEquals(List.of("note 1", "note 2", "note 3", "note 4", "note 5", "note 6"), texts.subList(1, 7));
        limitsAreChecked("/api/incidents/" + id + "/timeline");

        List<Response> changes = ListPages.all("/api/changes?service=pg" + u + "&limit=2");
        assertEquals(List.of("v1", "v2", "v3", "v4", "v5"), items(changes, page -> page.jsonPath().getList("summary")));
        assertEquals(3, changes.size());
        limitsAreChecked("/api/changes");

        List<String> catalog = items(ListPages.all("/api/services?limit=7"), page -> page.jsonPath().getList("name"));
        assertEquals(catalog.size(), Set(catalog).size(), "no service twice");
        assertTrue(catalog.containsAll(List.of("pg" + u, "pg-dep" + u)), catalog.toString());
        limitsAreChecked("/api/services");

        List<Response> whatChanged = ListPages.all("/api/incidents/" + id + "/changes?limit=2");
        List<String> ranked = items(whatChanged, page -> page.jsonPath().getList("changes.change.summary"));
        assertEquals(List.of("v1", "v2", "v3", "v4", "v5"), ranked.stream().filter(s -> s.matches("v[1-5]")).toList());
        whatChanged.get(0).then().body("total", equalTo(ranked.size())).body("changes", hasSize(2))
                .body("nextCursor", notNullValue());
        limitsAreChecked("/api/incidents/" + id + "/changes");
    }

    // --- "what changed?" range -------------------------------------------------------------------------------

    @Test
    void whatChangedSearchesABoundedRangeWhenImpactIsEditedToYearOne() {
        String u = "-" + ChangesTest.unique();
        ChangesTest.service("ancient" + u, "{\"team\": \"t\"}");
        Instant now = Instant.now();
        ChangesTest.register("ancient" + u, "DEPLOY", "recent deploy", now.minus(Duration.ofHours(2)), null);
        ChangesTest.register("ancient" + u, "CONFIG", "a change in year one", Instant.parse("0001-01-10T00:00:00Z"), null);
        String id = ChangesTest.incident("ancient" + u, now.minus(Duration.ofHours(1)), now.minus(Duration.ofMinutes(30)));
        assertEquals(List.of("DEPLOY on ancient" + u + ", an affected service, 1 h before impact"),
                ChangesTest.reasons(id, null, u));

        given().contentType(ContentType.JSON)
                .body("{\"version\": " + version(id) + ", \"impactStartedAt\": \"0001-01-01T00:00:00Z\"}")
                .when().patch("/api/incidents/" + id).then().statusCode(200);
        given().when().get("/api/incidents/" + id + "/changes").then().statusCode(200)
                .body("impactAt", equalTo("0001-01-01T00:00:00Z"))
                .body("from", equalTo("0000-12-31T00:00:00Z"))
                // daff.changes.max-after-impact (P30D) after impact, not the two thousand years to now.
                .body("until", equalTo("0001-01-31T00:00:00Z"))
                .body("clamped", equalTo(true));
        assertEquals(List.of("CONFIG on ancient" + u + ", an affected service, 9 d after impact"),
                ChangesTest.reasons(id, null, u));
        given().when().get("/api/incidents/" + id + "/washup.md").then().statusCode(200);
    }

    // --- meta-review ------------------------------------------------------------------------------------------

    /**
     * More incidents in one period than one statement could take as an IN list of their ids (Hibernate pads
     * 33,000 ids to 65,536 parameters; PostgreSQL's protocol takes 65,535): reading causes and links that way
     * answered 500. The year 1990 belongs to this test.
     */
    @Test
    void metaReviewCoversMoreIncidentsThanOneStatementTakesParameters() throws SQLException {
        int count = 33_000;
        String title = "bulk-" + ChangesTest.unique();
        try {
            try (Connection connection = database.getConnection()) {
                try (PreparedStatement insert = connection.prepareStatement("""
                        insert into incident (id, title, severity, status, team, detection_source, impact_started_at,
                                              detected_at, acknowledged_at, identified_at, resolved_at, finalised_at,
                                              created_at, version)
                        select gen_random_uuid(), ?, 'SEV3', 'FINALISED', 'bulk', 'HUMAN',
                               t - interval '5 minutes', t, t + interval '1 minute', t + interval '2 minutes',
                               t + interval '10 minutes', t + interval '1 day', now(), 0
                          from (select timestamptz '1990-01-01 00:00:00Z' + g * interval '1 minute' as t
                                  from generate_series(1, ?) g) times
                        """)) {
                    insert.setString(1, title);
                    insert.setInt(2, count);
                    assertEquals(count, insert.executeUpdate());
                }
                try (PreparedStatement causes = connection.prepareStatement("""
                        insert into incident_cause (incident_id, cause_class, seams, set_at, set_by)
                        select id, 'CHANGE', '["CONFIG"]'::jsonb, now(), 'bulk' from incident where title = ?
                        """)) {
                    causes.setString(1, title);
                    assertEquals(count, causes.executeUpdate());
                }
            }
            given().queryParam("from", "1990-01-01T00:00:00Z").queryParam("to", "1990-02-01T00:00:00Z")
                    .when().get("/api/meta-review").then().log().ifValidationFails().statusCode(200)
                    .body("incidents", equalTo(count))
                    .body("byCauseClass.CHANGE", equalTo(count))
                    .body("bySeam.CONFIG", equalTo(count))
                    .body("mttr.count", equalTo(count))
                    .body("mttr.meanSeconds", equalTo(900.0f));
        } finally {
            try (Connection connection = database.getConnection();
                    PreparedStatement delete = connection.prepareStatement("delete from incident where title = ?")) {
                delete.setString(1, title);
                delete.executeUpdate();
            }
        }
    }

    @Test
    void cursorsFromOneListAreNotMisreadByAnother() {
        String u = "-" + ChangesTest.unique();
        ChangesTest.service("one" + u, "{\"team\": \"t\"}");
        ChangesTest.service("two" + u, "{\"team\": \"t\"}");
        String id = IncidentLifecycleTest.open(IncidentLifecycleTest.CHECKOUT_DOWN);
        String serviceCursor = given().queryParam("limit", 1).when().get("/api/services").then().statusCode(200)
                .extract().header("X-Next-Cursor");
        assertNotNull(serviceCursor, "the catalog holds at least two services");
        given().queryParam("cursor", serviceCursor).when().get("/api/incidents/" + id + "/timeline").then()
                .statusCode(400).body("errors.field", contains("cursor"));
        assertNull(given().when().get("/api/incidents/" + id + "/timeline").then().statusCode(200)
                .extract().header("X-Next-Cursor"));
    }

    @Test
    void valuesTheDatabaseCannotStoreAre400AndChangeNothing() {
        String id = IncidentLifecycleTest.open(IncidentLifecycleTest.CHECKOUT_DOWN);
        List<String> before = timelineTexts(id);
        given().contentType(ContentType.JSON).body("{\"phase\": \"ANALYSE\", \"text\": \"a\\u0000b\"}")
                .when().post("/api/incidents/" + id + "/timeline").then().log().ifValidationFails().statusCode(400)
                .contentType("application/problem+json").body("type", endsWith("/invalid-request"));
        String nulCursor = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[] { 0 });
        given().queryParam("cursor", nulCursor).when().get("/api/services").then().statusCode(400)
                .contentType("application/problem+json");
        given().queryParam("team", "pay\u0000ments").when().get("/api/incidents").then().statusCode(400)
                .contentType("application/problem+json");
        given().queryParam("from", "+300000-01-01T00:00:00Z").when().get("/api/incidents").then().statusCode(400)
                .contentType("application/problem+json");
        // Instants Java reads but no conversion to the database takes: 400 naming the field, in a query, a cursor
        // or a body.
        String farAway = "-1000000000-01-01T00:00:00Z";
        for (String list : List.of("/api/incidents", "/api/changes", "/api/audit")) {
            given().queryParam("from", farAway).when().get(list).then().statusCode(400)
                    .contentType("application/problem+json").body("errors.field", contains("from"));
        }
        String farCursor = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                (farAway + "\n" + java.util.UUID.randomUUID()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        given().queryParam("cursor", farCursor).when().get("/api/incidents").then().statusCode(400)
                .contentType("application/problem+json");
        // The last half microsecond of 9999 too: the database rounds it into the year 10000, which no reader takes.
        for (String detectedAt : List.of(farAway, "9999-12-31T23:59:59.9999995Z")) {
            given().contentType(ContentType.JSON).body(IncidentLifecycleTest.CHECKOUT_DOWN.replace("\"team\"",
                    "\"detectedAt\": \"" + detectedAt + "\", \"team\"")).when().post("/api/incidents").then()
                    .statusCode(400).contentType("application/problem+json").body("errors.field", contains("detectedAt"));
        }
        // A title required at open cannot be blanked later.
        given().contentType(ContentType.JSON).body("{\"version\": " + version(id) + ", \"title\": \" \"}")
                .when().patch("/api/incidents/" + id).then().statusCode(400).body("errors.field", contains("title"));
        // A team that no on-call team can be named (its WASHUP action would remind nobody): 400 naming it.
        given().contentType(ContentType.JSON).body(IncidentLifecycleTest.CHECKOUT_DOWN.replaceFirst("\"team\": \"[^\"]*\"",
                "\"team\": \"Payments\"")).when().post("/api/incidents").then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", contains("team"));
        given().contentType(ContentType.JSON).body("{\"team\": \"payments team\"}")
                .when().put("/api/services/cased-" + ChangesTest.unique()).then().statusCode(400)
                .body("errors.field", contains("team"));
        // A typed filter that is not its type is 400 naming it, not 404 "nothing here"; a path's id stays 404.
        for (String[] bad : new String[][] { { "from", "yesterday" }, { "severity", "sev1" }, { "status", "open" } }) {
            given().queryParam(bad[0], bad[1]).when().get("/api/incidents").then().statusCode(400)
                    .contentType("application/problem+json").body("errors.field", contains(bad[0]));
        }
        given().queryParam("from", "2026-12-01T10:00:00+01:00").when().get("/api/incidents").then().statusCode(200);
        given().when().get("/api/incidents/not-an-id").then().statusCode(404);
        // Bytes in no encoding JSON may be in (a UCS-4 byte-order mark Jackson cannot read): 400, not 500.
        for (byte[] mark : new byte[][] { { 0, 0, (byte) 0xFF, (byte) 0xFE }, { (byte) 0xFE, (byte) 0xFF, 0, 0 } }) {
            byte[] body = new byte[mark.length + 8];
            System.arraycopy(mark, 0, body, 0, mark.length);
            given().contentType(ContentType.JSON).body(body).when().post("/api/incidents/" + id + "/timeline").then()
                    .statusCode(400).contentType("application/problem+json").body("type", endsWith("/malformed-json"));
        }
        // Half a surrogate pair is no character: stored, it read back as '?' while the 201 echoed it as sent.
        given().contentType(ContentType.JSON).body("{\"phase\": \"ANALYSE\", \"text\": \"lone \\uD800 half\"}")
                .when().post("/api/incidents/" + id + "/timeline").then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", contains("text"));
        given().contentType(ContentType.JSON).body(IncidentLifecycleTest.CHECKOUT_DOWN.replace("\"services\": [\"checkout\"]",
                "\"services\": [\"checkout\", \"x\\uDC00\"]")).when().post("/api/incidents").then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", contains("services[1]"));
        assertEquals(before, timelineTexts(id));
        String pair = given().contentType(ContentType.JSON).body("{\"phase\": \"ANALYSE\", \"text\": \"a whole pair \\uD83D\\uDE00\"}")
                .when().post("/api/incidents/" + id + "/timeline").then().statusCode(201).extract().path("text");
        assertEquals("a whole pair \uD83D\uDE00", pair);
        assertTrue(timelineTexts(id).contains(pair), "read back as stored");
        given().contentType(ContentType.JSON).body("{\"phase\": \"ANALYSE\", \"text\": \"still works\"}")
                .when().post("/api/incidents/" + id + "/timeline").then().statusCode(201);
    }
}
