package dev.daff.incident;

import static dev.daff.localinfra.ShippedConfig.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.daff.incident.changes.ChangeConfig;
import dev.daff.incident.similar.SimilarConfig;
import dev.daff.localinfra.ShippedConfig;

/**
 * A count out of range in the configuration stops incident-service at its start, naming the property, rather than
 * failing requests later: a negative {@code daff.changes.concurrent-limit} would fail every change report.
 */
class ConfigLimitsTest {

    @Test
    void theShippedValuesAreInRange() {
        assertEquals(20, ShippedConfig.mapping(ChangeConfig.class, Map.of()).concurrentLimit());
        assertEquals(20, ShippedConfig.mapping(SimilarConfig.class, Map.of()).minScore());
    }

    @Test
    void zeroConcurrentChangesIsAChoiceANegativeNumberIsAMistake() {
        assertEquals(0, ShippedConfig.mapping(ChangeConfig.class,
                Map.of("daff.changes.concurrent-limit", "0")).concurrentLimit());
        assertRefused(ChangeConfig.class, "daff.changes.concurrent-limit", "-1");
        assertRefused(ChangeConfig.class, "daff.changes.dependency-depth", "-1");
        assertRefused(ChangeConfig.class, "daff.changes.shared-platform-min-dependents", "-5");
    }

    @Test
    void scoresAreOutOfAHundredAndLimitsListAtLeastOne() {
        assertRefused(SimilarConfig.class, "daff.similar.min-score", "101");
        assertRefused(SimilarConfig.class, "daff.similar.recurrence-min-score", "-1");
        assertRefused(SimilarConfig.class, "daff.similar.default-limit", "0");
        assertRefused(SimilarConfig.class, "daff.similar.max-limit", "0");
        assertRefused(SimilarConfig.class, "daff.similar.max-candidates", "-1");
        assertRefused(SimilarConfig.class, "daff.similar.washup-top", "-3");
    }
}
