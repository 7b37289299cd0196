package dev.daff.action.report;

import io.smallrye.config.ConfigMapping;

/** When each team's weekly follow-up report goes to its channels (defaults in application.properties). */
@ConfigMapping(prefix = "daff.actions.weekly-report")
public interface WeeklyReportConfig {

    /** Whether the scheduled report is sent at all; off unless a deployment turns it on. */
    boolean enabled();

    /** When the report is sent (Quartz cron, the service's time zone): once a week. */
    String cron();
}
