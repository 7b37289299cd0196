package dev.daff.slo.paging.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.daff.localinfra.ShippedConfig;
import dev.daff.slo.paging.PagingConfig;

class RetryBackoffTest {

    /** Pauses of 0.25, 0.5, 1, 2 s and then 4 s: as many tries as fit in what the lease has left, seven at least. */
    @Test
    void recordingAnAttemptIsTriedForAsLongAsItsLeaseHolds() {
        assertEquals(7, DeliveryLog.triesWithin(Duration.ZERO), "a lease already gone (a clock that jumped)");
        assertEquals(7, DeliveryLog.triesWithin(Duration.ofMillis(11_749)));
        assertEquals(8, DeliveryLog.triesWithin(Duration.ofMillis(15_750)));
        assertEquals(11, DeliveryLog.triesWithin(Duration.ofSeconds(30)), "after a 5 s attempt under a 35 s lease");
    }

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

    @Test
    void aChannelsRetryAfterLengthensTheWaitUpToTheLongestBackoff() {
        Duration longest = Duration.ofMinutes(1);
        assertEquals(Duration.ofSeconds(2), DeliveryLog.nextWait(Duration.ofSeconds(2), null, longest));
        assertEquals(Duration.ofSeconds(2), DeliveryLog.nextWait(Duration.ofSeconds(2), Duration.ofSeconds(1), longest));
        assertEquals(Duration.ofSeconds(30), DeliveryLog.nextWait(Duration.ofSeconds(2), Duration.ofSeconds(30), longest));
        assertEquals(longest, DeliveryLog.nextWait(Duration.ofSeconds(2), Duration.ofHours(1), longest));
        assertEquals(Duration.ofSeconds(69), DeliveryLog.nextWait(Duration.ofSeconds(69), Duration.ofMinutes(2), longest),
                "a jittered backoff past the longest is not cut short by a Retry-After");

        Instant now = Instant.parse("2026-12-04T10:00:00Z");
        assertEquals(Duration.ofSeconds(120), ChannelSender.retryAfter(" 120 ", now));
        assertEquals(Duration.ofSeconds(45), ChannelSender.retryAfter("Fri, 04 Dec 2026 10:00:45 GMT", now));
        assertEquals(Duration.ZERO, ChannelSender.retryAfter("Fri, 04 Dec 2026 09:00:00 GMT", now));
        assertNull(ChannelSender.retryAfter("soon", now));
        assertNull(ChannelSender.retryAfter("-5", now));
        assertNull(ChannelSender.retryAfter("99999999999999999999", now));
    }
}
