package dev.daff.incident;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.events.Topics;
import dev.daff.localinfra.KafkaTestClient;
import dev.daff.localinfra.RealInfrastructureResource;
import dev.daff.localinfra.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class WashupTest {

    static final String FULL_WASHUP = """
            {"summary": "Checkout failed for 40 minutes", "impact": "12% of orders failed",
             "trigger": "pool size config change", "rootCause": "connection pool too small for the new retry policy",
             "whys": ["pool exhausted", "retries doubled connections"],
             "oneMoreWhy": "pool size is copied by hand into every service; it should come from one place",
             "wentWell": ["rollback took 3 minutes"], "wentWrong": ["alert fired late"], "gotLucky": ["low traffic"],
             "detection": "SLO burn page after 12 minutes"}
            """;

    @BeforeAll
    static void auth() {
        TestTokens.authenticateEveryRequest();
    }

    static void review(String id, int status) {
        given().contentType(ContentType.JSON).body("{}")
                .when().post("/api/incidents/" + id + "/washup/review").then().statusCode(status);
    }

    static io.restassured.specification.RequestSpecification as(String user) {
        return given().header("Authorization", "Bearer " + TestTokens.token(user, TestTokens.RESPONDER))
                .contentType(ContentType.JSON);
    }

    static String reviewableIncident() {
        String id = IncidentLifecycleTest.open(IncidentLifecycleTest.CHECKOUT_DOWN);
        given().contentType(ContentType.JSON).body("{\"class\": \"CHANGE\", \"seams\": [\"CONFIG\"]}")
                .when().put("/api/incidents/" + id + "/cause").then().statusCode(200);
        given().contentType(ContentType.JSON).body(FULL_WASHUP)
                .when().put("/api/incidents/" + id + "/washup").then().statusCode(200);
        IncidentLifecycleTest.move(id, "ANALYSING");
        IncidentLifecycleTest.move(id, "FIXING");
        IncidentLifecycleTest.move(id, "RESOLVED");
        return id;
    }

    @Test
    void reviewIsRefusedListingWhatIsMissingUntilResolvedAndComplete() {
        String id = IncidentLifecycleTest.open(IncidentLifecycleTest.CHECKOUT_DOWN);
        given().contentType(ContentType.JSON).body("{}").when().post("/api/incidents/" + id + "/washup/review")
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", containsString("washup-incomplete"))
                .body("missing", contains("status", "washup", "rootCause", "oneMoreWhy", "cause.class"))
                .body("detail", containsString("must be RESOLVED (it is DISCOVERED)"));

        given().contentType(ContentType.JSON).body("{\"rootCause\": \"pool too small\"}")
                .when().put("/api/incidents/" + id + "/washup").then().statusCode(200)
                .body("status", equalTo("DRAFT"))
                .body("missingForReview", contains("status", "oneMoreWhy", "cause.class"));
        given().contentType(ContentType.JSON).body("{\"class\": \"CHANGE\", \"seams\": [\"CONFIG\"], \"summary\": \"our change\"}")
                .when().put("/api/incidents/" + id + "/cause").then().statusCode(200)
                .body("class", equalTo("CHANGE")).body("seams", contains("CONFIG"));
        given().contentType(ContentType.JSON).body("{}").when().post("/api/incidents/" + id + "/washup/review")
                .then().statusCode(409).body("missing", contains("status", "oneMoreWhy"));

        IncidentLifecycleTest.move(id, "ANALYSING");
        IncidentLifecycleTest.move(id, "FIXING");
        IncidentLifecycleTest.move(id, "RESOLVED");
        given().contentType(ContentType.JSON).body("{\"rootCause\": \"pool too small\", \"oneMoreWhy\": \"  \"}")
                .when().put("/api/incidents/" + id + "/washup").then().statusCode(200);
        given().contentType(ContentType.JSON).body("{}").when().post("/api/incidents/" + id + "/washup/review")
                .then().statusCode(409).body("missing", contains("oneMoreWhy"));
        given().contentType(ContentType.JSON).body(FULL_WASHUP)
                .when().put("/api/incidents/" + id + "/washup").then().statusCode(200).body("missingForReview", empty());

        as("alice").body("{}")
                .when().post("/api/incidents/" + id + "/washup/review").then().statusCode(200)
                .body("status", equalTo("REVIEWED")).body("reviewedBy", equalTo("alice"))
                .body("reviewedBySubject", equalTo("alice-subject"))
                .body("reviewers.name", contains("alice")).body("reviewers.status", contains("CONFIRMED"))
                .body("reviewedAt", org.hamcrest.Matchers.notNullValue());
        review(id, 409);
        given().contentType(ContentType.JSON).body(FULL_WASHUP).when().put("/api/incidents/" + id + "/washup")
                .then().statusCode(409).body("type", containsString("washup-reviewed"));
        // The cause is part of the reviewed record too: changed now, it rewrote the washup and the meta-reviews.
        given().contentType(ContentType.JSON).body("{\"class\": \"PROVIDER\", \"seams\": [\"CAPACITY\"]}")
                .when().put("/api/incidents/" + id + "/cause").then().statusCode(409)
                .body("type", containsString("washup-reviewed"));
        given().when().get("/api/incidents/" + id + "/cause").then().statusCode(200)
                .body("class", equalTo("CHANGE")).body("seams", contains("CONFIG"));
        given().when().get("/api/incidents/" + id + "/timeline").then().statusCode(200)
                .body("kind", hasItems("CAUSE_SET", "WASHUP_UPDATED", "WASHUP_REVIEWED"))
                .body("find { it.kind == 'CAUSE_SET' }.text", equalTo("Cause: CHANGE at the CONFIG seam: our change"))
                .body("find { it.kind == 'WASHUP_REVIEWED' }.text", equalTo("Washup reviewed by alice"))
                .body("find { it.kind == 'WASHUP_REVIEWED' }.actor", equalTo("alice"));

        List<ConsumerRecord<String, String>> reviewed = KafkaTestClient.read(
                RealInfrastructureResource.kafka().bootstrapServers(), Topics.INCIDENT_EVENTS,
                r -> id.equals(r.key()) && r.value().contains("\"type\":\"WashupReviewed\""), 1, Duration.ofSeconds(20));
        assertEquals(1, reviewed.size());
        org.hamcrest.MatcherAssert.assertThat(reviewed.get(0).value(), containsString("\"status\":\"RESOLVED\""));
    }

    @Test
    void anEditAndAReviewAtOnceNeverLoseEitherSilently() throws Exception {
        java.util.concurrent.ExecutorService people = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 8; round++) {
                String id = reviewableIncident();
                String edited = "edited in round " + round;
                java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
                var edit = people.submit(() -> {
                    together.await();
                    return given().contentType(ContentType.JSON).body(FULL_WASHUP.replace(
                            "connection pool too small for the new retry policy", edited))
                            .when().put("/api/incidents/" + id + "/washup").then().extract().statusCode();
                });
                var review = people.submit(() -> {
                    together.await();
                    return given().contentType(ContentType.JSON).body("{}")
                            .when().post("/api/incidents/" + id + "/washup/review").then().extract().statusCode();
                });
                int editStatus = edit.get();
                int reviewStatus = review.get();
                var stored = given().when().get("/api/incidents/" + id + "/washup").then().statusCode(200).extract()
                        .jsonPath();
                if (editStatus == 200) {
                    assertEquals(edited, stored.getString("rootCause"), "round " + round + ": the edit answered 200");
                } else {
                    assertEquals(409, editStatus);
                }
                if (reviewStatus == 200) {
                    assertEquals("REVIEWED", stored.getString("status"), "round " + round + ": the review answered 200");
                } else {
                    assertEquals(409, reviewStatus);
                    review(id, 200); // refused whole, so it can be done again
                }
            }
        } finally {
            people.shutdown();
        }
    }

    @Test
    void aReviewNeverTakesAFreeTextReviewerAndChangesNothingWhenRefused() {
        String id = reviewableIncident();
        as("alice").body("{\"reviewedBy\": \"payments washup\"}")
                .when().post("/api/incidents/" + id + "/washup/review").then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", contains("reviewedBy"))
                .body("detail", containsString("/washup/review/confirmations"));
        as("alice").body("{\"reviewers\": [\"\"]}")
                .when().post("/api/incidents/" + id + "/washup/review").then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", contains(startsWith("reviewers[0]")));
        as("alice").body("{\"reviewers\": " + json(java.util.stream.IntStream.range(0, 21).mapToObj(i -> "r" + i).toList())
                + "}").when().post("/api/incidents/" + id + "/washup/review").then().statusCode(400)
                .body("errors[0].field", equalTo("reviewers"));
        given().when().get("/api/incidents/" + id + "/washup").then().statusCode(200)
                .body("status", equalTo("DRAFT")).body("reviewedBy", org.hamcrest.Matchers.nullValue())
                .body("reviewers", empty());
        given().when().get("/api/incidents/" + id + "/timeline").then().statusCode(200)
                .body("findAll { it.kind == 'WASHUP_REVIEWED' }", org.hamcrest.Matchers.hasSize(0));
        given().when().get("/api/incidents/" + id + "/finalisation").then().body("conditions[0].met", equalTo(false));
    }

    /** A confirmation sent twice at once (a double click, a client's retry): one is recorded, the other is told so. */
    @Test
    void aConfirmationSentTwiceAtOnceIsRecordedOnce() throws Exception {
        for (int round = 0; round < 5; round++) {
            String id = reviewableIncident();
            as("alice").body("{\"reviewers\": [\"bob\"]}").when().post("/api/incidents/" + id + "/washup/review")
                    .then().statusCode(200);
            java.util.function.Supplier<Integer> confirm = () -> as("bob").when()
                    .post("/api/incidents/" + id + "/washup/review/confirmations").then().extract().statusCode();
            List<Integer> statuses = new java.util.ArrayList<>(AtOnce.statuses(confirm, confirm));
            statuses.sort(null);
            assertEquals(List.of(200, 409), statuses, "round " + round);
            given().when().get("/api/incidents/" + id + "/timeline").then().statusCode(200)
                    .body("findAll { it.kind == 'WASHUP_REVIEW_CONFIRMED' }", hasSize(1));
        }
    }

    @Test
    void theReviewerIsTheCallerAndEachNamedReviewerConfirmsWithTheirOwnCall() {
        String id = reviewableIncident();
        String confirmations = "/api/incidents/" + id + "/washup/review/confirmations";
        as("bob").when().post(confirmations).then().statusCode(409).contentType("application/problem+json")
                .body("type", containsString("washup-not-reviewed"));

        as("alice").body("{\"reviewers\": [\"bob\", \" carol \", \"alice\", \"bob\"]}")
                .when().post("/api/incidents/" + id + "/washup/review").then().statusCode(200)
                .body("status", equalTo("REVIEWED"))
                .body("reviewedBy", equalTo("alice")).body("reviewedBySubject", equalTo("alice-subject"))
                .body("reviewers.name", contains("alice", "bob", "carol"))
                .body("reviewers.status", contains("CONFIRMED", "PENDING", "PENDING"))
                .body("reviewers.subject", contains("alice-subject", null, null));
        // Reviewed from the first call: the gate counts it.
        given().when().get("/api/incidents/" + id + "/finalisation").then().body("conditions[0].met", equalTo(true));

        // Nobody confirms in another's name: not someone the review does not name, not the recorder again.
        as("mallory").when().post(confirmations).then().statusCode(403).contentType("application/problem+json")
                .body("type", containsString("not-a-named-reviewer"));
        as("alice").when().post(confirmations).then().statusCode(409).body("type", containsString("review-already-confirmed"));
        as("bob").when().post(confirmations).then().statusCode(200)
                .body("reviewers.status", contains("CONFIRMED", "CONFIRMED", "PENDING"))
                .body("reviewers[1].subject", equalTo("bob-subject"))
                .body("reviewers[1].confirmedAt", org.hamcrest.Matchers.notNullValue())
                .body("reviewers[2].confirmedAt", org.hamcrest.Matchers.nullValue());
        as("bob").when().post(confirmations).then().statusCode(409);
        // Once bob confirmed, the name is his: another "bob" (another subject) has nothing left to confirm.
        String otherBob = io.smallrye.jwt.build.Jwt.preferredUserName("bob").subject("the-other-bob")
                .groups(java.util.Set.of(TestTokens.RESPONDER)).expiresIn(3600).sign();
        // (and a confirmation needs no body, nor a Content-Type)
        given().header("Authorization", "Bearer " + otherBob).when().post(confirmations).then().statusCode(403);
        as("carol").when().post("/api/incidents/" + java.util.UUID.randomUUID() + "/washup/review/confirmations")
                .then().statusCode(404);

        given().when().get("/api/incidents/" + id + "/washup").then().statusCode(200)
                .body("reviewers.status", contains("CONFIRMED", "CONFIRMED", "PENDING"));
        given().when().get("/api/incidents/" + id + "/timeline").then().statusCode(200)
                .body("find { it.kind == 'WASHUP_REVIEWED' }.text",
                        equalTo("Washup reviewed by alice; named as reviewers, to confirm: bob, carol"))
                .body("find { it.kind == 'WASHUP_REVIEWED' }.data.reviewedBySubject", equalTo("alice-subject"))
                .body("findAll { it.kind == 'WASHUP_REVIEW_CONFIRMED' }.actor", contains("bob"))
                .body("find { it.kind == 'WASHUP_REVIEW_CONFIRMED' }.data.subject", equalTo("bob-subject"));
        String markdown = given().when().get("/api/incidents/" + id + "/washup.md").then().statusCode(200)
                .extract().asString();
        org.hamcrest.MatcherAssert.assertThat(markdown, containsString("washup REVIEWED by alice at "));
        org.hamcrest.MatcherAssert.assertThat(markdown,
                containsString("; also reviewed by bob (confirmed), carol (not confirmed yet)"));
    }

    @Test
    void causeAndWashupRecordWhoWroteThemByName() {
        String id = IncidentLifecycleTest.open(IncidentLifecycleTest.CHECKOUT_DOWN);
        as("dana").body("{\"class\": \"CHANGE\"}").when().put("/api/incidents/" + id + "/cause").then().statusCode(200)
                .body("setBy", equalTo("dana")).body("setBySubject", equalTo("dana-subject"));
        as("erin").body("{\"rootCause\": \"pool too small\"}").when().put("/api/incidents/" + id + "/washup")
                .then().statusCode(200).body("updatedBy", equalTo("erin")).body("updatedBySubject", equalTo("erin-subject"));
    }

    /**
     * Two people edit one draft from the same read: the second PUT dropped what the first added, both answered 200; and
     * a review could be of a root cause the reviewer never read. With the version they read, the later one is 409.
     */
    @Test
    void anEditOrAReviewFromAnOlderReadIsRefusedWhenItSaysWhatItRead() {
        String id = reviewableIncident();
        long read = given().when().get("/api/incidents/" + id + "/washup").then().statusCode(200)
                .extract().jsonPath().getLong("version");
        long afterAlice = as("alice").body(withVersion(FULL_WASHUP.replace("\"alert fired late\"",
                "\"alert fired late\", \"runbook out of date\""), read))
                .when().put("/api/incidents/" + id + "/washup").then().statusCode(200)
                .body("wentWrong", hasSize(2)).extract().jsonPath().getLong("version");
        org.junit.jupiter.api.Assertions.assertNotEquals(read, afterAlice);

        as("bob").body(withVersion(FULL_WASHUP.replace("\"low traffic\"", "\"low traffic\", \"a quiet Sunday\""), read))
                .when().put("/api/incidents/" + id + "/washup").then().statusCode(409)
                .contentType("application/problem+json").body("type", containsString("stale-update"));
        as("carol").body("{\"version\": " + read + "}").when().post("/api/incidents/" + id + "/washup/review")
                .then().statusCode(409).body("type", containsString("stale-update"));
        given().when().get("/api/incidents/" + id + "/washup").then().statusCode(200)
                .body("status", equalTo("DRAFT")).body("wentWrong", hasSize(2)).body("gotLucky", hasSize(1))
                .body("version", equalTo((int) afterAlice));

        as("carol").body("{\"version\": " + afterAlice + "}").when().post("/api/incidents/" + id + "/washup/review")
                .then().statusCode(200).body("status", equalTo("REVIEWED"));
    }

    /** A washup read can be edited and PUT back whole: the answer's own fields are passed over, its version checked. */
    @Test
    void aWashupReadCanBeEditedAndPutBackWhole() throws Exception {
        String id = reviewableIncident();
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> read = mapper.readValue(given().when().get("/api/incidents/" + id + "/washup")
                .then().statusCode(200).extract().asString(), java.util.Map.class);
        read.put("rootCause", "retries doubled the connections of a pool sized by hand");
        given().contentType(ContentType.JSON).body(mapper.writeValueAsString(read))
                .when().put("/api/incidents/" + id + "/washup").then().statusCode(200)
                .body("rootCause", equalTo("retries doubled the connections of a pool sized by hand"));
        // The same read again: its version is an edit behind now.
        given().contentType(ContentType.JSON).body(mapper.writeValueAsString(read))
                .when().put("/api/incidents/" + id + "/washup").then().statusCode(409);
    }

    private static String withVersion(String washup, long version) {
        return "{\"version\": " + version + ", " + washup.strip().substring(1);
    }

    @Test
    void aMisspeltOrRepeatedKeyIsRefusedAndTheWashupKeepsWhatItHad() {
        String id = IncidentLifecycleTest.open(IncidentLifecycleTest.CHECKOUT_DOWN);
        given().contentType(ContentType.JSON).body(FULL_WASHUP)
                .when().put("/api/incidents/" + id + "/washup").then().statusCode(200);

        // Read leniently, "rootCuase" was dropped and the replacing PUT stored rootCause empty, answered 200.
        given().contentType(ContentType.JSON).body(FULL_WASHUP.replace("\"rootCause\"", "\"rootCuase\""))
                .when().put("/api/incidents/" + id + "/washup").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("rootCuase"))
                .body("detail", startsWith("rootCuase is not a field here (the fields are detection, gotLucky,"))
                .body("detail", containsString("rootCause"));
        given().contentType(ContentType.JSON)
                .body("{\"rootCause\": \"a guess\", \"rootCause\": \"connection pool too small\"}")
                .when().put("/api/incidents/" + id + "/washup").then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", startsWith("The key 'rootCause' is given twice in one object"));

        given().when().get("/api/incidents/" + id + "/washup").then().statusCode(200)
                .body("rootCause", equalTo("connection pool too small for the new retry policy"))
                .body("whys", hasSize(2));
    }

    private static String json(Object value) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void badCauseClassesAndSeamsAre400() {
        String id = IncidentLifecycleTest.open(IncidentLifecycleTest.CHECKOUT_DOWN);
        given().contentType(ContentType.JSON).body("{\"class\": \"ACTS_OF_GOD\"}")
                .when().put("/api/incidents/" + id + "/cause").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("class"));
        given().contentType(ContentType.JSON).body("{\"class\": \"CHANGE\", \"seams\": [\"VIBES\"]}")
                .when().put("/api/incidents/" + id + "/cause").then().statusCode(400)
                .body("errors[0].field", equalTo("seams[0]"));
        given().contentType(ContentType.JSON).body("{\"seams\": [\"DATA\"]}")
                .when().put("/api/incidents/" + id + "/cause").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"whys\": [\"\"]}")
                .when().put("/api/incidents/" + id + "/washup").then().statusCode(400);
        given().when().get("/api/incidents/" + id + "/cause").then().statusCode(404);
        given().contentType(ContentType.JSON).body("{\"class\": \"UNKNOWN\"}")
                .when().put("/api/incidents/" + java.util.UUID.randomUUID() + "/cause").then().statusCode(404);
    }

    @Test
    void washupMarkdownHoldsTheWholeRecord() {
        String u = "-" + ChangesTest.unique();
        ChangesTest.service("orders" + u, "{\"team\": \"payments\"}");
        Instant impact = Instant.parse("2022-02-02T10:00:00Z");
        String change = ChangesTest.register("orders" + u, "CONFIG", "pool size 5", impact.minus(Duration.ofMinutes(50)),
                null).getString("change.id");
        String id = ChangesTest.incident("orders" + u, impact, impact.plus(Duration.ofMinutes(12)));
        given().contentType(ContentType.JSON).body("{\"role\": \"CAUSED\"}")
                .when().post("/api/incidents/" + id + "/changes/" + change).then().statusCode(200);
        given().contentType(ContentType.JSON).body("{\"class\": \"CHANGE\", \"seams\": [\"CONFIG\", \"DEPLOYMENT\"]}")
                .when().put("/api/incidents/" + id + "/cause").then().statusCode(200);
        given().contentType(ContentType.JSON).body(FULL_WASHUP)
                .when().put("/api/incidents/" + id + "/washup").then().statusCode(200);

        String markdown = given().when().get("/api/incidents/" + id + "/washup.md").then().statusCode(200)
                .contentType(startsWith("text/markdown")).extract().asString();
        for (String expected : List.of("# SEV2: trouble on orders" + u, "- Detected: 2022-02-02T10:12:00Z (+12 min)",
                "- **Class:** CHANGE", "- **Seams:** CONFIG, DEPLOYMENT", "_No follow-up actions reported yet._",
                "- **CAUSED:** CONFIG on orders" + u + ": pool size 5",
                "- CONFIG on orders" + u + ", an affected service, 50 min before impact: pool size 5",
                "### Root cause\n\nconnection pool too small for the new retry policy",
                "### Whys\n\n1. pool exhausted\n2. retries doubled connections",
                "### One more why", "### Where we got lucky\n\n- low traffic",
                "_Missing before review: status._", "## Timeline", "CHANGE_LINKED")) {
            org.hamcrest.MatcherAssert.assertThat(markdown, containsString(expected));
        }
    }
    static final String HOSTILE_TITLE = "<script>alert(1)</script> **bold** [x](javascript:alert(1))";

    /**
     * Whatever people type is shown as typed: rendered the way a wiki renders washup.md (CommonMark with GitHub's
     * tables, strikethrough and autolinks), no field becomes HTML, a link, an image, emphasis, a heading, a list,
     * a quote, a table or code (a bare web address may still be linked to itself, as wikis do), and every field's
     * text is there, character for character.
     */
    @Test
    void washupMarkdownShowsWhatPeopleTypedAsTextNeverAsMarkupOrLinks() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        String u = "-" + ChangesTest.unique();
        ChangesTest.service("md" + u, "{\"team\": \"payments\"}");
        String hostileService = "svc<img src=x onerror=alert(1)>" + u;
        String team = "x_team_.-1"; // a handle, but with what Markdown reads as emphasis
        List<String> summaryLines = List.of("# not a heading", "- not a list", "1. not ordered", "2) nor this",
                "> not a quote", "| a | b |", "|---|---|", "| c | d |", "---", "~~~", "<div onclick=\"x()\">no html</div>",
                "[ref]: javascript:alert(1)", "see [ref] and ![img](http://example.com/x.png) and ~~gone~~",
                "<!-- comment --> &lt;entity&gt; &amp; \\*escaped\\* `code`", "***", "===", "+ plus", "* star");
        String summary = String.join("\n", summaryLines) + "\n\n        indented, not code";
        Instant impact = Instant.parse("2022-03-03T10:00:00Z");
        String changeSummary = "<a href=\"javascript:alert(1)\">click</a> _em_ **strong**";
        String ref = "`x` <script>alert(2)</script>";
        String change = given().contentType(ContentType.JSON).body(json.writeValueAsString(java.util.Map.of(
                "service", "md" + u, "kind", "CONFIG", "summary", changeSummary, "author", "ci<script>",
                "startedAt", impact.minus(Duration.ofMinutes(30)).toString(), "ref", ref, "environment", "production")))
                .when().post("/api/changes").then().statusCode(201).extract().path("change.id");
        String id = given().contentType(ContentType.JSON).body(json.writeValueAsString(java.util.Map.of(
                "title", HOSTILE_TITLE, "summary", summary, "severity", "SEV2", "services", List.of("md" + u, hostileService),
                "team", team, "impactStartedAt", impact.toString(), "detectedAt", impact.plus(Duration.ofMinutes(5)).toString(),
                "detectionSource", "HUMAN"))).when().post("/api/incidents").then().statusCode(201).extract().path("id");
        String note = "- [phish](https://evil.example) <iframe src=x></iframe> ![i](x.png) https://evil.example/x";
        given().contentType(ContentType.JSON).body(json.writeValueAsString(java.util.Map.of("phase", "ANALYSE", "text", note)))
                .when().post("/api/incidents/" + id + "/timeline").then().statusCode(201);
        given().contentType(ContentType.JSON).body("{\"role\": \"CAUSED\"}")
                .when().post("/api/incidents/" + id + "/changes/" + change).then().statusCode(200);
        String causeSummary = "**pool** <b>too</b> [small](javascript:x)";
        given().contentType(ContentType.JSON).body(json.writeValueAsString(java.util.Map.of("class", "CHANGE",
                "seams", List.of("CONFIG"), "summary", causeSummary)))
                .when().put("/api/incidents/" + id + "/cause").then().statusCode(200);
        java.util.Map<String, Object> washup = new java.util.LinkedHashMap<>();
        washup.put("summary", "## not a section\n<script>alert(3)</script>");
        washup.put("rootCause", "1. the pool <em>was</em> small");
        washup.put("oneMoreWhy", "> because [copied](http://x) by hand");
        washup.put("whys", List.of("- nested?", "<img src=y>"));
        washup.put("wentWell", List.of("# heading?", "| t | t |"));
        washup.put("wentWrong", List.of("~~struck~~"));
        washup.put("gotLucky", List.of("`code`"));
        given().contentType(ContentType.JSON).body(json.writeValueAsString(washup))
                .when().put("/api/incidents/" + id + "/washup").then().statusCode(200);
        IncidentLifecycleTest.move(id, "ANALYSING");
        IncidentLifecycleTest.move(id, "FIXING");
        IncidentLifecycleTest.move(id, "RESOLVED");
        String reviewedBy = "<i>me</i> [r](javascript:x)";
        given().contentType(ContentType.JSON).body(json.writeValueAsString(java.util.Map.of("reviewers", List.of(reviewedBy))))
                .when().post("/api/incidents/" + id + "/washup/review").then().statusCode(200);

        String markdown = given().when().get("/api/incidents/" + id + "/washup.md").then().statusCode(200)
                .extract().asString();
        List<org.commonmark.Extension> gfm = List.of(org.commonmark.ext.gfm.tables.TablesExtension.create(),
                org.commonmark.ext.gfm.strikethrough.StrikethroughExtension.create(),
                org.commonmark.ext.autolink.AutolinkExtension.create());
        org.commonmark.node.Node document = org.commonmark.parser.Parser.builder().extensions(gfm).build().parse(markdown);
        String html = org.commonmark.renderer.html.HtmlRenderer.builder().extensions(gfm).build().render(document);

        List<org.commonmark.node.Node> nodes = new java.util.ArrayList<>();
        collect(document, nodes);
        for (org.commonmark.node.Node node : nodes) {
            String kind = node.getClass().getSimpleName();
            if (node instanceof org.commonmark.node.Link link) {
                // A bare web address is linked by GitHub-style renderers whatever daff does; it shows where it goes.
                org.junit.jupiter.api.Assertions.assertTrue(link.getDestination().matches("https?://[^\\s]+")
                        && link.getDestination().equals(text(link)), "a link to " + link.getDestination() + " reading '"
                        + text(link) + "' in\n" + markdown);
                continue;
            }
            org.junit.jupiter.api.Assertions.assertFalse(List.of("HtmlInline", "HtmlBlock", "Image",
                    "Strikethrough", "TableBlock", "BlockQuote", "FencedCodeBlock", "IndentedCodeBlock", "ThematicBreak",
                    "LinkReferenceDefinition").contains(kind), kind + " in\n" + markdown);
            if (node instanceof org.commonmark.node.ListBlock) {
                org.junit.jupiter.api.Assertions.assertFalse(node.getParent() instanceof org.commonmark.node.ListItem,
                        "a list inside a list item in\n" + markdown);
            }
        }
        List<String> h1 = headings(nodes, 1);
        assertEquals(List.of("SEV2: " + HOSTILE_TITLE), h1);
        assertEquals(List.of("Milestones", "Cause", "Changes", "Washup", "Similar earlier incidents", "Follow-up actions", "Timeline"), headings(nodes, 2));
        assertEquals(List.of("Summary", "Root cause", "Whys", "One more why: why is the code like this, and should it be here?",
                "What went well", "What went wrong", "Where we got lucky"), headings(nodes, 3));
        assertEquals(java.util.Set.of("Status:", "Services:", "Team:", "Detected by:", "Incident id:", "Class:", "Seams:",
                "Summary:", "CAUSED:"), new java.util.HashSet<>(nodes.stream()
                        .filter(n -> n instanceof org.commonmark.node.StrongEmphasis).map(WashupTest::text).toList()));
        assertEquals(List.of("No follow-up actions reported yet."), nodes.stream()
                .filter(n -> n instanceof org.commonmark.node.Emphasis).map(WashupTest::text).toList());
        // Other tests' incidents with this title are similar earlier incidents, each listed with its id as code.
        assertEquals(List.of(id, ref, "GET /api/actions?incidentId=" + id), nodes.stream()
                .filter(n -> n instanceof org.commonmark.node.Code).map(n -> ((org.commonmark.node.Code) n).getLiteral())
                .filter(code -> code.equals(id) || !code.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"))
                .toList());
        assertEquals(1, nodes.stream().filter(n -> n instanceof org.commonmark.node.OrderedList).count(), "only the whys");

        String text = text(document);
        List<String> typed = new java.util.ArrayList<>(List.of(HOSTILE_TITLE, hostileService, team, changeSummary,
                causeSummary, note, reviewedBy, "## not a section", "<script>alert(3)</script>", "1. the pool <em>was</em> small",
                "> because [copied](http://x) by hand", "- nested?", "<img src=y>", "# heading?", "| t | t |", "~~struck~~",
                "`code`", "indented, not code"));
        typed.addAll(summaryLines);
        for (String expected : typed) {
            org.junit.jupiter.api.Assertions.assertTrue(text.contains(expected),
                    "'" + expected + "' is not in the rendered text:\n" + text + "\n\nfrom\n" + markdown);
        }
        for (String markup : List.of("<script", "<img", "<iframe", "<div", "<b>", "<i>", "<em>was", "<del>", "<table",
                "<blockquote", "<pre", "<hr", "<!--", "href=\"javascript", ">phish<", ">small<", ">click<", ">copied<")) {
            org.junit.jupiter.api.Assertions.assertFalse(html.contains(markup), markup + " in\n" + html);
        }
    }

    private static void collect(org.commonmark.node.Node node, List<org.commonmark.node.Node> into) {
        into.add(node);
        for (org.commonmark.node.Node child = node.getFirstChild(); child != null; child = child.getNext()) {
            collect(child, into);
        }
    }

    private static List<String> headings(List<org.commonmark.node.Node> nodes, int level) {
        return nodes.stream().filter(n -> n instanceof org.commonmark.node.Heading h && h.getLevel() == level)
                .map(WashupTest::text).toList();
    }

    /** What a reader sees of a node: its text, code and line breaks, blocks on lines of their own. */
    private static String text(org.commonmark.node.Node node) {
        StringBuilder out = new StringBuilder();
        node.accept(new org.commonmark.node.AbstractVisitor() {
            @Override
            public void visit(org.commonmark.node.Text text) {
                out.append(text.getLiteral());
            }

            @Override
            public void visit(org.commonmark.node.Code code) {
                out.append(code.getLiteral());
            }

            @Override
            public void visit(org.commonmark.node.SoftLineBreak lineBreak) {
                out.append('\n');
            }

            @Override
            public void visit(org.commonmark.node.Paragraph paragraph) {
                visitChildren(paragraph);
                out.append('\n');
            }

            @Override
            public void visit(org.commonmark.node.Heading heading) {
                visitChildren(heading);
                out.append('\n');
            }
        });
        return out.toString().strip();
    }
}
