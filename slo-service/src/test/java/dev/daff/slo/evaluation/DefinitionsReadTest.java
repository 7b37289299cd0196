package dev.daff.slo.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;

import org.eclipse.microprofile.health.HealthCheckResponse.Status;
import org.junit.jupiter.api.Test;

/** Unready before the definitions are read; {@code SloIngestTest} sees the running service ready with them read. */
class DefinitionsReadTest {

    @Test
    void aReplicaThatHasNotReadItsDefinitionsIsNotReady() {
        SloEvaluator evaluator = new SloEvaluator(null, null, null, null, null, null, Clock.systemUTC());
        assertEquals(Status.DOWN, new DefinitionsRead(evaluator).call().getStatus(),
                "ready before any definition was read");
    }
}
