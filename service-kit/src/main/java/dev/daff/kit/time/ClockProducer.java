package dev.daff.kit.time;

import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.arc.DefaultBean;

/**
 * Every daff decision that depends on time reads this clock, never {@code Instant.now()}, so tests can run
 * simulated hours in milliseconds. {@code daff.clock.offset} shifts it (end-to-end runs use it to stand in
 * the past); tests replace the bean with a clock they move by hand.
 */
public class ClockProducer {

    @Produces
    @Singleton
    @DefaultBean
    Clock clock(@ConfigProperty(name = "daff.clock.offset", defaultValue = "PT0S") Duration offset) {
        return offset.isZero() ? Clock.systemUTC() : Clock.offset(Clock.systemUTC(), offset);
    }
}
