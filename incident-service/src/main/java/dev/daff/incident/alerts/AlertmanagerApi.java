package dev.daff.incident.alerts;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** What Alertmanager's webhook receiver reads (payload version "4") and answers. */
public final class AlertmanagerApi {

    private AlertmanagerApi() {
    }

    /** Longer group keys are refused: Alertmanager's come from the route's group_by labels and stay well short. */
    public static final int GROUP_KEY_MAX = 1000;

    /**
     * The webhook body, as Alertmanager sends it; fields daff does not use are ignored. Nothing here is stored in a
     * column of its own size: the group key is kept as a digest, labels and links go into the timeline entry's
     * data, and names are shortened to fit; the 1 MiB body limit bounds the rest. Alertmanager's own fields daff
     * does not read (groupLabels, commonAnnotations, truncatedAlerts, and what later versions add) are not an error.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Notification(
            @NotNull @Pattern(regexp = "4", message = "must be \"4\" (Alertmanager webhook payload version)") String version,
            @NotBlank @Size(max = GROUP_KEY_MAX) String groupKey,
            @NotNull @Pattern(regexp = "firing|resolved", message = "must be firing or resolved") String status,
            String receiver,
            Map<String, String> commonLabels,
            String externalURL,
            @NotEmpty @Size(max = 1000) List<@NotNull @Valid Alert> alerts) {

        /**
         * This notification with each NUL character in its text made U+FFFD, which PostgreSQL stores neither in text
         * nor in jsonb: one in any label or annotation refused the whole notification, so a critical alert opened no
         * incident, and Alertmanager sent it again every repeat_interval to be refused again.
         */
        public Notification storable() {
            return new Notification(version, storable(groupKey), status, storable(receiver), storable(commonLabels),
                    storable(externalURL), alerts.stream().map(alert -> new Alert(alert.status(),
                            storable(alert.labels()), storable(alert.annotations()), alert.startsAt(), alert.endsAt(),
                            storable(alert.generatorURL()), storable(alert.fingerprint()))).toList());
        }

        private static String storable(String text) {
            return text == null || text.indexOf('\u0000') < 0 ? text : text.replace('\u0000', '\ufffd');
        }

        private static Map<String, String> storable(Map<String, String> texts) {
            if (texts == null) {
                return null;
            }
            Map<String, String> storable = new LinkedHashMap<>();
            texts.forEach((name, value) -> storable.put(storable(name), storable(value)));
            return storable;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Alert(
            @NotNull @Pattern(regexp = "firing|resolved", message = "must be firing or resolved") String status,
            @NotNull Map<String, @NotNull String> labels,
            Map<String, String> annotations,
            @NotNull Instant startsAt,
            Instant endsAt,
            String generatorURL,
            @Size(max = 200) String fingerprint) {
    }

    /** What daff did: the incident the group belongs to (null when nothing paged), and entries written. */
    public record Outcome(UUID incidentId, int timelineEntries) {
    }
}
