package dev.daff.incident.review;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The meta-review across incidents. */
@ConfigMapping(prefix = "daff.meta-review")
public interface MetaReviewConfig {

    /** The period a meta-review covers when the request names no {@code from}. */
    @WithDefault("P90D")
    Duration defaultPeriod();

    /** The longest period one request may cover. */
    @WithDefault("P1000D")
    Duration maxPeriod();

    /** An incident not FINALISED this long after detection is listed as overdue. */
    @WithDefault("P14D")
    Duration unfinalisedAfter();

    /** The rolling window behind the {@code daff_incident_*_seconds} gauges. */
    @WithDefault("P30D")
    Duration metricsWindow();

    /** How often those gauges are recomputed (read by the scheduler as {@code daff.meta-review.metrics-interval}). */
    @WithDefault("60s")
    Duration metricsInterval();
}
