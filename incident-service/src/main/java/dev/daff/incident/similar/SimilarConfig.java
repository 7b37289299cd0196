package dev.daff.incident.similar;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * "Has this happened before?": which earlier incidents are compared, and which count as similar. A value out of range
 * stops the service at its start.
 */
@ConfigMapping(prefix = "daff.similar")
public interface SimilarConfig {

    /** Earlier incidents are looked for this far before the incident's detection. */
    Duration lookback();

    /** At most this many of them (the most recent) are scored. */
    @Min(0)
    int maxCandidates();

    /** An earlier incident is listed as similar from this score (out of 100) on. */
    @Min(0) @Max(100)
    int minScore();

    /** ... and makes this one a recurrence, if its SYSTEMIC action was done before, from this score on. */
    @Min(0) @Max(100)
    int recurrenceMinScore();

    /** How many similar incidents the washup lists. */
    @Min(0)
    int washupTop();

    /** {@code GET /api/incidents/{id}/similar} lists this many unless {@code ?limit=} says otherwise. */
    @Min(1)
    int defaultLimit();

    /** The most {@code ?limit=} may ask for. */
    @Min(1)
    int maxLimit();
}
