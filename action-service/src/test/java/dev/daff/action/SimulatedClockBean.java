package dev.daff.action;

import jakarta.inject.Singleton;

import dev.daff.localinfra.SimulatedClock;

/** The shared simulated clock as this service's clock in tests (it replaces service-kit's default clock). */
@Singleton
public class SimulatedClockBean extends SimulatedClock {
}
