package dev.daff.action.report;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

import dev.daff.action.followup.ActionTypes.Kind;
import dev.daff.action.followup.ActionTypes.Scope;
import dev.daff.action.followup.ActionTypes.Status;
import dev.daff.action.report.TeamReportApi.TeamReport;

/** The arithmetic of {@link TeamReport}: plain, so its definitions are tested without a database. */
public final class TeamReportCalculator {

    /** How far back "done lately" and the median days to close look. */
    public static final Duration RECENT = Duration.ofDays(30);
    private static final double SECONDS_PER_DAY = Duration.ofDays(1).toSeconds();

    private TeamReportCalculator() {
    }

    /**
     * What the report needs to know of one action; {@code waitsForResolve}: a WASHUP action of a reopened incident,
     * due again from its next resolve and not overdue meanwhile.
     */
    public record ActionFacts(Kind kind, Scope scope, Status status, Instant dueAt, Instant createdAt,
            Instant closedAt, boolean waitsForResolve) {
    }

    /** How far back "closed this week" looks. */
    public static final Duration WEEK = Duration.ofDays(7);

    /** The report of a team none of whose incidents waits for finalisation. */
    public static TeamReport report(String team, Collection<ActionFacts> actions, Instant now) {
        return report(team, actions, 0, now);
    }

    public static TeamReport report(String team, Collection<ActionFacts> actions, long incidentsAwaitingFinalisation,
            Instant now) {
        long open = actions.stream().filter(a -> a.status().isOpen()).count();
        long overdue = actions.stream()
                .filter(a -> a.status().isOpen() && a.dueAt().isBefore(now) && !a.waitsForResolve()).count();
        Instant recentFrom = now.minus(RECENT);
        List<Double> daysToClose = actions.stream()
                .filter(a -> a.status() == Status.DONE && a.closedAt() != null && a.closedAt().isAfter(recentFrom))
                .map(a -> Duration.between(a.createdAt(), a.closedAt()).toSeconds() / SECONDS_PER_DAY)
                .sorted()
                .toList();
        List<ActionFacts> chosen = actions.stream().filter(a -> a.kind() != Kind.WASHUP).toList();
        long systemic = chosen.stream().filter(a -> a.scope() == Scope.SYSTEMIC).count();
        Double systemicShare = chosen.isEmpty() ? null : (double) systemic / chosen.size();
        Instant weekFrom = now.minus(WEEK);
        long closedLast7Days = actions.stream()
                .filter(a -> !a.status().isOpen() && a.closedAt() != null && a.closedAt().isAfter(weekFrom)).count();
        return new TeamReport(team, open, overdue, daysToClose.size(), median(daysToClose), systemicShare,
                closedLast7Days, incidentsAwaitingFinalisation);
    }

    /** The middle of sorted values, the mean of the two middle ones for an even count; null for none. */
    static Double median(List<Double> sorted) {
        if (sorted.isEmpty()) {
            return null;
        }
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}
