package dev.daff.action;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;

import dev.daff.localinfra.ArchitectureRules;

/** The layering of action-service (see ARCHITECTURE.md); each failure says what to move where. */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = ArchitectureRules.productionClasses("dev.daff.action");
    }

    @Test
    void featuresHaveNoCycles() {
        ArchitectureRules.featuresFreeOfCycles("dev.daff.action").check(classes);
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
        ArchitectureRules.rulesArePure().check(classes);
    }

    @Test
    void noClassDoesSeveralJobs() {
        assertEquals(List.of(), ArchitectureRules.oversizedSources(Path.of("")),
                "classes over " + ArchitectureRules.MAX_CLASS_LINES + " lines: split each by job");
    }
}
