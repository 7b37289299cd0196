package dev.daff.slo.evaluation;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.microprofile.health.HealthCheckResponse.Status;
import org.junit.jupiter.api.Test;

class DefinitionsAtStartupTest {

    @Test
    void staysUnreadyUntilTheDefinitionsAreReadAndRetriesADatabaseThatDoesNotAnswer() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        CountDownLatch databaseBack = new CountDownLatch(1);
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch finishRead = new CountDownLatch(1);
        DefinitionsAtStartup startup = new DefinitionsAtStartup(() -> {
            attempts.incrementAndGet();
            if (databaseBack.getCount() > 0) {
                throw new IllegalStateException("connection refused");
            }
            reading.countDown();
            waitFor(finishRead);
        }, Duration.ofMillis(10));
        assertEquals(Status.DOWN, startup.call().getStatus(), "nothing read before the start");

        startup.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get() >= 3);
        assertEquals(Status.DOWN, startup.call().getStatus(), "unready while the database does not answer");

        databaseBack.countDown();
        reading.await(10, TimeUnit.SECONDS);
        assertEquals(Status.DOWN, startup.call().getStatus(), "unready while the definitions are being read");

        finishRead.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> startup.call().getStatus() == Status.UP);
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
