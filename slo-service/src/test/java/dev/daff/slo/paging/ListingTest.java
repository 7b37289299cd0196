package dev.daff.slo.paging;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.localinfra.TestTokens;
import dev.daff.slo.SimulatedClock;
import dev.daff.slo.evaluation.SloAlert;
import dev.daff.slo.evaluation.SloAlerts;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import dev.daff.slo.paging.pages.Page;
import dev.daff.slo.paging.pages.Pages;

/** List endpoints answer a page at a time: ?limit (default 100, at most 500) and ?cursor from X-Next-Cursor. */
@QuarkusTest
@QuarkusTestResource(value = PagingReceiverResource.class, restrictToAnnotatedClass = false)
class ListingTest {

    @Inject
    Pages pages;

    @Inject
    SloAlerts alerts;

    @Inject
    SimulatedClock clock;

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    /** One page of the walk: its rows and the cursor it handed out (null on the last). */
    record Slice(List<Map<String, Object>> rows, String next) {
    }

    Slice get(String path, Map<String, Object> query) {
        Response response = given().queryParams(query).when().get(path).then().statusCode(200).extract().response();
        return new Slice(response.jsonPath().getList(""), response.header("X-Next-Cursor"));
    }

    /** Every row, following X-Next-Cursor; checks no page is larger than the limit. */
    List<Map<String, Object>> walk(String path, Map<String, Object> query, int limit, List<Integer> sizes) {
        List<Map<String, Object>> all = new ArrayList<>();
        String cursor = null;
        do {
            Map<String, Object> params = new java.util.HashMap<>(query);
            params.put("limit", limit);
            if (cursor != null) {
                params.put("cursor", cursor);
            }
            Slice slice = get(path, params);
            assertTrue(slice.rows().size() <= limit);
            sizes.add(slice.rows().size());
            all.addAll(slice.rows());
            cursor = slice.next();
        } while (cursor != null);
        return all;
    }

    Page page(String team, Instant createdAt) {
        Page page = new Page();
        page.id = UUID.randomUUID();
        page.dedupKey = team + ":" + page.id;
        page.alertId = UUID.randomUUID().toString();
        page.sloName = "list-slo";
        page.service = "list";
        page.team = team;
        page.kind = "BURN_RATE";
        page.summary = "listed";
        page.alert = "{}";
        page.state = Page.RESOLVED;
        page.createdAt = createdAt;
        return page;
    }

    SloAlert alert(String slo, String severity, Instant firedAt) {
        SloAlert alert = new SloAlert();
        alert.alertId = UUID.randomUUID().toString();
        alert.dedupKey = slo + ":" + alert.alertId;
        alert.sloName = slo;
        alert.severity = severity;
        alert.kind = "BURN_RATE";
        alert.firedAt = firedAt;
        alert.resolvedAt = firedAt.plus(Duration.ofMinutes(5)); // one unresolved episode per kind at most
        return alert;
    }

    @Test
    void pagesComeAPageAtATimeWithTiesAndNewArrivalsNeitherSkippedNorRepeated() {
        // 130 pages at 10 instants, 13 at each: the cursor must break ties by id.
        Instant base = clock.instant().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(1));
        List<String> stored = new ArrayList<>();
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < 130; i++) {
                Page page = page("sre-list", base.plus(Duration.ofMinutes(i % 10)));
                pages.persist(page);
                stored.add(page.id.toString());
            }
        });

        given().queryParam("team", "sre-list").when().get("/api/pages").then().statusCode(200)
                .body("", hasSize(100)).header("X-Next-Cursor", org.hamcrest.Matchers.notNullValue());

        List<Integer> sizes = new ArrayList<>();
        List<Map<String, Object>> first = new ArrayList<>();
        Slice one = get("/api/pages", Map.of("team", "sre-list", "limit", 50));
        first.addAll(one.rows());
        // A page arriving mid-walk is the newest: it belongs before the cursor and must not shift what follows.
        QuarkusTransaction.requiringNew().run(() -> pages.persist(page("sre-list", base.plus(Duration.ofHours(1)))));
        Slice two = get("/api/pages", Map.of("team", "sre-list", "limit", 50, "cursor", one.next()));
        Slice three = get("/api/pages", Map.of("team", "sre-list", "limit", 50, "cursor", two.next()));
        sizes.addAll(List.of(one.rows().size(), two.rows().size(), three.rows().size()));
        assertEquals(List.of(50, 50, 30), sizes);
        assertNotNull(two.next());
        assertEquals(null, three.next(), "no cursor on the last page");
        first.addAll(two.rows());
        first.addAll(three.rows());
        List<String> ids = first.stream().map(row -> (String) row.get("id")).toList();
        assertEquals(130, new HashSet<>(ids).size(), "nothing repeated");
        assertEquals(new HashSet<>(stored), new HashSet<>(ids), "nothing skipped, and the newcomer not mixed in");
        List<Instant> created = first.stream().map(row -> Instant.parse((String) row.get("createdAt"))).toList();
        for (int i = 1; i < created.size(); i++) {
            assertFalse(created.get(i).isAfter(created.get(i - 1)), "newest first");
        }
        assertEquals(131, walk("/api/pages", Map.of("team", "sre-list"), 500, new ArrayList<>()).size());
    }

    @Test
    void limitsOutsideOneTo500AndForeignCursorsAre400ProblemJson() {
        for (String path : List.of("/api/pages", "/api/alerts", "/api/tickets", "/api/teams")) {
            for (String limit : List.of("501", "0", "-1", "many", "1e3")) {
                given().queryParam("limit", limit).when().get(path).then().statusCode(400)
                        .contentType("application/problem+json").body("errors[0].field", equalTo("limit"));
            }
            given().queryParam("cursor", "not a cursor!").when().get(path).then().statusCode(400)
                    .contentType("application/problem+json").body("errors[0].field", equalTo("cursor"));
            given().queryParam("limit", "500").when().get(path).then().statusCode(200);
        }
        // A team-name cursor on a time-ordered list, and the reverse.
        String teamCursor = dev.daff.kit.listing.PageRequest.cursorAfter("sre");
        given().queryParam("cursor", teamCursor).when().get("/api/pages").then().statusCode(400);
        String timeCursor = dev.daff.kit.listing.PageRequest.cursorAfter(Instant.now(), java.util.UUID.randomUUID());
        given().queryParam("cursor", timeCursor).when().get("/api/teams").then().statusCode(400);
        String notAPageId = dev.daff.kit.listing.PageRequest.cursorAfter(Instant.now(), "x");
        given().queryParam("cursor", notAPageId).when().get("/api/pages").then().statusCode(400)
                .body("errors[0].field", equalTo("cursor"));
    }

    @Test
    void alertsAndTicketsPageNewestFirstAndTheLastFullPageHasNoCursor() {
        Instant base = clock.instant().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(2));
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < 120; i++) {
                alerts.persist(alert("list-alerts", i % 2 == 0 ? "PAGE" : "TICKET", base.plus(Duration.ofMinutes(i % 7))));
            }
            for (int i = 0; i < 15; i++) {
                alerts.persist(alert("list-tickets", "TICKET", base.plus(Duration.ofMinutes(i))));
                alerts.persist(alert("list-tickets", "PAGE", base.plus(Duration.ofMinutes(i))));
            }
        });
        List<Integer> sizes = new ArrayList<>();
        List<Map<String, Object>> listed = walk("/api/alerts", Map.of("state", "all", "slo", "list-alerts"), 40, sizes);
        assertEquals(List.of(40, 40, 40), sizes, "120 rows in pages of 40: the third is full and last");
        assertEquals(120, listed.stream().map(row -> row.get("alertId")).distinct().count());
        List<Instant> fired = listed.stream().map(row -> Instant.parse((String) row.get("firedAt"))).toList();
        for (int i = 1; i < fired.size(); i++) {
            assertFalse(fired.get(i).isAfter(fired.get(i - 1)), "newest first");
        }

        List<Map<String, Object>> tickets = walk("/api/tickets", Map.of("state", "all"), 7, new ArrayList<>());
        assertTrue(tickets.stream().allMatch(row -> "TICKET".equals(row.get("severity"))));
        List<Map<String, Object>> ours = tickets.stream().filter(row -> "list-tickets".equals(row.get("slo"))).toList();
        assertEquals(15, ours.size());
        assertEquals(base.plus(Duration.ofMinutes(14)), Instant.parse((String) ours.get(0).get("firedAt")));
        assertEquals(60, tickets.stream().filter(row -> "list-alerts".equals(row.get("slo"))).count());
    }

    @Test
    void teamsPageInNameOrder() {
        for (String name : List.of("list-c", "list-a", "list-b")) {
            given().contentType(ContentType.JSON).body("""
                    {"members": [{"handle": "x"}],
                     "rotation": {"members": ["x"], "shiftLength": "P7D", "startsAt": "2026-01-05T09:00:00Z", "timeZone": "UTC"}}""")
                    .when().put("/api/teams/" + name).then().statusCode(200);
        }
        List<String> names = new ArrayList<>();
        String cursor = null;
        do {
            Response response = given().queryParam("limit", 2).queryParams(cursor == null ? Map.of() : Map.of("cursor", cursor))
                    .when().get("/api/teams").then().statusCode(200).extract().response();
            List<String> slice = response.jsonPath().getList("", String.class);
            assertTrue(slice.size() <= 2);
            names.addAll(slice);
            cursor = response.header("X-Next-Cursor");
        } while (cursor != null);
        assertTrue(names.containsAll(List.of("list-a", "list-b", "list-c")));
        assertEquals(names.stream().sorted().distinct().toList(), names, "in name order, each once");
        given().queryParam("limit", 1).when().get("/api/teams").then().body("", hasSize(1))
                .header("X-Next-Cursor", org.hamcrest.Matchers.notNullValue());
        given().queryParam("limit", 500).when().get("/api/teams").then().header("X-Next-Cursor", nullValue());
    }
}
