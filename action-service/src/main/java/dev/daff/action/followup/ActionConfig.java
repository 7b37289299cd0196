package dev.daff.action.followup;

import java.time.Duration;
import java.util.Map;

import io.smallrye.config.ConfigMapping;

/** How follow-up actions are scheduled. */
@ConfigMapping(prefix = "daff.actions")
public interface ActionConfig {

    /** Days until an action is due, by the incident's severity, when no due date is given. */
    Map<String, Integer> dueDays();

    /** Days until the WASHUP action made on resolution is due, by severity. */
    Map<String, Integer> washupDueDays();

    /** How often an action still overdue is announced again. */
    Duration overdueRepeat();

    /** How often the overdue check runs. */
    String overdueCheckEvery();

    default Duration dueAfter(String severity) {
        return Duration.ofDays(dueDays().getOrDefault(severity, 30));
    }

    default Duration washupDueAfter(String severity) {
        return Duration.ofDays(washupDueDays().getOrDefault(severity, 10));
    }
}
