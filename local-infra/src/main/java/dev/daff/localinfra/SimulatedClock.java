package dev.daff.localinfra;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A service's clock in tests: it stands still until a test moves it, so days pass in milliseconds. Each service's
 * tests make it a bean ({@code SimulatedClockBean}), which replaces service-kit's default clock. Tests share one
 * application, so it only ever moves forward and each test reads "now" from it rather than assuming where it stands.
 */
public class SimulatedClock extends Clock {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now().truncatedTo(ChronoUnit.MINUTES));

    public void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("the simulated clock only moves forward: other tests rely on it");
        }
        now.updateAndGet(instant -> instant.plus(duration));
    }

    /**
     * Moves forward to the wall clock's time when behind it, for tests that send events stamped with the wall clock;
     * to the whole microsecond, as PostgreSQL keeps times, so a later test that compares a stored time with this clock
     * does not fail on the wall clock's nanoseconds.
     */
    public void notBehindTheWall() {
        Instant wall = Instant.now().truncatedTo(ChronoUnit.MICROS);
        now.updateAndGet(instant -> instant.isBefore(wall) ? wall : instant);
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
