package dev.daff.incident.alerts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.daff.incident.changes.Catalog;
import dev.daff.incident.lifecycle.DetectionSource;
import dev.daff.incident.lifecycle.Incident;
import dev.daff.incident.lifecycle.IncidentApi.OpenIncident;
import dev.daff.incident.lifecycle.IncidentCommands;
import dev.daff.incident.lifecycle.ServiceNames;
import dev.daff.incident.lifecycle.Incidents;
import dev.daff.incident.timeline.Actor;
import dev.daff.incident.timeline.Timeline;
import dev.daff.kit.inbox.ProcessedEvents;

/**
 * Alertmanager's notifications become incidents, one per Alertmanager group while it is unresolved. Each alert
 * state is applied once however often Alertmanager repeats it.
 */
@ApplicationScoped
public class AlertmanagerIntake {

    static final String CONSUMER = "incident-service/alertmanager";
    /** The same daff actor as SLO alerts: alerts reach timelines under one name, whatever sent them. */
    static final Actor ACTOR = SloAlertConsumer.ACTOR;
    static final Set<String> PAGING_SEVERITIES = Set.of("critical", "page");
    private static final String UNKNOWN = "unknown";

    private final ProcessedEvents processed;
    private final Incidents incidents;
    private final IncidentCommands lifecycle;
    private final Timeline timeline;
    private final Clock clock;
    private final AlertLinks links;
    private final AlertIncidentConfig config;
    private final Catalog catalog;

    public AlertmanagerIntake(ProcessedEvents processed, Incidents incidents, IncidentCommands lifecycle,
            Timeline timeline, Clock clock, AlertLinks links, AlertIncidentConfig config, Catalog catalog) {
        this.processed = processed;
        this.incidents = incidents;
        this.lifecycle = lifecycle;
        this.timeline = timeline;
        this.clock = clock;
        this.links = links;
        this.config = config;
        this.catalog = catalog;
    }

    /**
     * A page-worthy firing alert ({@code severity} label critical or page) opens an incident for its
     * Alertmanager group, or joins the group's incident while that is unresolved; other firing alerts and
     * resolutions go on the group's incident when it has one. Alertmanager repeats notifications: an alert
     * already recorded in the same state changes nothing.
     */
    @Transactional
    public AlertmanagerApi.Outcome fromAlertmanager(AlertmanagerApi.Notification received) {
        AlertmanagerApi.Notification notification = received.storable();
        // Group keys run to 1,000 characters and alert identities add a fingerprint: stored as SHA-256 digests they
        // fit alert_link.dedup_key (300) and processed_event.event_id (100) whatever Alertmanager sends.
        String linkKey = "alertmanager:" + sha256(notification.groupKey());
        Optional<Incident> incident = links.findInTurn(linkKey)
                .flatMap(link -> incidents.findByIdOptional(link.incidentId))
                .map(incidents::relocked) // one being resolved right now opens a new one, as for SLO alerts
                .filter(found -> found.status.isOpen());
        int entries = 0;
        for (AlertmanagerApi.Alert alert : notification.alerts()) {
            String identity = (alert.fingerprint() == null ? String.valueOf(alert.labels().hashCode()) : alert.fingerprint())
                    + ":" + alert.startsAt().getEpochSecond() + ":" + alert.status();
            boolean paging = PAGING_SEVERITIES.contains(alert.labels().getOrDefault("severity", ""));
            if (incident.isEmpty() && !(paging && "firing".equals(alert.status()))) {
                continue;
            }
            if (!processed.firstDelivery(CONSUMER,
                    sha256("alertmanager:" + notification.groupKey() + ":" + identity))) {
                continue;
            }
            String name = alert.labels().getOrDefault("alertname", "alert");
            String summary = alert.annotations() == null ? null : alert.annotations().get("summary");
            String service = firstLabel(alert.labels(), notification.commonLabels(), "service", "job", "app");
            if (incident.isEmpty()) {
                String team = handle(firstLabel(alert.labels(), notification.commonLabels(), "team", "owner"));
                if (UNKNOWN.equals(team)) {
                    // Without a team label the service's owner in the catalog: "unknown" is no team, so its washup
                    // action would be owned by nobody and its reminders would go nowhere.
                    team = catalog.findByIdOptional(service).map(entry -> entry.team).orElse(UNKNOWN);
                }
                Incident opened = lifecycle.openIncident(new OpenIncident(truncate("Alertmanager: " + name
                        + (summary == null ? "" : " — " + summary), 200), null, config.defaultAlertSeverity(),
                        List.of(service), team, earliest(alert.startsAt(), clock.instant()), clock.instant(),
                        DetectionSource.ALERTMANAGER), ACTOR);
                incident = Optional.of(opened);
                links.relink(linkKey, opened.id, clock.instant());
            } else if (paging && "firing".equals(alert.status()) && !UNKNOWN.equals(service)) {
                lifecycle.addService(incident.get(), service, ACTOR); // the group spans services
            }
            boolean firing = "firing".equals(alert.status());
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("source", "alertmanager");
            data.put("groupKey", notification.groupKey());
            data.put("labels", alert.labels());
            if (alert.generatorURL() != null) {
                data.put("generatorURL", alert.generatorURL());
            }
            timeline.record(incident.get().id, firing ? alert.startsAt() : alert.endsAt(),
                    firing ? Timeline.ALERT_FIRED : Timeline.ALERT_RESOLVED, null, ACTOR,
                    truncate((firing ? "Alert fired: " : "Alert cleared: ") + name + " on " + service
                            + (summary == null ? "" : " — " + summary), 4000), data);
            entries++;
        }
        return new AlertmanagerApi.Outcome(incident.map(found -> found.id).orElse(null), entries);
    }

    /**
     * Lower-case hex SHA-256 of the UTF-8 text: what PostgreSQL's {@code encode(sha256(convert_to(t, 'UTF8')), 'hex')}
     * gives, which the migration that hashed the keys stored before used.
     */
    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static String firstLabel(Map<String, String> labels, Map<String, String> common, String... names) {
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
    private static String handle(String label) {
        // Cut to length after lower-casing: "İ" lower-cases to two characters, and a handle over 100 lost the alert.
        String handle = label.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-")
                .replaceFirst("^[^a-z0-9]+", "");
        return handle.isEmpty() ? UNKNOWN : handle.substring(0, Math.min(handle.length(), 100));
    }

    /** Alertmanager's clock may run ahead of ours; impact cannot start after we detected it. */
    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
