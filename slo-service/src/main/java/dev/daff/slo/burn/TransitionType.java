package dev.daff.slo.burn;

/** An alert starting or ending. */
public enum TransitionType {
    FIRED, RESOLVED
}
