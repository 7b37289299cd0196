package dev.daff.action.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.daff.action.followup.ActionTypes.Kind;
import dev.daff.action.followup.ActionTypes.Scope;
import dev.daff.action.followup.ActionTypes.Status;
import dev.daff.action.report.TeamReportApi.TeamReport;
import dev.daff.action.report.TeamReportCalculator.ActionFacts;

class TeamReportCalculatorTest {

    private static final Instant NOW = Instant.parse("2026-03-31T12:00:00Z");

    private static ActionFacts done(double daysToClose, Duration closedAgo, Scope scope) {
        Instant closed = NOW.minus(closedAgo);
        return new ActionFacts(Kind.PREVENT, scope, Status.DONE, closed, closed.minusSeconds((long) (daysToClose * 86_400)),
                closed, false);
    }

    private static ActionFacts open(Kind kind, Scope scope, Instant dueAt) {
        return new ActionFacts(kind, scope, Status.OPEN, dueAt, NOW.minus(Duration.ofDays(3)), null, false);
    }

    @Test
    void medianOfAnOddCountIsTheMiddleOneInFractionalDays() {
        TeamReport report = TeamReportCalculator.report("payments", List.of(
                done(1.5, Duration.ofDays(1), Scope.LOCAL),
                done(10, Duration.ofDays(2), Scope.LOCAL),
                done(0.25, Duration.ofDays(29), Scope.LOCAL)), NOW);
        assertEquals(3, report.doneLast30Days());
        assertEquals(1.5, report.medianDaysToClose());
    }

    @Test
    void onlyActionsDoneWithinThirtyDaysCountAndWontDoNever() {
        ActionFacts declined = new ActionFacts(Kind.PREVENT, Scope.LOCAL, Status.WONT_DO, NOW, NOW.minus(Duration.ofDays(1)),
                NOW.minus(Duration.ofHours(1)), false);
        TeamReport report = TeamReportCalculator.report("payments", List.of(
                done(2, Duration.ofDays(31), Scope.LOCAL), declined), NOW);
        assertEquals(0, report.doneLast30Days());
        assertNull(report.medianDaysToClose());
        assertEquals(0, report.open());
    }

    @Test
    void systemicShareLeavesWashupActionsOutAndIsNullWithoutActions() {
        TeamReport report = TeamReportCalculator.report("payments", List.of(
                open(Kind.WASHUP, Scope.LOCAL, NOW.minusSeconds(1)),
                open(Kind.MITIGATE, Scope.LOCAL, NOW.plusSeconds(1)),
                open(Kind.PREVENT, Scope.SYSTEMIC, NOW.plus(Duration.ofDays(1))),
                done(1, Duration.ofDays(40), Scope.SYSTEMIC),
                done(1, Duration.ofDays(1), Scope.LOCAL)), NOW);
        assertEquals(0.5, report.systemicShare());
        assertEquals(3, report.open());
        assertEquals(1, report.overdue());
        assertNull(TeamReportCalculator.report("payments", List.of(open(Kind.WASHUP, Scope.LOCAL, NOW)), NOW)
                .systemicShare());
    }

    @Test
    void closedLast7DaysCountsDoneAndWontDoClosedWithinTheWeekOnly() {
        ActionFacts declined = new ActionFacts(Kind.PREVENT, Scope.LOCAL, Status.WONT_DO, NOW, NOW.minus(Duration.ofDays(9)),
                NOW.minus(Duration.ofDays(6)), false);
        TeamReport report = TeamReportCalculator.report("payments", List.of(
                done(1, Duration.ofDays(1), Scope.LOCAL), declined,
                done(1, Duration.ofDays(7).plusSeconds(1), Scope.LOCAL),
                open(Kind.PREVENT, Scope.LOCAL, NOW.plus(Duration.ofDays(1)))), 4, NOW);
        assertEquals(2, report.closedLast7Days());
        assertEquals(4, report.incidentsAwaitingFinalisation());
        assertEquals(0, TeamReportCalculator.report("payments", List.of(declined), NOW).incidentsAwaitingFinalisation());
    }

    /** A reopened incident's WASHUP action waits for its next resolve: open, but not overdue, whatever its due date. */
    @Test
    void aWashupActionWaitingForItsIncidentsResolveIsOpenButNotOverdue() {
        ActionFacts waiting = new ActionFacts(Kind.WASHUP, Scope.LOCAL, Status.OPEN, NOW.minus(Duration.ofDays(2)),
                NOW.minus(Duration.ofDays(7)), null, true);
        ActionFacts late = open(Kind.PREVENT, Scope.LOCAL, NOW.minus(Duration.ofDays(1)));
        TeamReport report = TeamReportCalculator.report("payments", List.of(waiting, late), NOW);
        assertEquals(2, report.open());
        assertEquals(1, report.overdue());
    }
}
