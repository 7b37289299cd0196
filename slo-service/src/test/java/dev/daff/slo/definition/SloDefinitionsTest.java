package dev.daff.slo.definition;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.localinfra.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The copies of definitions a replica keeps: exactly the named ones that exist, read in one query (a start) or in
 * lists of names (a few changed), the same either way, and never written back however the replica changes its copy.
 */
@QuarkusTest
class SloDefinitionsTest {

    private static final List<String> WANTED = List.of("defs-first", "defs-third", "defs-never-made");

    @Inject
    SloDefinitions slos;

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    @Test
    void bothWaysOfReadingGiveTheNamedDefinitionsDetachedAndNeverWrittenBack() {
        for (String name : List.of("defs-first", "defs-second", "defs-third")) {
            given().contentType(ContentType.JSON).body("""
                    {"name": "%s", "service": "checkout", "team": "payments", "objective": 99.9, "window": "30d"}
                    """.formatted(name)).when().post("/api/slos").then().statusCode(201);
        }

        // known = 3: most of them are wanted, so one query for all (a replica's start); known = 10,000: lists of names.
        for (int known : new int[] { 3, 10_000 }) {
            List<Slo> read = QuarkusTransaction.requiringNew().call(() -> {
                List<Slo> copies = slos.detached(WANTED, known);
                // Changed inside the transaction that read it: a copy that were written back would be flushed at commit.
                copies.forEach(copy -> copy.objective = 50.0);
                return copies;
            });
            assertEquals(Set.of("defs-first", "defs-third"), new TreeSet<>(read.stream().map(slo -> slo.name).toList()),
                    "read with " + known + " known");
            for (String name : List.of("defs-first", "defs-third")) {
                assertEquals(99.9, QuarkusTransaction.requiringNew().call(() -> slos.findById(name).objective), name);
            }
        }
    }
}
