package dev.daff.incident.lifecycle;

import java.time.Duration;
import java.time.Instant;

import dev.daff.kit.problem.ProblemException;

/**
 * When an incident's impact started and when it was detected, as people and alerts report them: never in the future,
 * and never after what daff measured itself (acknowledged, identified, resolved). A detection after the
 * acknowledgement made MTTA negative, and the meta-review's means and gauges with it.
 */
public final class IncidentTimes {

    /** How far ahead of this service's clock a reported time may be: a client's clock running a little fast. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

    private IncidentTimes() {
    }

    /** Refuses a reported time further ahead of {@code now} than clocks drift apart. */
    static void requireNotFuture(String field, Instant reported, Instant now) {
        if (reported != null && reported.isAfter(now.plus(CLOCK_SKEW))) {
            throw ProblemException.invalidField(field, "cannot be in the future (it is " + now + " now)");
        }
    }

    /** A reported time, refused when in the future, and taken as {@code now} when a drifting clock put it just ahead. */
    static Instant reported(String field, Instant reported, Instant now) {
        requireNotFuture(field, reported, now);
        return noLaterThan(reported, now);
    }

    /** A reported time a drifting clock put ahead of {@code now}, taken as {@code now}. */
    public static Instant noLaterThan(Instant reported, Instant now) {
        return reported == null || !reported.isAfter(now) ? reported : now;
    }

    /** Refuses a detection time after any moment of the incident daff recorded itself. */
    static void requireDetectedBeforeMeasured(Incident incident) {
        requireNotAfter(incident, incident.acknowledgedAt, "it was acknowledged (acknowledgedAt)");
        requireNotAfter(incident, incident.identifiedAt, "its cause was identified (identifiedAt)");
        requireNotAfter(incident, incident.resolvedAt, "it was resolved (resolvedAt)");
    }

    private static void requireNotAfter(Incident incident, Instant measured, String what) {
        if (measured != null && incident.detectedAt.isAfter(measured)) {
            throw ProblemException.invalidField("detectedAt", "cannot be after " + what + ", " + measured);
        }
    }
}
