package dev.daff.incident.similar;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/** "Has this happened before?": which earlier incidents are compared, and which count as similar. */
@ConfigMapping(prefix = "daff.similar")
public interface SimilarConfig {

    /** Earlier incidents are looked for this far before the incident's detection. */
    Duration lookback();

    /** At most this many of them (the most recent) are scored. */
    int maxCandidates();

    /** An earlier incident is listed as similar from this score (out of 100) on. */
    int minScore();

    /** ... and makes this one a recurrence, if its SYSTEMIC action was done before, from this score on. */
    int recurrenceMinScore();

    /** How many similar incidents the washup lists. */
    int washupTop();

    /** {@code GET /api/incidents/{id}/similar} lists this many unless {@code ?limit=} says otherwise. */
    int defaultLimit();

    /** The most {@code ?limit=} may ask for. */
    int maxLimit();
}
