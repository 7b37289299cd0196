package dev.daff.kit.outbox;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Wakes the relay as soon as a transaction that wrote outbox rows has committed, so an event (an alert that pages
 * someone) leaves within milliseconds instead of at the next poll; the poll interval remains for what a wake-up
 * could miss (a replica that died before relaying, rows written by another replica).
 */
@ApplicationScoped
public class OutboxSignal {

    private final Semaphore written = new Semaphore(0);

    void committed() {
        if (written.availablePermits() == 0) {
            written.release();
        }
    }

    /** Waits until rows were committed or {@code atMost} passed. */
    void await(Duration atMost) throws InterruptedException {
        written.tryAcquire(atMost.toMillis(), TimeUnit.MILLISECONDS);
        written.drainPermits();
    }
}
