package dev.daff.incident;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.daff.localinfra.LocalPostgres;
import dev.daff.localinfra.RealInfrastructureResource;
import dev.daff.localinfra.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * PostgreSQL restarted under writers, as a failover or maintenance restart does it: every open connection cut in
 * whatever it was doing (a statement, a flush, the commit itself). A caller may be told to retry (503 with
 * {@code Retry-After}), never 500; what was answered 201 is stored; and the API works for the next caller.
 */
@QuarkusTest
class DatabaseRestartTest {

    private static final int WRITERS = 4;
    private static final int RESTARTS = 4;

    @Inject
    AgroalDataSource database;

    /** One answer to a writer: its status, its Retry-After header, the incident it opened (on 201). */
    record Answer(int status, String retryAfter, String id, String body) {
    }

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    /**
     * The narrowest windows a restart can hit, after the incident's row is flushed: the connection cut as the audit
     * entry is written just before the commit, or in the commit itself. PostgreSQL ends the session itself here, from a
     * trigger on the audit entry, as a fast shutdown does.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "create trigger end_the_session before insert on audit_entry for each row",
            "create constraint trigger end_the_session after insert on audit_entry deferrable initially deferred for each row"
    })
    void aConnectionCutAfterTheFlushAnswers503AndKeepsNothing(String trigger) throws Exception {
        String cutOff = "cut-off-writer";
        String title = "Checkout errors cut off " + java.util.UUID.randomUUID();
        installSessionEnd(trigger, cutOff);
        Response answer;
        try {
            answer = given().header("Authorization", "Bearer " + TestTokens.token(cutOff, TestTokens.RESPONDER))
                    .contentType(ContentType.JSON)
                    .body(IncidentLifecycleTest.CHECKOUT_DOWN.replace("Checkout errors in eu-west-1c", title))
                    .when().post("/api/incidents");
        } finally {
            execute("drop trigger end_the_session on audit_entry", "drop function end_the_session()");
        }
        assertAll(
                () -> assertEquals(503, answer.statusCode(), answer.asString()),
                () -> assertEquals("application/problem+json", answer.contentType()),
                () -> assertTrue(answer.header("Retry-After") != null, "503 without Retry-After"),
                () -> assertEquals(0, count("select count(*) from incident where title = ?", title),
                        "the incident was stored without its audit entry"));
        IncidentLifecycleTest.open(IncidentLifecycleTest.CHECKOUT_DOWN);
    }

    /**
     * A replay's records are on Kafka before its audit entry is written, in a transaction of its own: cut there, the
     * replay stands, so the caller must not hear "nothing was changed, retry" (503) and replay the records again.
     */
    @Test
    void aConnectionCutAsAReplaysAuditEntryIsWrittenIsNotAnsweredAsNothingChanged() throws Exception {
        String cutOff = "cut-off-replayer";
        installSessionEnd("create trigger end_the_session before insert on audit_entry for each row", cutOff);
        Response answer;
        try {
            answer = given().header("Authorization", "Bearer " + TestTokens.token(cutOff, TestTokens.ADMIN))
                    .when().post("/api/admin/dead-letters/daff.change-events.incident-service.dead-letter/replay");
        } finally {
            execute("drop trigger end_the_session on audit_entry", "drop function end_the_session()");
        }
        assertEquals(500, answer.statusCode(), answer.asString());
        assertEquals("application/problem+json", answer.contentType());
        // The next replay, with nothing cut, is answered and audited as ever: the failed write left nothing behind.
        given().header("Authorization", "Bearer " + TestTokens.token(cutOff, TestTokens.ADMIN))
                .when().post("/api/admin/dead-letters/daff.change-events.incident-service.dead-letter/replay")
                .then().statusCode(200);
    }

    @Test
    void writersCutOffByARestartAreToldToRetryAndWhatWasAnsweredCreatedIsStored() throws Exception {
        LocalPostgres postgres = RealInfrastructureResource.postgres();
        ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        for (int writer = 0; writer < WRITERS; writer++) {
            writers.submit(() -> {
                while (writing.get()) {
                    answers.add(openIncident());
                }
            });
        }
        try {
            for (int restart = 0; restart < RESTARTS; restart++) {
                awaitCreatedAfter(answers);
                postgres.restart();
            }
            awaitCreatedAfter(answers);
        } finally {
            writing.set(false);
            writers.shutdown();
            writers.awaitTermination(60, TimeUnit.SECONDS);
            // idle connections the restarts cut would each cost the module's next test classes one 503
            database.flush(AgroalDataSource.FlushMode.GRACEFUL);
        }

        List<Answer> other5xx = answers.stream().filter(a -> a.status() >= 500 && a.status() != 503).toList();
        List<Answer> bare503 = answers.stream()
                .filter(a -> a.status() == 503 && (a.retryAfter() == null || a.retryAfter().isBlank())).toList();
        List<Answer> created = answers.stream().filter(a -> a.status() == 201).toList();
        List<String> lost = created.stream().map(Answer::id)
                .filter(id -> given().when().get("/api/incidents/" + id).statusCode() != 200).toList();
        assertAll(
                () -> assertTrue(other5xx.isEmpty(), "answers other than 503 among the 5xx: " + other5xx.stream()
                        .limit(3).toList() + " (answers by status: " + histogram(answers) + ")"),
                () -> assertTrue(bare503.isEmpty(), bare503.size() + " 503 answers without Retry-After"),
                () -> assertTrue(answers.stream().anyMatch(a -> a.status() == 503),
                        "no writer was cut off, so the restarts tested nothing: " + histogram(answers)),
                () -> assertEquals(List.of(), lost, "incidents answered 201 and not stored"));
        IncidentLifecycleTest.open(IncidentLifecycleTest.CHECKOUT_DOWN);
    }

    /** Makes PostgreSQL end the session that writes an audit entry for {@code user}, at the trigger's moment. */
    private void installSessionEnd(String trigger, String user) throws java.sql.SQLException {
        execute("""
                create function end_the_session() returns trigger language plpgsql as $$
                begin
                    perform pg_terminate_backend(pg_backend_pid());
                    return new;
                end $$""",
                trigger + " when (new.actor_name = '" + user + "') execute function end_the_session()");
    }

    private void execute(String... statements) throws java.sql.SQLException {
        try (java.sql.Connection connection = database.getConnection();
                java.sql.Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private long count(String sql, String parameter) throws java.sql.SQLException {
        try (java.sql.Connection connection = database.getConnection();
                java.sql.PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, parameter);
            try (java.sql.ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static Answer openIncident() {
        Response response = given().contentType(ContentType.JSON).body(IncidentLifecycleTest.CHECKOUT_DOWN)
                .when().post("/api/incidents");
        String body = response.asString();
        return new Answer(response.statusCode(), response.header("Retry-After"),
                response.statusCode() == 201 ? response.path("id") : null, body);
    }

    /** Waits until a writer has opened an incident since now: the service works between restarts. */
    private static void awaitCreatedAfter(ConcurrentLinkedQueue<Answer> answers) {
        int seen = answers.size();
        org.awaitility.Awaitility.await("an incident opened after the database came back")
                .atMost(java.time.Duration.ofSeconds(60))
                .until(() -> answers.stream().skip(seen).anyMatch(a -> a.status() == 201));
    }

    private static Map<Integer, Long> histogram(ConcurrentLinkedQueue<Answer> answers) {
        return answers.stream().collect(Collectors.groupingBy(Answer::status, TreeMap::new, Collectors.counting()));
    }
}
