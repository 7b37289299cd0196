package dev.daff.action.reminders;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/** When the owners of open follow-up actions are reminded (defaults in application.properties). */
@ConfigMapping(prefix = "daff.actions.reminders")
public interface RemindersConfig {

    /** Whether the scheduled check sends reminders at all; off unless a deployment turns it on. */
    boolean enabled();

    /** How often the scheduled check runs. */
    String every();

    /** How long before its due date an open action gets its "due soon" reminder. */
    Duration before();
}
