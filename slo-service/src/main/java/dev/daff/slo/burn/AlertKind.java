package dev.daff.slo.burn;

/** What an alert is about: the budget burning, the SLI going silent, or its traffic collapsing. */
public enum AlertKind {
    BURN_RATE, NO_DATA, VOLUME_DROP
}
