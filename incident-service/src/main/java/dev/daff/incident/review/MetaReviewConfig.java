package dev.daff.incident.review;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/** The meta-review across incidents. */
@ConfigMapping(prefix = "daff.meta-review")
public interface MetaReviewConfig {

    /** The period a meta-review covers when the request names no {@code from}. */
    Duration defaultPeriod();

    /** The longest period one request may cover. */
    Duration maxPeriod();

    /** An incident not FINALISED this long after detection is listed as overdue. */
    Duration unfinalisedAfter();

    /** The rolling window behind the {@code daff_incident_*_seconds} gauges. */
    Duration metricsWindow();

    /** How often those gauges are recomputed (read by the scheduler as {@code daff.meta-review.metrics-interval}). */
    Duration metricsInterval();
}
