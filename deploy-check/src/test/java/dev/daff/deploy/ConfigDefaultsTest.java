package dev.daff.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every setting has its default in one place, so changing it cannot leave a second, silently stale copy: a service's
 * own settings in its {@code application.properties} (where operators and deploy-check read them), the kit's in the
 * kit's code. A key the properties file sets may not also carry a default in code.
 */
class ConfigDefaultsTest {

    private static final Pattern CONFIG_PROPERTY = Pattern.compile("@ConfigProperty\\(name = \"([^\"]+)\", defaultValue =");
    private static final Pattern PLACEHOLDER = Pattern.compile("\"\\$\\{([^:}]+):[^}]*}\"");
    private static final Pattern MAPPING = Pattern.compile("@ConfigMapping\\(prefix = \"([^\"]+)\"");
    private static final Pattern MAPPED_DEFAULT = Pattern.compile(
            "@WithDefault\\(\"[^\"]*\"\\)\\s*(?:@\\w+(?:\\([^)]*\\))?\\s*)*[\\w<>.,? ]+\\s+(\\w+)\\(\\)");

    @Test
    void noPropertiesKeyAlsoHasADefaultInCode() throws IOException {
        List<String> twice = new ArrayList<>();
        for (String service : List.of("slo-service", "incident-service", "action-service", "console")) {
            Set<String> keys = propertiesKeys(Project.root().resolve(service).resolve("src/main/resources/application.properties"));
            for (String defaulted : codeDefaults(service)) {
                if (keys.contains(defaulted)) {
                    twice.add(service + ": " + defaulted);
                }
            }
        }
        assertEquals(List.of(), twice, "defaults in both application.properties and code: keep the properties line");
    }

    /** Keys that have a default in the service's code or the kit's. */
    private static Set<String> codeDefaults(String service) throws IOException {
        Set<String> keys = new TreeSet<>();
        for (Path root : List.of(Project.root().resolve(service).resolve("src/main/java"),
                Project.root().resolve("service-kit/src/main/java"))) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String source = Files.readString(file);
                    collect(CONFIG_PROPERTY.matcher(source), keys, "");
                    collect(PLACEHOLDER.matcher(source), keys, "");
                    Matcher mapping = MAPPING.matcher(source);
                    if (mapping.find()) {
                        Matcher method = MAPPED_DEFAULT.matcher(source);
                        while (method.find()) {
                            keys.add(mapping.group(1) + "." + method.group(1).replaceAll("([A-Z])", "-$1").toLowerCase());
                        }
                    }
                }
            }
        }
        return keys;
    }

    private static void collect(Matcher matcher, Set<String> keys, String prefix) {
        while (matcher.find()) {
            keys.add(prefix + matcher.group(1));
        }
    }

    /** The keys a properties file sets for every profile (profile lines, {@code %test.…}, are overrides). */
    private static Set<String> propertiesKeys(Path file) {
        Set<String> keys = new TreeSet<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String l = line.strip();
                if (!l.isEmpty() && !l.startsWith("#") && !l.startsWith("%") && l.contains("=")) {
                    keys.add(l.substring(0, l.indexOf('=')).strip());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return keys;
    }
}
