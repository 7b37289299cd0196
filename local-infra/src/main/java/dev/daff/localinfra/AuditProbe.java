package dev.daff.localinfra;

import static io.restassured.RestAssured.given;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the audit tests of every service share: a fresh caller whose entries can be told apart from everyone
 * else's, the entries it left, and the write operations the service's OpenAPI document lists.
 */
public final class AuditProbe {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

    private AuditProbe() {
    }

    /** A caller of its own: {@code name} is its {@code preferred_username}, {@code subject} its {@code sub}. */
    public record Auditor(String name, String subject, String bearer) {
    }

    /** A new user (never seen before by the service) holding {@code roles}. */
    public static Auditor auditor(String... roles) {
        String name = "auditor-" + UUID.randomUUID().toString().substring(0, 8);
        return new Auditor(name, name + "-subject", "Bearer " + TestTokens.token(name, roles));
    }

    /** Every audit entry the service holds for this actor, newest first (read by an admin of its own). */
    public static List<JsonNode> entriesBy(Auditor auditor) {
        return entries(Map.of("actor", auditor.subject()));
    }

    /** Every audit entry that matches the filters, newest first, following the pages to the end. */
    public static List<JsonNode> entries(Map<String, String> filters) {
        String reader = "Bearer " + TestTokens.token("audit-reader", TestTokens.ADMIN);
        List<JsonNode> entries = new ArrayList<>();
        String cursor = null;
        do {
            var request = given().header("Authorization", reader).queryParams(filters).queryParam("limit", 500);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            var response = request.when().get("/api/audit").then().statusCode(200).extract();
            try {
                JSON.readTree(response.asString()).forEach(entries::add);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            cursor = response.header("X-Next-Cursor");
        } while (cursor != null);
        return entries;
    }

    /** The service's write operations ({@code POST /api/actions/{id}/transitions}) as its OpenAPI document lists them. */
    public static Set<String> writeOperations() {
        JsonNode document;
        try {
            document = JSON.readTree(given().when().get("/q/openapi?format=json").then().statusCode(200).extract().asString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Set<String> operations = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(method -> {
                String verb = method.toUpperCase(Locale.ROOT);
                if (WRITES.contains(verb)) {
                    operations.add(verb + " " + path.getKey());
                }
            });
        }
        return operations;
    }

    /**
     * Calls every write (operation → a call made as the given auditor, answering the object it wrote) as a new user
     * holding {@code roles}, and answers what is wrong: a write that left other than exactly one entry, or one whose
     * entry names another route, object or caller, or no changes.
     */
    public static List<String> problemsWith(Map<String, Function<Auditor, String>> writes, String... roles) {
        List<String> problems = new ArrayList<>();
        writes.forEach((operation, write) -> {
            Auditor auditor = auditor(roles);
            String object = write.apply(auditor);
            List<JsonNode> entries = entriesBy(auditor);
            if (entries.size() != 1) {
                problems.add(operation + ": " + entries.size() + " entries " + entries);
                return;
            }
            JsonNode entry = entries.get(0);
            if (!entry.path("action").asText().equals(operation) || !entry.path("object").asText().equals(object)
                    || !entry.path("actorName").asText().equals(auditor.name()) || entry.path("changes").isEmpty()) {
                problems.add(operation + ": wanted " + object + ", got " + entry);
            }
        });
        return problems;
    }
}
