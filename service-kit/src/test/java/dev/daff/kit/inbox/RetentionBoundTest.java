package dev.daff.kit.inbox;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** A processed-event retention shorter than the topics keep records would let a redelivery apply twice. */
class RetentionBoundTest {

    @Test
    void aRetentionShorterThanEightDaysStopsTheStart() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> new ProcessedEventRetention(null, null, Duration.ofDays(7)).checkAtStart(null));
        assertTrue(refused.getMessage().startsWith("daff.events.processed-retention must be at least 8 days"),
                refused.getMessage());
        assertDoesNotThrow(() -> new ProcessedEventRetention(null, null, Duration.ofDays(8)).checkAtStart(null));
    }
}
