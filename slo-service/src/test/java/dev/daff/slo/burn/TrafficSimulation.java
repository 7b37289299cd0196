package dev.daff.slo.burn;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Simulated time for one SLO: feeds traffic every 10 s into the current minute bucket (so a minute fills as
 * it goes, like real ingest) and evaluates after each tick. Never sleeps.
 */
final class TrafficSimulation {

    static final Duration TICK = Duration.ofSeconds(10);
    static final Instant START = Instant.parse("2026-01-05T00:00:00Z");

    final SliWindows windows;
    final AlertEvaluator evaluator = new AlertEvaluator();
    final SloAlertSettings settings;
    final List<AlertTransition> transitions = new ArrayList<>();
    Instant now = START;
    /** Whether all that was sent is counted (false: the broker stalls, and daff knows it is behind). */
    boolean counted = true;

    TrafficSimulation(Duration period, SloAlertSettings settings) {
        this.windows = new SliWindows(period);
        this.settings = settings;
        windows.advance(now);
    }

    static SloAlertSettings settings(Duration period, long minEvents, Duration noDataAfter, boolean volumeDrop) {
        return new SloAlertSettings("checkout", 99.9,
                AlertTiers.forPeriod(period, AlertTiers.DEFAULT_PAGE_FAST, AlertTiers.DEFAULT_PAGE_SLOW,
                        AlertTiers.DEFAULT_TICKET_FAST, AlertTiers.DEFAULT_TICKET_SLOW),
                minEvents, noDataAfter, volumeDrop, 0.5);
    }

    /** {@code eventsPerMinute} events, {@code errorsPerMinute} of them bad, for {@code duration}. */
    void run(Duration duration, long eventsPerMinute, long errorsPerMinute) {
        Instant end = now.plus(duration);
        while (now.isBefore(end)) {
            int tickInMinute = (int) (now.getEpochSecond() % 60 / TICK.toSeconds());
            long total = share(eventsPerMinute, tickInMinute);
            long bad = share(errorsPerMinute, tickInMinute);
            if (total > 0) {
                windows.add(now.truncatedTo(ChronoUnit.MINUTES), total - bad, total);
            }
            now = now.plus(TICK);
            transitions.addAll(evaluator.evaluate(settings, windows, now, counted));
        }
    }

    BurnSnapshot snapshot() {
        return BurnCalculator.snapshot(windows, settings.objectivePercent(), now);
    }

    List<AlertTransition> transitions(TransitionType type, Severity severity, AlertKind kind) {
        return transitions.stream()
                .filter(t -> t.type() == type && t.severity() == severity && t.kind() == kind)
                .toList();
    }

    /** The part of a per-minute count that falls into 10-s tick {@code tick} (0..5); the six add up. */
    private static long share(long perMinute, int tick) {
        int ticks = 6;
        return perMinute * (tick + 1) / ticks - perMinute * tick / ticks;
    }
}
