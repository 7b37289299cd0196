package dev.daff.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The daff settings deploy-check lets every manifest set must be keys the shared kit really reads. Their environment
 * form cannot tell {@code relay.interval} from {@code relay-interval}, so a misspelt name passes every other check and
 * sends a reader of the deploy docs to a key that does not exist.
 */
class StandardKeysTest {

    @Test
    void everyStandardDaffKeyIsReadByTheServiceKit() throws IOException {
        String kitSources;
        try (Stream<Path> files = Files.walk(Project.root().resolve("service-kit/src/main/java"))) {
            kitSources = String.join("\n", files.filter(f -> f.toString().endsWith(".java")).map(StandardKeysTest::read).toList());
        }
        for (String key : Project.STANDARD_KEYS) {
            if (key.startsWith("daff.")) {
                assertTrue(kitSources.contains("name = \"" + key + "\""),
                        () -> key + " is a standard key in Project.STANDARD_KEYS and deploy/README.md, but no"
                                + " @ConfigProperty in service-kit reads it: correct the name in both places");
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
