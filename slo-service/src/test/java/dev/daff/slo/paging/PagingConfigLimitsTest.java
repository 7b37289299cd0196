package dev.daff.slo.paging;

import static dev.daff.localinfra.ShippedConfig.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.daff.localinfra.ShippedConfig;

/**
 * A paging number out of range stops slo-service at its start, naming the property: no attempts at all would drop
 * every page, and no delivery threads would leave every page queued.
 */
class PagingConfigLimitsTest {

    @Test
    void theShippedValuesAreInRange() {
        PagingConfig shipped = ShippedConfig.mapping(PagingConfig.class, Map.of());
        assertEquals(12, shipped.maxAttempts());
        assertEquals(8, shipped.deliveryConcurrency());
    }

    @Test
    void aPageIsAttemptedAtLeastOnceByAtLeastOneThread() {
        assertEquals(1, ShippedConfig.mapping(PagingConfig.class, Map.of("daff.paging.max-attempts", "1")).maxAttempts());
        assertRefused(PagingConfig.class, "daff.paging.max-attempts", "0");
        assertRefused(PagingConfig.class, "daff.paging.delivery-concurrency", "0");
    }

    @Test
    void workingHoursAreHoursOfADay() {
        assertRefused(PagingConfig.class, "daff.paging.workday-start-hour", "24");
        assertRefused(PagingConfig.class, "daff.paging.workday-end-hour", "25");
        assertRefused(PagingConfig.class, "daff.paging.workday-end-hour", "0");
    }
}
