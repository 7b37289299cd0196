package dev.daff.slo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;

import dev.daff.localinfra.ArchitectureRules;

/** The layering of slo-service (see ARCHITECTURE.md); each failure says what to move where. */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = ArchitectureRules.productionClasses("dev.daff.slo");
    }

    @Test
    void featuresHaveNoCycles() {
        ArchitectureRules.featuresFreeOfCycles("dev.daff.slo").check(classes);
    }

    /** Paging's sub-features layer too: secrets, delivery, on-call, pages, escalation, report. */
    @Test
    void pagingSubFeaturesHaveNoCycles() {
        ArchitectureRules.featuresFreeOfCycles("dev.daff.slo.paging").check(classes);
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
    void burnMathsAndRulesArePlainJava() {
        ArchitectureRules.rulesArePure("dev.daff.slo.burn..").check(classes);
    }

    @Test
    void noClassDoesSeveralJobs() {
        assertEquals(List.of(), ArchitectureRules.oversizedSources(Path.of("")),
                "classes over " + ArchitectureRules.MAX_CLASS_LINES + " lines: split each by job");
    }
}
