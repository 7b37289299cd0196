package dev.daff.incident;

import dev.daff.localinfra.LayeringTest;

/** The layering of incident-service (see ARCHITECTURE.md); each failure says what to move where. */
class ArchitectureTest extends LayeringTest {

    @Override
    protected String rootPackage() {
        return "dev.daff.incident";
    }
}
