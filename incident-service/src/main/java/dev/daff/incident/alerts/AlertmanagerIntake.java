package dev.daff.incident.alerts;

import static dev.daff.incident.alerts.AlertmanagerLabels.UNKNOWN;
import static dev.daff.incident.alerts.AlertmanagerLabels.firstLabel;
import static dev.daff.incident.alerts.AlertmanagerLabels.handle;
import static dev.daff.incident.alerts.AlertmanagerLabels.name;
import static dev.daff.incident.alerts.AlertmanagerLabels.service;
import static dev.daff.incident.alerts.AlertmanagerLabels.summary;
import static dev.daff.incident.alerts.AlertmanagerLabels.truncate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.daff.incident.changes.Catalog;
import dev.daff.incident.lifecycle.DetectionSource;
import dev.daff.incident.lifecycle.Incident;
import dev.daff.incident.lifecycle.IncidentApi.OpenIncident;
import dev.daff.incident.lifecycle.IncidentCommands;
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
     * Alertmanager group, or joins the group's incident while that is unresolved; other firing alerts go on the
     * group's incident when it has one, and resolutions on it whatever its state. Alertmanager repeats
     * notifications: an alert already recorded in the same state changes nothing.
     */
    @Transactional
    public AlertmanagerApi.Outcome fromAlertmanager(AlertmanagerApi.Notification received) {
        AlertmanagerApi.Notification notification = received.storable();
        // Group keys run to 1,000 characters and alert identities add a fingerprint: stored as SHA-256 digests they
        // fit alert_link.dedup_key (300) and processed_event.event_id (100) whatever Alertmanager sends.
        String linkKey = "alertmanager:" + sha256(notification.groupKey());
        Optional<AlertLink> groupLink = links.findInTurn(linkKey);
        // openFor's locks of the services this notification opens an incident for or adds to the group's, before any
        // incident's row, as openFor takes them: an SLO alert of one of them waits for this and then joins the
        // incident, where, not seeing the uncommitted change, it opened a second one beside it.
        incidents.lockServices(notification.alerts().stream().filter(AlertmanagerIntake::pages)
                .map(alert -> service(notification, alert)).filter(service -> !UNKNOWN.equals(service)).toList(),
                List.of());
        Optional<Incident> linked = groupLink.flatMap(link -> incidents.findByIdOptional(link.incidentId))
                .map(incidents::relocked);
        Optional<Incident> open = linked.filter(found -> found.status.isOpen()); // one being resolved now opens another
        AlertmanagerApi.Alert opener = null;
        if (open.isEmpty()) {
            // The group's first new paging alert opens the incident before any alert is recorded: Alertmanager lists
            // a group's alerts by their labels, not their severity, and a warning listed before it was left out, to
            // be added by the next repeat of the notification (or never, had it cleared by then).
            for (AlertmanagerApi.Alert alert : notification.alerts()) {
                if (pages(alert) && processed.firstDelivery(CONSUMER, eventId(notification, alert))) {
                    opener = alert;
                    open = Optional.of(incidentFor(notification, alert, linkKey));
                    record(open.get(), notification, alert);
                    break;
                }
            }
        }
        int entries = opener == null ? 0 : 1;
        Optional<Incident> written = open;
        for (AlertmanagerApi.Alert alert : notification.alerts()) {
            boolean firing = "firing".equals(alert.status());
            // A clearing goes on the incident its firing went on, whatever the group's incident is now (an alert that
            // outlived its resolved incident cleared on the group's next one). Read without a lock: it only gets a
            // timeline entry, and locking it while holding the group's would invert openFor's oldest-first order.
            // Without a record of its firing: responders often resolve the incident before Alertmanager says its alert
            // cleared, and the clearing still belongs on it, as an SLO alert's does; an alert that started after it
            // was resolved was never on it.
            Optional<Incident> firedOn = firing ? Optional.empty()
                    : links.findByIdOptional(alertKey(notification, alert))
                            .flatMap(link -> incidents.findByIdOptional(link.incidentId));
            Optional<Incident> target = firedOn.isPresent() ? firedOn
                    : firing || open.isPresent() ? open
                    : linked.filter(incident -> incident.resolvedAt != null
                            && !alert.startsAt().isAfter(incident.resolvedAt));
            if (alert == opener || target.isEmpty() || !processed.firstDelivery(CONSUMER, eventId(notification, alert))) {
                continue;
            }
            String service = service(notification, alert);
            if (firing && pages(alert) && !UNKNOWN.equals(service)) {
                // A service with an unresolved incident of its own keeps its alerts there, whichever alert Alertmanager
                // listed first: added to the group's, it had two, and its SLO alerts went to the other one.
                Optional<Incident> own = incidents.openFor(service);
                if (own.isPresent()) {
                    target = own;
                } else {
                    lifecycle.addService(target.get(), service, ACTOR); // the group spans services
                }
            } else if (pages(alert) && !UNKNOWN.equals(service)) {
                lifecycle.addService(target.get(), service, ACTOR);
            }
            record(target.get(), notification, alert);
            written = target;
            entries++;
        }
        return new AlertmanagerApi.Outcome(written.map(found -> found.id).orElse(null), entries);
    }

    /**
     * The incident a group's first paging alert goes on: its own service's unresolved incident, as an SLO alert's does
     * (one outage paged by an SLO's burn and by Alertmanager's alerts, each its own group, was as many incidents,
     * washups and WASHUP actions, and counted so in meta-reviews), else the oldest unresolved incident of any other
     * service the group pages for (its service added to it), else a new one. The group keeps it until it is resolved.
     */
    private Incident incidentFor(AlertmanagerApi.Notification notification, AlertmanagerApi.Alert alert, String linkKey) {
        String service = service(notification, alert);
        Optional<Incident> own = UNKNOWN.equals(service) ? Optional.empty() : incidents.openFor(service);
        Optional<Incident> joined = own.isPresent() ? own : notification.alerts().stream().filter(AlertmanagerIntake::pages)
                .map(paging -> service(notification, paging)).filter(paged -> !UNKNOWN.equals(paged)
                        && !paged.equalsIgnoreCase(service)).distinct().map(incidents::openFor).flatMap(Optional::stream)
                .min(Comparator.comparing((Incident found) -> found.detectedAt).thenComparing(found -> found.id));
        if (joined.isPresent()) {
            links.relink(linkKey, joined.get().id, clock.instant());
            if (!UNKNOWN.equals(service)) {
                lifecycle.addService(joined.get(), service, ACTOR);
            }
            return joined.get();
        }
        String team = handle(firstLabel(alert.labels(), notification.commonLabels(), "team", "owner"));
        if (UNKNOWN.equals(team)) {
            // Without a team label the service's owner in the catalog, named in any case as the catalog's names are:
            // "unknown" is no team, so its washup action would be owned by nobody and its reminders would go nowhere.
            team = catalog.spelling(service).flatMap(catalog::findByIdOptional).map(entry -> entry.team).orElse(UNKNOWN);
        }
        String summary = summary(alert);
        Incident opened = lifecycle.openIncident(new OpenIncident(truncate("Alertmanager: " + name(alert)
                + (summary == null ? "" : " — " + summary), 200), null, config.defaultAlertSeverity(),
                List.of(service), team, earliest(alert.startsAt(), clock.instant()), clock.instant(),
                DetectionSource.ALERTMANAGER), ACTOR);
        links.relink(linkKey, opened.id, clock.instant());
        return opened;
    }

    private void record(Incident incident, AlertmanagerApi.Notification notification, AlertmanagerApi.Alert alert) {
        boolean firing = "firing".equals(alert.status());
        if (firing) {
            links.relink(alertKey(notification, alert), incident.id, clock.instant());
        } else {
            links.deleteById(alertKey(notification, alert)); // its clearing is where its firing is: nothing to find
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("source", "alertmanager");
        data.put("groupKey", notification.groupKey());
        data.put("labels", alert.labels());
        if (alert.generatorURL() != null) {
            data.put("generatorURL", alert.generatorURL());
        }
        String summary = summary(alert);
        timeline.record(incident.id, firing ? alert.startsAt() : alert.endsAt(),
                firing ? Timeline.ALERT_FIRED : Timeline.ALERT_RESOLVED, null, ACTOR,
                truncate((firing ? "Alert fired: " : "Alert cleared: ") + name(alert) + " on "
                        + service(notification, alert) + (summary == null ? "" : " — " + summary), 4000), data);
    }

    private static boolean pages(AlertmanagerApi.Alert alert) {
        return "firing".equals(alert.status()) && PAGING_SEVERITIES.contains(alert.labels().getOrDefault("severity", ""));
    }

    /** One firing of one alert of the group (its start), in {@code alert_link}: the incident its firing went on. */
    private static String alertKey(AlertmanagerApi.Notification notification, AlertmanagerApi.Alert alert) {
        return AlertLinks.ALERT_FIRING_PREFIX + sha256(notification.groupKey() + ":" + identity(alert) + ":"
                + alert.startsAt().getEpochSecond());
    }

    /** What one state of one alert of the group is applied once by. */
    private static String eventId(AlertmanagerApi.Notification notification, AlertmanagerApi.Alert alert) {
        return sha256("alertmanager:" + notification.groupKey() + ":" + identity(alert) + ":"
                + alert.startsAt().getEpochSecond() + ":" + alert.status());
    }

    /**
     * The alert's fingerprint, or without one (it is optional outside Alertmanager) a digest of its labels: their
     * {@code hashCode} was 32 bits, and two alerts of one group whose labels collided were taken for one.
     */
    private static String identity(AlertmanagerApi.Alert alert) {
        if (alert.fingerprint() != null) {
            return alert.fingerprint();
        }
        StringBuilder labels = new StringBuilder();
        new TreeMap<>(alert.labels()).forEach((name, value) -> labels.append(name.length()).append(':').append(name)
                .append(value.length()).append(':').append(value));
        return "labels-" + sha256(labels.toString());
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

    /** Alertmanager's clock may run ahead of ours; impact cannot start after we detected it. */
    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
