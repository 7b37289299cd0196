package dev.daff.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * daff's alerts on itself (deploy/prometheus): valid rules, and their unit test, which feeds each rule the series of
 * a stuck outbox, a page that reached nobody, a failed delivery and dead letters, and of a busy but moving outbox
 * that must not fire. The metric names are checked against the running services by e2e's DaffEndToEndIT.
 */
class SelfAlertsTest {

    private static final Path RULES = Project.root().resolve("deploy/prometheus");

    @Test
    void promtoolAcceptsTheRulesAndTheirUnitTestPasses() throws Exception {
        boolean required = "true".equals(System.getenv("DAFF_REQUIRE_PROMTOOL"));
        boolean present = new ProcessBuilder("sh", "-c", "command -v promtool").start().waitFor() == 0;
        if (!present) {
            assertFalse(required, "DAFF_REQUIRE_PROMTOOL=true but promtool is not on the PATH (Debian: apt-get install "
                    + "prometheus)");
            Assumptions.abort("promtool is not on the PATH (Debian package prometheus): daff's own alerts are not checked");
        }
        String checked = promtool("check", "rules", "daff-self-alerts.yaml");
        assertTrue(checked.contains("SUCCESS: 10 rules found"), checked);
        String tested = promtool("test", "rules", "daff-self-alerts.test.yaml");
        assertTrue(tested.contains("SUCCESS"), tested);
    }

    private static String promtool(String... arguments) throws IOException, InterruptedException {
        String[] command = new String[arguments.length + 1];
        command[0] = "promtool";
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        Process run = new ProcessBuilder(command).directory(RULES.toFile()).redirectErrorStream(true).start();
        assertTrue(run.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, run.exitValue(), output);
        return output;
    }
}
