package dev.daff.events;

import java.time.Instant;

/**
 * Where one SLO's error budget stands, as the replica that evaluates it last saw it: published every minute on the
 * compacted {@link Topics#SLO_BUDGETS} (key = SLO name; a deleted SLO leaves a tombstone), so that other services
 * can answer "may I deploy now?" from local state instead of calling slo-service. A reader keeps the newest per SLO
 * and treats one older than a few minutes as unknown.
 *
 * @param budgetRemaining     share of the SLO window's error budget left; negative once overspent
 * @param burnRateOneHour     error rate over the last hour divided by the error budget
 * @param burnRateSixHours    the same over six hours
 * @param pageFiring          a PAGE alert of this SLO fires now
 * @param unacknowledgedPages pages for this SLO nobody has acknowledged yet
 * @param countedUpTo         when the SLI events behind the budget and burn rates were last known all counted: while
 *                            slo-service works through a backlog (a broker back from a stall) its figures are that old,
 *                            though the page facts are as of {@code occurredAt}; null from a producer that does not say
 */
public record SloBudgetSnapshot(String eventId, String type, int version, Instant occurredAt, String slo,
        String service, String team, double objective, double budgetRemaining, double burnRateOneHour,
        double burnRateSixHours, boolean pageFiring, int unacknowledgedPages, Instant countedUpTo)
        implements EventEnvelope {

    public static final String TYPE = "SloBudgetSnapshot";
    public static final int CURRENT_VERSION = 1;
}
