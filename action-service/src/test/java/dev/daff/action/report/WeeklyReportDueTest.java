package dev.daff.action.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

/** Which week's reports are due when, for crons early and late in the week (all UTC). */
class WeeklyReportDueTest {

    private static ExecutionTime cron(String expression) {
        return ExecutionTime.forCron(new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ))
                .parse(expression));
    }

    @Test
    void mondayMorningsCronIsDueFromItsTimeToTheEndOfTheWeek() {
        ExecutionTime monday = cron("0 0 8 ? * MON");
        // 2026-11-30 is a Monday (ISO week 49)
        assertEquals(Optional.empty(), WeeklyReports.dueWeek(monday, Instant.parse("2026-11-30T07:59:00Z")));
        assertEquals(Optional.of("2026-W49"), WeeklyReports.dueWeek(monday, Instant.parse("2026-11-30T08:00:01Z")));
        assertEquals(Optional.of("2026-W49"), WeeklyReports.dueWeek(monday, Instant.parse("2026-12-06T23:59:00Z")));
    }

    /**
     * A Sunday-night cron whose checks could not run before Monday (a database away over the weekend): that week's
     * reports are still due, for that week, for a day. Judged by the new week alone they were never sent.
     */
    @Test
    void aSundayNightCronMissedUntilMondayIsStillDueForItsWeek() {
        ExecutionTime sunday = cron("0 30 23 ? * SUN");
        assertEquals(Optional.of("2026-W49"), WeeklyReports.dueWeek(sunday, Instant.parse("2026-12-06T23:31:00Z")));
        assertEquals(Optional.of("2026-W49"), WeeklyReports.dueWeek(sunday, Instant.parse("2026-12-07T00:10:00Z")));
        assertEquals(Optional.empty(), WeeklyReports.dueWeek(sunday, Instant.parse("2026-12-07T23:31:00Z")));
    }
}
