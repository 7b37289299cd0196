package dev.daff.incident.alerts;

import java.util.Map;

import dev.daff.incident.lifecycle.ServiceNames;

/** What an Alertmanager alert's labels and annotations say: its name, summary, service and team. */
final class AlertmanagerLabels {

    /** No service or team a label names. */
    static final String UNKNOWN = "unknown";

    private AlertmanagerLabels() {
    }

    static String name(AlertmanagerApi.Alert alert) {
        return alert.labels().getOrDefault("alertname", "alert");
    }

    static String summary(AlertmanagerApi.Alert alert) {
        return alert.annotations() == null ? null : alert.annotations().get("summary");
    }

    static String service(AlertmanagerApi.Notification notification, AlertmanagerApi.Alert alert) {
        return firstLabel(alert.labels(), notification.commonLabels(), "service", "job", "app");
    }

    static String firstLabel(Map<String, String> labels, Map<String, String> common, String... names) {
        for (String name : names) {
            String value = ServiceNames.tidy(labels.get(name));
            if (value == null && common != null) {
                value = ServiceNames.tidy(common.get(name));
            }
            if (value != null && !value.isEmpty()) {
                return truncate(value, 100);
            }
        }
        return UNKNOWN;
    }

    /**
     * A team label as a team's handle ("Payments" is payments): the incident's WASHUP action is owned by it, and its
     * reminders go to the on-call team of that name. A label nothing is left of is no team.
     */
    static String handle(String label) {
        // Cut to length after lower-casing: "İ" lower-cases to two characters, and a handle over 100 lost the alert.
        String handle = label.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-")
                .replaceFirst("^[^a-z0-9]+", "");
        return handle.isEmpty() ? UNKNOWN : handle.substring(0, Math.min(handle.length(), 100));
    }

    static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
