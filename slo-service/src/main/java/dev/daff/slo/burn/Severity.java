package dev.daff.slo.burn;

/** Who is told: PAGE wakes someone now, TICKET waits for working hours. */
public enum Severity {
    PAGE, TICKET
}
