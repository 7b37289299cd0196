package dev.daff.action.report;

import io.smallrye.config.ConfigMapping;

/** When each team's weekly follow-up report goes to its channels (defaults in application.properties). */
@ConfigMapping(prefix = "daff.actions.weekly-report")
public interface WeeklyReportConfig {

    /** Whether the scheduled report is sent at all; off unless a deployment turns it on. */
    boolean enabled();

    /** When the week's report is due (Quartz cron, UTC): it goes at the first check at or after that time. */
    String cron();

    /** How often the schedule checks whether this week's report is due and not yet sent. */
    String checkEvery();
}
