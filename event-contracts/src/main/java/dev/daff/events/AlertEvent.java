package dev.daff.events;

import java.time.Instant;

/**
 * An SLO alert changed state: {@code type} is {@link #FIRED} or {@link #RESOLVED}. {@code dedupKey} is
 * stable for one (SLO, severity, kind) episode, so a redelivered or repeated event is recognisable.
 */
public record AlertEvent(
        String eventId,
        String type,
        int version,
        Instant occurredAt,
        String alertId,
        String dedupKey,
        String slo,
        String service,
        String team,
        String severity,
        String kind,
        String tier,
        double burnRateLong,
        double burnRateShort,
        double threshold,
        double budgetRemaining,
        Instant exhaustionAt,
        Instant firedAt,
        Instant resolvedAt) implements EventEnvelope {

    public static final int CURRENT_VERSION = 1;
    public static final String FIRED = "AlertFired";
    public static final String RESOLVED = "AlertResolved";
    public static final String PAGE = "PAGE";
    public static final String TICKET = "TICKET";
}
