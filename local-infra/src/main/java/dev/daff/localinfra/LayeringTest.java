package dev.daff.localinfra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.tngtech.archunit.core.domain.JavaClasses;

/**
 * The layering every service keeps (see ARCHITECTURE.md), as tests: each service's {@code ArchitectureTest} extends
 * this with its root package. Each failure says what to move where.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class LayeringTest {

    private JavaClasses classes;

    /** The service's root package, e.g. {@code dev.daff.slo}. */
    protected abstract String rootPackage();

    /** Packages whose every class is pure (plain Java), besides the {@code *Rule(s)} classes. */
    protected String[] purePackages() {
        return new String[0];
    }

    protected final JavaClasses classes() {
        return classes;
    }

    @BeforeAll
    void importClasses() {
        classes = ArchitectureRules.productionClasses(rootPackage());
    }

    @Test
    void featuresHaveNoCycles() {
        ArchitectureRules.featuresFreeOfCycles(rootPackage()).check(classes);
    }

    @Test
    void resourcesAreThin() {
        ArchitectureRules.resourcesAreThin().check(classes);
    }

    @Test
    void kafkaListenersLiveInConsumers() {
        ArchitectureRules.listenersInConsumers().check(classes);
    }

    @Test
    void rulesArePlainJava() {
        ArchitectureRules.rulesArePure(purePackages()).check(classes);
    }

    @Test
    void noClassDoesSeveralJobs() {
        assertEquals(List.of(), ArchitectureRules.oversizedSources(Path.of("")),
                "classes over " + ArchitectureRules.MAX_CLASS_LINES + " lines: split each by job");
    }
}
