package dev.daff.slo.history;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.daff.slo.burn.BurnCalculator;
import dev.daff.slo.burn.WindowBurn;
import dev.daff.slo.burn.WindowLabels;
import dev.daff.slo.history.HistoryApi.HistoryPoint;
import dev.daff.slo.history.HistoryApi.WindowPoint;

/**
 * Budget and burn at every step, from minute buckets held as prefix sums: each window at each step is two binary
 * searches, so a request costs O(buckets + points × windows × log buckets).
 *
 * <p><b>Edges.</b> A window of length W at the step {@code t} covers the minute buckets {@code [m − W, m]}, m being
 * the minute of t: the still-filling minute and W of complete minutes before it, the "never shorter" edges of the
 * live status. Here every window, the SLO window too, is at minute resolution; the live status keeps 1d, 3d and the
 * SLO window in hours, so it may differ from the newest point by up to an hour's edge.
 */
final class HistorySeries {

    /** The alert windows of the four Workbook tiers. */
    static final List<Duration> WINDOWS = List.of(Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(1),
            Duration.ofHours(2), Duration.ofHours(6), Duration.ofDays(1), Duration.ofDays(3));

    private final long[] minutes;
    private final long[] goodBefore;
    private final long[] totalBefore;

    /** @param buckets minute buckets, oldest first: epoch minute, good, total */
    HistorySeries(List<long[]> buckets) {
        minutes = new long[buckets.size()];
        goodBefore = new long[buckets.size() + 1];
        totalBefore = new long[buckets.size() + 1];
        for (int i = 0; i < buckets.size(); i++) {
            long[] bucket = buckets.get(i);
            minutes[i] = bucket[0];
            goodBefore[i + 1] = goodBefore[i] + bucket[1];
            totalBefore[i + 1] = totalBefore[i] + bucket[2];
        }
    }

    /** The oldest minute a range needs: its first step's SLO window, or its 3-day window if longer. */
    static Instant oldestNeeded(HistoryRange range, Duration sloWindow) {
        Duration longest = sloWindow.compareTo(Duration.ofDays(3)) > 0 ? sloWindow : Duration.ofDays(3);
        return range.at(0).minus(longest);
    }

    List<HistoryPoint> points(HistoryRange range, Duration sloWindow, double objectivePercent) {
        double errorBudget = BurnCalculator.errorBudget(objectivePercent);
        List<HistoryPoint> points = new ArrayList<>(range.points());
        for (int i = 0; i < range.points(); i++) {
            Instant at = range.at(i);
            long minute = Math.floorDiv(at.getEpochSecond(), 60);
            WindowBurn whole = burn(minute, sloWindow, errorBudget);
            double budgetRemaining = whole.total() == 0 ? 1.0 : 1.0 - whole.bad() / (whole.total() * errorBudget);
            Map<String, WindowPoint> windows = new LinkedHashMap<>();
            for (Duration window : WINDOWS) {
                WindowBurn burn = burn(minute, window, errorBudget);
                windows.put(WindowLabels.of(window), new WindowPoint(burn.errorRatio(), burn.burnRate(), burn.total()));
            }
            points.add(new HistoryPoint(at, budgetRemaining, whole.good(), whole.total(), windows));
        }
        return points;
    }

    private WindowBurn burn(long minute, Duration window, double errorBudget) {
        int from = firstAtOrAfter(minute - window.toMinutes());
        int to = firstAtOrAfter(minute + 1);
        return WindowBurn.of(window, goodBefore[to] - goodBefore[from], totalBefore[to] - totalBefore[from],
                errorBudget);
    }

    private int firstAtOrAfter(long minute) {
        int found = Arrays.binarySearch(minutes, minute);
        return found >= 0 ? found : -found - 1;
    }
}
