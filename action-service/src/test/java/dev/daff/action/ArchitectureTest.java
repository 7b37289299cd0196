package dev.daff.action;

import dev.daff.localinfra.LayeringTest;

/** The layering of action-service (see ARCHITECTURE.md); each failure says what to move where. */
class ArchitectureTest extends LayeringTest {

    @Override
    protected String rootPackage() {
        return "dev.daff.action";
    }
}
