package dev.daff.slo.paging.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.daff.localinfra.ShippedConfig;
import dev.daff.slo.paging.PagingConfig;

class RetryBackoffTest {

    @Test
    void theBackoffDoublesUpToItsLongestAndTheShippedAttemptsOutlastMinutesAway() {
        Duration first = Duration.ofSeconds(1);
        Duration longest = Duration.ofMinutes(1);
        assertEquals(Duration.ofSeconds(1), DeliveryLog.backoff(first, longest, 1, 1.0));
        assertEquals(Duration.ofSeconds(32), DeliveryLog.backoff(first, longest, 6, 1.0));
        assertEquals(Duration.ofMinutes(1), DeliveryLog.backoff(first, longest, 7, 1.0));
        assertEquals(Duration.ofMinutes(1), DeliveryLog.backoff(first, longest, 40, 1.0), "no overflow however many");
        assertEquals(Duration.ofSeconds(48), DeliveryLog.backoff(first, longest, 9, 0.8));

        // With what ships, the gaps between the first and the last attempt add up to more than four minutes even
        // with the shortest jitter: a channel away for minutes still gets the page.
        PagingConfig shipped = ShippedConfig.mapping(PagingConfig.class, Map.of());
        Duration trying = Duration.ZERO;
        for (int attempt = 1; attempt < shipped.maxAttempts(); attempt++) {
            trying = trying.plus(DeliveryLog.backoff(shipped.retryBackoff(), shipped.retryBackoffMax(), attempt, 0.8));
        }
        assertEquals(true, trying.compareTo(Duration.ofMinutes(4)) > 0, "retried for " + trying);
    }
}
