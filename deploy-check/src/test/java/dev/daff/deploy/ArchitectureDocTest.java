package dev.daff.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * ARCHITECTURE.md names classes, event types, tables, columns and topics; each must exist, so that the page a newcomer reads first stays
 * true when code moves.
 */
class ArchitectureDocTest {

    private static final Pattern BACKTICKED = Pattern.compile("`([^`]+)`");
    private static final Pattern CLASS_NAME = Pattern.compile("[A-Z][A-Za-z0-9]+");
    private static final Pattern TABLE_NAME = Pattern.compile("[a-z]+(_[a-z*]+)+");

    @Test
    void everyClassTableAndTopicItNamesExists() throws IOException {
        String doc = Files.readString(Project.root().resolve("ARCHITECTURE.md"));
        String sources = concatenated("src/main/java", ".java") + concatenated("src/test/java", ".java");
        String migrations = concatenated("src/main/resources", ".sql");
        TreeSet<String> missing = new TreeSet<>();
        Matcher named = BACKTICKED.matcher(doc);
        while (named.find()) {
            String name = named.group(1);
            if (CLASS_NAME.matcher(name).matches()) {
                if (!Pattern.compile("(class|record|interface|enum) " + name + "\\b").matcher(sources).find()
                        && !sources.contains("\"" + name + "\"")) {
                    missing.add("class or event type " + name);
                }
            } else if (TABLE_NAME.matcher(name).matches()) {
                if (!migrations.contains(name.replace("*", ""))) {
                    missing.add("table or column " + name);
                }
            } else if (name.startsWith("daff.") && !name.contains("<")) {
                if (!sources.contains("\"" + name + "\"")) {
                    missing.add("topic " + name);
                }
            }
        }
        assertEquals(List.of(), List.copyOf(missing), "ARCHITECTURE.md names what the code does not have: update the page");
    }

    /** Every file under {@code <module>/<directory>} of every module, ending in {@code suffix}, one after another. */
    private static String concatenated(String directory, String suffix) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> modules = Files.list(Project.root())) {
            for (Path module : modules.filter(Files::isDirectory).toList()) {
                Path root = module.resolve(directory);
                if (!Files.isDirectory(root)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(root)) {
                    files.filter(f -> f.toString().endsWith(suffix)).forEach(f -> all.append(read(f)).append('\n'));
                }
            }
        }
        return all.toString();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
