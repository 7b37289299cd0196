package dev.daff.slo;

import org.junit.jupiter.api.Test;

import dev.daff.localinfra.ArchitectureRules;
import dev.daff.localinfra.LayeringTest;

/** The layering of slo-service (see ARCHITECTURE.md); each failure says what to move where. */
class ArchitectureTest extends LayeringTest {

    @Override
    protected String rootPackage() {
        return "dev.daff.slo";
    }

    /** The burn-rate maths is plain Java. */
    @Override
    protected String[] purePackages() {
        return new String[] { "dev.daff.slo.burn.." };
    }

    /** Paging's sub-features layer too: secrets, delivery, on-call, pages, escalation, report. */
    @Test
    void pagingSubFeaturesHaveNoCycles() {
        ArchitectureRules.featuresFreeOfCycles("dev.daff.slo.paging").check(classes());
    }
}
