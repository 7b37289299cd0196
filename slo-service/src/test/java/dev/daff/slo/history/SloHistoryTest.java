package dev.daff.slo.history;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

import jakarta.inject.Inject;
import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.localinfra.RealInfrastructureResource;
import dev.daff.localinfra.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@QuarkusTestResource(value = RealInfrastructureResource.class, restrictToAnnotatedClass = false,
        initArgs = @ResourceArg(name = "database", value = "slo"))
class SloHistoryTest {

    @Inject
    DataSource dataSource;

    @Inject
    Clock clock;

    @Inject
    dev.daff.slo.ingest.BucketRetention retention;

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    private static void createSlo(String name) {
        given().contentType(ContentType.JSON).body("""
                {"name": "%s", "service": "checkout", "team": "payments", "objective": 99.9, "window": "30d"}
                """.formatted(name)).when().post("/api/slos").then().statusCode(201);
    }

    private void bucket(String slo, Instant minute, long good, long total) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(
                        "insert into sli_bucket (slo_name, minute, good, total) values (?, ?, ?, ?)")) {
            insert.setString(1, slo);
            insert.setObject(2, OffsetDateTime.ofInstant(minute, ZoneOffset.UTC));
            insert.setLong(3, good);
            insert.setLong(4, total);
            insert.executeUpdate();
        }
    }

    /**
     * Retention keeps what the history's oldest point reads: a week-old point of a 7-day SLO reads the week before it.
     * Kept for one window and an hour, the outage ten days ago was gone and that point said no budget was spent.
     */
    @Test
    void theOldestPointStillReadsItsWholeWindowAfterRetention() throws SQLException {
        String slo = "history-after-retention";
        given().contentType(ContentType.JSON).body("""
                {"name": "%s", "service": "checkout", "team": "payments", "objective": 99.9, "window": "7d"}
                """.formatted(slo)).when().post("/api/slos").then().statusCode(201);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        bucket(slo, now.minus(Duration.ofDays(10)), 900, 1_000);
        bucket(slo, now.minus(Duration.ofHours(1)), 1_000, 1_000);
        retention.deleteExpired(now);

        Instant weekAgo = now.minus(Duration.ofDays(7));
        given().queryParam("from", weekAgo.toString()).queryParam("to", now.toString()).queryParam("step", "P1D")
                .when().get("/api/slos/" + slo + "/history")
                .then().statusCode(200)
                .body("points[0].at", equalTo(weekAgo.toString()))
                .body("points[0].total", equalTo(1_000))
                .body("points[0].budgetRemaining", equalTo(-99.0f));
    }

    /**
     * An hour at 1 % errors (burn 10 at 99.9 %) ending at T, after a quiet good minute two days before: the SLO window
     * holds 1,200,000 events with 600 bad, half of its 1,200 budgeted errors.
     */
    @Test
    void anHourAtTenTimesBurnGivesKnownSeriesAndHalfTheBudget() throws SQLException {
        String slo = "history-known-burn";
        createSlo(slo);
        Instant t = clock.instant().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(2));
        bucket(slo, t.minus(Duration.ofDays(2)), 1_140_000, 1_140_000);
        for (int minute = 0; minute < 60; minute++) {
            bucket(slo, t.minus(Duration.ofMinutes(minute)), 990, 1_000);
        }

        given().queryParam("from", t.toString()).queryParam("to", t.plus(Duration.ofHours(2)).toString())
                .queryParam("step", "PT1H")
                .when().get("/api/slos/" + slo + "/history")
                .then().statusCode(200)
                .body("window", equalTo("30d"))
                .body("stepSeconds", equalTo(3600))
                .body("stepWidened", equalTo(false))
                .body("points", hasSize(3))
                // at T: every window holds the burning minutes; 5m is its six newest ([T-5m, T])
                .body("points[0].at", equalTo(t.toString()))
                .body("points[0].budgetRemaining", equalTo(0.5f))
                .body("points[0].total", equalTo(1_200_000))
                .body("points[0].windows.'5m'.total", equalTo(6_000))
                .body("points[0].windows.'5m'.errorRatio", equalTo(0.01f))
                .body("points[0].windows.'5m'.burnRate", equalTo(10.0f))
                .body("points[0].windows.'1h'.total", equalTo(60_000))
                .body("points[0].windows.'1d'.burnRate", equalTo(10.0f))
                .body("points[0].windows.'3d'.total", equalTo(1_200_000))
                .body("points[0].windows.'3d'.burnRate", equalTo(0.5f))
                // an hour later the short windows are clean, 1h still holds minute T, 2h the whole hour
                .body("points[1].windows.'5m'.total", equalTo(0))
                .body("points[1].windows.'5m'.burnRate", equalTo(0.0f))
                .body("points[1].windows.'1h'.total", equalTo(1_000))
                .body("points[1].windows.'1h'.burnRate", equalTo(10.0f))
                .body("points[1].windows.'2h'.total", equalTo(60_000))
                .body("points[1].budgetRemaining", equalTo(0.5f))
                .body("points[2].windows.'1h'.total", equalTo(0))
                .body("points[2].windows.'6h'.total", equalTo(60_000))
                .body("points[2].windows.'6h'.burnRate", equalTo(10.0f));
    }

    @Test
    void theNewestPointIsAlwaysToAndStepsCountBackFromIt() {
        createSlo("history-aligned");
        Instant to = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        given().queryParam("from", to.minus(Duration.ofHours(2)).toString()).queryParam("to", to.toString())
                .queryParam("step", "PT50M")
                .when().get("/api/slos/history-aligned/history")
                .then().statusCode(200)
                .body("points", hasSize(3))
                .body("from", equalTo(to.minus(Duration.ofMinutes(100)).toString()))
                .body("points[0].at", equalTo(to.minus(Duration.ofMinutes(100)).toString()))
                .body("points[2].at", equalTo(to.toString()));
    }

    @Test
    void withoutStepTheWholeWindowComesInAtMostFiveHundredPoints() {
        createSlo("history-default-step");
        given().when().get("/api/slos/history-default-step/history")
                .then().statusCode(200)
                .body("stepWidened", equalTo(true))
                .body("stepSeconds", equalTo(87 * 60)) // 30 days = 43,200 minutes in 499 steps
                .body("points.size()", lessThanOrEqualTo(500))
                .body("points[0].budgetRemaining", equalTo(1.0f));
    }

    @Test
    void tooManyPointsOrBadParametersAre400ProblemJson() {
        createSlo("history-refusals");
        Instant now = clock.instant();
        given().queryParam("from", now.minus(Duration.ofDays(1)).toString()).queryParam("to", now.toString())
                .queryParam("step", "PT1M")
                .when().get("/api/slos/history-refusals/history")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("step"))
                .body("errors[0].message", containsString("use 3 minutes or more")); // 1,440 minutes in 499 steps
        given().queryParam("step", "PT90S").when().get("/api/slos/history-refusals/history")
                .then().statusCode(400).body("errors[0].field", equalTo("step"))
                .body("errors[0].message", containsString("whole minutes"));
        // A fraction of a second is not whole minutes either (it was taken for PT1M, and the points stepped by 60.5 s).
        given().queryParam("step", "PT1M0.5S").when().get("/api/slos/history-refusals/history")
                .then().statusCode(400).body("errors[0].field", equalTo("step"))
                .body("errors[0].message", containsString("whole minutes"));
        given().queryParam("from", now.toString()).queryParam("to", now.minus(Duration.ofHours(1)).toString())
                .when().get("/api/slos/history-refusals/history")
                .then().statusCode(400).body("errors[0].field", equalTo("from"))
                .body("errors[0].message", containsString("after to"));
        given().queryParam("from", "yesterday").when().get("/api/slos/history-refusals/history")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("from"));
        given().queryParam("step", "PT30S").when().get("/api/slos/history-refusals/history")
                .then().statusCode(400).contentType("application/problem+json");
        given().queryParam("from", now.minus(Duration.ofDays(31)).toString())
                .when().get("/api/slos/history-refusals/history")
                .then().statusCode(400).contentType("application/problem+json");
        // Older than one window back (and the hour retention keeps besides), even in a short range: its points'
        // windows reach before what is kept. A client whose "30 days ago" is a little behind this clock is answered.
        given().queryParam("to", now.minus(Duration.ofDays(59)).toString())
                .when().get("/api/slos/history-refusals/history")
                .then().statusCode(400).body("errors[0].field", equalTo("to"))
                .body("errors[0].message", containsString("one SLO window (30 days) at most"));
        given().queryParam("from", now.minus(Duration.ofDays(30)).minus(Duration.ofMinutes(90)).toString())
                .queryParam("to", now.minus(Duration.ofDays(29)).toString())
                .when().get("/api/slos/history-refusals/history")
                .then().statusCode(400).body("errors[0].field", equalTo("from"))
                .body("errors[0].message", containsString("one SLO window (30 days) at most"));
        given().queryParam("from", now.minus(Duration.ofDays(30)).minus(Duration.ofMinutes(5)).toString())
                .queryParam("to", now.minus(Duration.ofDays(29)).toString())
                .when().get("/api/slos/history-refusals/history").then().statusCode(200);
        // Instants Java parses but no history has: before the epoch, or beyond tomorrow (and PostgreSQL's range).
        for (String[] edge : new String[][] {{"to", "-1000000000-01-01T00:00:00Z"},
                {"from", "-1000000000-01-01T00:00:00Z"}, {"to", "+1000000000-12-31T23:59:59Z"},
                {"to", "1969-12-31T23:59:00Z"}, {"to", now.plus(Duration.ofDays(2)).toString()}}) {
            given().queryParam(edge[0], edge[1]).when().get("/api/slos/history-refusals/history")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("errors[0].field", equalTo(edge[0]));
        }
        given().queryParam("to", now.plus(Duration.ofHours(1)).toString())
                .when().get("/api/slos/history-refusals/history").then().statusCode(200);
        given().when().get("/api/slos/no-such-slo/history").then().statusCode(404)
                .contentType("application/problem+json");
    }
}
