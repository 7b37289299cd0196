package dev.daff.slo.definition;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Instant;

import java.util.ArrayList;
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
 * lists of names (a few changed), the same either way, and never written back however the replica changes its copy;
 * the plain read of all of them gives every field as Hibernate reads it.
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

    @Test
    void anSloCreatedAgainUnderItsNameIsAnotherGenerationAndOneDeletedIsNotStored() {
        String body = """
                {"name": "defs-again", "service": "search", "team": "discovery", "objective": 99.9, "window": "30d"}""";
        given().contentType(ContentType.JSON).body(body).when().post("/api/slos").then().statusCode(201);
        Slo first = QuarkusTransaction.requiringNew().call(() -> slos.findById("defs-again"));
        assertEquals(true, QuarkusTransaction.requiringNew().call(() -> slos.stillStored("defs-again", first.revision())));
        given().when().delete("/api/slos/defs-again").then().statusCode(204);
        assertEquals(false, QuarkusTransaction.requiringNew().call(() -> slos.stillStored("defs-again", first.revision())));
        given().contentType(ContentType.JSON).body(body).when().post("/api/slos").then().statusCode(201);
        Slo again = QuarkusTransaction.requiringNew().call(() -> slos.findById("defs-again"));
        // Both started at version 0 before V24, and a PUT from a read of the first applied to the second.
        assertTrue(again.version > first.version, "the new one's versions start past the deleted one's");
        assertNotEquals(first.revision(), again.revision());
        assertEquals(again.revision(), QuarkusTransaction.requiringNew().call(slos::versions).get("defs-again"));
        assertEquals(false, QuarkusTransaction.requiringNew().call(() -> slos.stillStored("defs-again", first.revision())));
        assertEquals(true, QuarkusTransaction.requiringNew().call(() -> slos.stillStored("defs-again", again.revision())));
    }

    @Test
    void thePlainReadOfAllDefinitionsGivesEveryFieldAsHibernateReadsIt() {
        Slo stored = new Slo();
        stored.name = "defs-every-field";
        stored.service = "search";
        stored.team = "discovery";
        stored.description = "every field away from its default";
        stored.objective = 99.5;
        stored.windowDays = 7;
        stored.minEvents = 42;
        stored.noDataAfterSeconds = 900;
        stored.volumeDropEnabled = true;
        stored.volumeDropRatio = 0.25;
        stored.pageFastBudget = 0.03;
        stored.pageSlowBudget = 0.04;
        stored.ticketFastBudget = 0.11;
        stored.ticketSlowBudget = 0.12;
        stored.exhaustionAlertsEnabled = true;
        stored.exhaustionRateWindowSeconds = 7_200;
        stored.exhaustionTicketWithinSeconds = 172_800;
        stored.exhaustionPageWithinSeconds = 3_600;
        stored.budgetDropEnabled = true;
        stored.budgetDropFraction = 0.1;
        stored.budgetDropWindowSeconds = 1_800;
        stored.budgetDropSeverity = "PAGE";
        stored.prometheusErrorQuery = "sum(rate(errors[{{.window}}]))";
        stored.prometheusTotalQuery = "sum(rate(requests[{{.window}}]))";
        stored.createdAt = Instant.parse("2026-11-30T10:15:30.123456Z");
        stored.updatedAt = Instant.parse("2026-12-01T08:00:00.654321Z");
        List<Field> fields = entityFields();
        try {
            QuarkusTransaction.requiringNew().run(() -> slos.persist(stored));
            Slo defaults = new Slo();
            for (Field field : fields) {
                // A field left at its default could not show a missed column; the database gives the generation.
                if (!field.getName().equals("version") && !field.getName().equals("generation")) {
                    assertNotEquals(value(field, defaults), value(field, stored), field.getName() + " is at its default");
                }
            }

            Slo plain = QuarkusTransaction.requiringNew().call(slos::all).stream()
                    .filter(slo -> slo.name.equals(stored.name)).findFirst().orElseThrow();
            Slo hibernate = QuarkusTransaction.requiringNew().call(() -> slos.findById(stored.name));
            assertNotEquals(0L, hibernate.generation, "the database gave the SLO a generation");
            for (Field field : fields) {
                assertEquals(value(field, hibernate), value(field, plain), field.getName());
            }
        } finally {
            QuarkusTransaction.requiringNew().run(() -> slos.deleteById(stored.name));
        }
    }

    /** The entity's persistent fields: one added later fails the count here until the plain read and this test know it. */
    private static List<Field> entityFields() {
        List<Field> fields = new ArrayList<>();
        for (Field field : Slo.class.getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers()) && !field.isSynthetic() && !field.getName().startsWith("$$")) {
                field.setAccessible(true);
                fields.add(field);
            }
        }
        assertEquals(28, fields.size(), "fields of Slo: " + fields.stream().map(Field::getName).toList());
        return fields;
    }

    private static Object value(Field field, Slo slo) {
        try {
            return field.get(slo);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }
}
