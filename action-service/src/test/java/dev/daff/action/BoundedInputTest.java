package dev.daff.action;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.localinfra.ListPages;
import dev.daff.localinfra.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** Issue 13, bounded input: the action list pages, and text that does not fit its column is a 400. */
@QuarkusTest
class BoundedInputTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }


    @Test
    void theActionListPagesByCursorSoonestDueFirst() {
        UUID incidentId = UUID.randomUUID();
        Instant due = Instant.parse("2031-01-01T09:00:00Z");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            // Two actions share each due date: the cursor must not lose or repeat a tie.
            created.add(ActionTestSupport.create(incidentId, "payments", "LOCAL", due.plus(Duration.ofDays(i / 2))));
        }
        List<Response> pages = ListPages.all("/api/actions?incidentId=" + incidentId + "&limit=2");
        assertEquals(3, pages.size());
        List<String> ids = pages.stream().flatMap(p -> p.jsonPath().<String>getList("id").stream()).toList();
        List<String> dueAt = pages.stream().flatMap(p -> p.jsonPath().<String>getList("dueAt").stream()).toList();
        assertEquals(5, ids.size());
        assertEquals(new HashSet<>(created), new HashSet<>(ids));
        assertEquals(dueAt.stream().sorted().toList(), dueAt);
        pages.get(2).then().body("", hasSize(1));

        given().queryParam("incidentId", incidentId.toString()).when().get("/api/actions").then().statusCode(200)
                .body("", hasSize(5)).header("Link", org.hamcrest.Matchers.nullValue());
        for (String limit : List.of("0", "501", "-3", "many")) {
            given().queryParam("limit", limit).when().get("/api/actions").then().statusCode(400)
                    .contentType("application/problem+json").body("errors.field", contains("limit"));
        }
        given().queryParam("cursor", "%%%").when().get("/api/actions").then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", contains("cursor"));
        // A typed filter that is not its type is 400 naming it and what it takes, not 404 "nothing here".
        given().queryParam("status", "open").when().get("/api/actions").then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", contains("status"))
                .body("errors[0].message", containsString("OPEN"));
        given().queryParam("incidentId", "42").when().get("/api/actions").then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", contains("incidentId"));
        given().queryParam("status", "OPEN").when().get("/api/actions").then().statusCode(200);
        given().queryParam("limit", 500).when().get("/api/actions").then().statusCode(200);
    }

    static String create(UUID incidentId, String field, Object value) throws Exception {
        java.util.Map<String, Object> action = new java.util.LinkedHashMap<>(java.util.Map.of("incidentId", incidentId,
                "title", "Pool connections", "ownerTeam", "payments", "kind", "PREVENT", "scope", "SYSTEMIC",
                "systemicRationale", "every service opens its own pool", "priority", "P2"));
        action.put(field, value);
        return JSON.writeValueAsString(action);
    }

    @Test
    void textOverItsColumnIs400NamingTheFieldAndChangesNothing() throws Exception {
        UUID incidentId = UUID.randomUUID();
        for (var tooLong : List.of(List.of("title", 201), List.of("description", 4001), List.of("assignee", 201),
                List.of("systemicRationale", 4001), List.of("ownerTeam", 101))) {
            String field = (String) tooLong.get(0);
            given().contentType(ContentType.JSON).body(create(incidentId, field, "a".repeat((Integer) tooLong.get(1))))
                    .when().post("/api/actions").then().log().ifValidationFails().statusCode(400)
                    .contentType("application/problem+json").body("errors.field", contains(startsWith(field)));
        }
        given().queryParam("incidentId", incidentId.toString()).when().get("/api/actions").then().body("", hasSize(0));

        String id = given().contentType(ContentType.JSON).body(create(incidentId, "title", "t".repeat(200)))
                .when().post("/api/actions").then().statusCode(201).extract().path("id");
        given().contentType(ContentType.JSON)
                .body(JSON.writeValueAsString(java.util.Map.of("to", "WONT_DO", "reason", "r".repeat(4001))))
                .when().post("/api/actions/" + id + "/transitions").then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", contains("reason"));
        given().when().get("/api/actions/" + id).then().statusCode(200).body("status", equalTo("OPEN"))
                .body("title", equalTo("t".repeat(200)));
        given().when().get("/api/teams/" + "t".repeat(101) + "/actions/report").then().statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void valuesTheDatabaseCannotStoreAre400AndChangeNothing() throws Exception {
        UUID incidentId = UUID.randomUUID();
        for (String body : List.of(create(incidentId, "title", "pool\u0000connections"),
                create(incidentId, "dueAt", "+300000-01-01T00:00:00Z"),
                create(incidentId, "dueAt", "-1000000000-01-01T00:00:00Z"))) {
            given().contentType(ContentType.JSON).body(body).when().post("/api/actions").then()
                    .log().ifValidationFails().statusCode(400).contentType("application/problem+json")
                    .body("type", endsWith("/invalid-request"));
        }
        // a due date years away is one nobody is ever reminded of, overdue for, or reported on
        given().contentType(ContentType.JSON).body(create(incidentId, "dueAt", "9999-12-31T23:59:59Z"))
                .when().post("/api/actions").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("dueAt")).body("errors[0].message", containsString("1825 days ahead"));
        given().queryParam("ownerTeam", "pay\u0000ments").when().get("/api/actions").then().statusCode(400)
                .contentType("application/problem+json");
        given().queryParam("incidentId", incidentId.toString()).when().get("/api/actions").then().statusCode(200)
                .body("", hasSize(0));
        // and the next caller is served as before
        given().contentType(ContentType.JSON).body(create(incidentId, "title", "Pool connections"))
                .when().post("/api/actions").then().statusCode(201);
    }
}
