package dev.daff.incident.alerts;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.events.AlertEvent;
import dev.daff.incident.lifecycle.DetectionSource;
import dev.daff.incident.lifecycle.Incident;
import dev.daff.incident.lifecycle.IncidentApi.OpenIncident;
import dev.daff.incident.lifecycle.IncidentRepository;
import dev.daff.incident.lifecycle.IncidentService;
import dev.daff.incident.lifecycle.IncidentStatus;
import dev.daff.incident.timeline.Actor;
import dev.daff.incident.timeline.Timeline;
import dev.daff.kit.inbox.ProcessedEvents;
import dev.daff.kit.messaging.IdempotentConsumer;
import dev.daff.kit.messaging.IdempotentConsumer.Subscription;
import dev.daff.kit.messaging.UnprocessableEvent;
import io.smallrye.common.annotation.Blocking;

/**
 * SLO alerts become incidents: a PAGE opens one — unless an unresolved incident already covers the service,
 * which then gets the alert on its timeline. A cleared alert is noted, never taken as the incident's end:
 * humans decide that. Each alert event is applied once.
 */
@ApplicationScoped
public class AlertIncidents {

    /** The channel (topic daff.slo-alerts) in application.properties. */
    public static final String CHANNEL = "slo-alerts";
    static final String CONSUMER = "incident-service/slo-alerts";
    static final Subscription<AlertEvent> SUBSCRIPTION = Subscription.of(CONSUMER, AlertEvent.class,
            AlertEvent.CURRENT_VERSION, Set.of(AlertEvent.FIRED, AlertEvent.RESOLVED));
    static final Actor ACTOR = Actor.daff("daff-slo-alerts");
    static final String CONSUMER_ALERTMANAGER = "incident-service/alertmanager";
    static final java.util.Set<String> PAGING_SEVERITIES = java.util.Set.of("critical", "page");

    private final ProcessedEvents processed;
    private final IdempotentConsumer consumer;
    private final IncidentRepository incidents;
    private final IncidentService lifecycle;
    private final Timeline timeline;
    private final ObjectMapper json;
    private final Clock clock;
    private final AlertLinks links;
    private final AlertIncidentRules rules;

    public AlertIncidents(IdempotentConsumer consumer, ProcessedEvents processed, IncidentRepository incidents, IncidentService lifecycle,
            Timeline timeline, ObjectMapper json, Clock clock, AlertLinks links, AlertIncidentRules rules) {
        this.consumer = consumer;
        this.processed = processed;
        this.incidents = incidents;
        this.lifecycle = lifecycle;
        this.timeline = timeline;
        this.json = json;
        this.clock = clock;
        this.links = links;
        this.rules = rules;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void on(String payload) {
        consumer.consume(SUBSCRIPTION, payload, this::apply);
    }

    private void apply(AlertEvent alert) {
        if (alert.dedupKey() == null) {
            throw new UnprocessableEvent("dedupKey is required");
        }
        if (AlertEvent.FIRED.equals(alert.type())) {
            fired(alert);
        } else {
            links.findByIdOptional(alert.dedupKey()).ifPresent(link -> timeline.record(link.incidentId, alert.resolvedAt(),
                    Timeline.ALERT_RESOLVED, null, ACTOR, "Alert cleared: " + describe(alert), details(alert)));
        }
    }

    private void fired(AlertEvent alert) {
        Optional<Incident> open = openIncidentFor(alert.service());
        Incident incident;
        if (open.isPresent()) {
            incident = open.get();
        } else if (AlertEvent.PAGE.equals(alert.severity())) {
            incident = lifecycle.openIncident(new OpenIncident(title(alert), summary(alert), rules.severityFor(alert.tier()),
                    List.of(alert.service()), alert.team(), null, alert.firedAt(), DetectionSource.SLO_BURN), ACTOR);
        } else {
            return; // a TICKET alone is work for the team's queue, not an incident
        }
        timeline.record(incident.id, alert.firedAt(), Timeline.ALERT_FIRED, null, ACTOR, "Alert fired: " + describe(alert),
                details(alert));
        AlertLink link = new AlertLink();
        link.dedupKey = alert.dedupKey();
        link.incidentId = incident.id;
        link.linkedAt = clock.instant();
        links.persist(link);
    }

    /**
     * A page-worthy firing alert ({@code severity} label critical or page) opens an incident for its
     * Alertmanager group, or joins the group's incident while that is unresolved; other firing alerts and
     * resolutions go on the group's incident when it has one. Alertmanager repeats notifications: an alert
     * already recorded in the same state changes nothing.
     */
    @Transactional
    public AlertmanagerWebhook.Outcome fromAlertmanager(AlertmanagerWebhook.Notification notification) {
        // Group keys run to 1,000 characters and alert identities add a fingerprint: stored as SHA-256 digests they
        // fit alert_link.dedup_key (300) and processed_event.event_id (100) whatever Alertmanager sends.
        String linkKey = "alertmanager:" + sha256(notification.groupKey());
        Optional<Incident> incident = links.findByIdOptional(linkKey)
                .flatMap(link -> incidents.findByIdOptional(link.incidentId))
                .filter(found -> found.status.isOpen());
        int entries = 0;
        for (AlertmanagerWebhook.Alert alert : notification.alerts()) {
            String identity = (alert.fingerprint() == null ? String.valueOf(alert.labels().hashCode()) : alert.fingerprint())
                    + ":" + alert.startsAt().getEpochSecond() + ":" + alert.status();
            boolean paging = PAGING_SEVERITIES.contains(alert.labels().getOrDefault("severity", ""));
            if (incident.isEmpty() && !(paging && "firing".equals(alert.status()))) {
                continue;
            }
            if (!processed.firstDelivery(CONSUMER_ALERTMANAGER,
                    sha256("alertmanager:" + notification.groupKey() + ":" + identity))) {
                continue;
            }
            String name = alert.labels().getOrDefault("alertname", "alert");
            String summary = alert.annotations() == null ? null : alert.annotations().get("summary");
            String service = firstLabel(alert.labels(), notification.commonLabels(), "service", "job", "app");
            if (incident.isEmpty()) {
                String team = firstLabel(alert.labels(), notification.commonLabels(), "team", "owner");
                Incident opened = lifecycle.openIncident(new OpenIncident(truncate("Alertmanager: " + name
                        + (summary == null ? "" : " — " + summary), 200), null, rules.defaultAlertSeverity(),
                        List.of(service), team, earliest(alert.startsAt(), clock.instant()), clock.instant(),
                        DetectionSource.ALERTMANAGER), ACTOR);
                incident = Optional.of(opened);
                AlertLink link = links.findByIdOptional(linkKey).orElseGet(AlertLink::new);
                link.dedupKey = linkKey;
                link.incidentId = opened.id;
                link.linkedAt = clock.instant();
                links.persist(link);
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
        return new AlertmanagerWebhook.Outcome(incident.map(found -> found.id).orElse(null), entries);
    }

    /**
     * Lower-case hex SHA-256 of the UTF-8 text: what PostgreSQL's {@code encode(sha256(convert_to(t, 'UTF8')), 'hex')}
     * gives, which the migration that hashed the keys stored before used.
     */
    static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static String firstLabel(Map<String, String> labels, Map<String, String> common, String... names) {
        for (String name : names) {
            String value = labels.get(name);
            if (value == null && common != null) {
                value = common.get(name);
            }
            if (value != null && !value.isBlank()) {
                return truncate(value, 100);
            }
        }
        return "unknown";
    }

    /** Alertmanager's clock may run ahead of ours; impact cannot start after we detected it. */
    private static java.time.Instant earliest(java.time.Instant a, java.time.Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    private Optional<Incident> openIncidentFor(String service) {
        return incidents.find("status in ?1 and ?2 member of services order by detectedAt",
                List.of(IncidentStatus.DISCOVERED, IncidentStatus.ANALYSING, IncidentStatus.FIXING), service)
                .firstResultOptional();
    }

    private static String title(AlertEvent alert) {
        return "SLO " + alert.slo() + " burning error budget (" + alert.kind() + " " + alert.tier() + ")";
    }

    private static String summary(AlertEvent alert) {
        return "Opened by daff from " + describe(alert) + ".";
    }

    static String describe(AlertEvent alert) {
        String what = alert.severity() + " " + alert.kind() + " on SLO " + alert.slo() + " (" + alert.service() + ")";
        if ("BURN_RATE".equals(alert.kind())) {
            what += String.format(java.util.Locale.ROOT, ", tier %s, burn %.1f× over the long window and %.1f× over the"
                    + " short one (threshold %.1f×), %.1f%% of the budget left", alert.tier(), alert.burnRateLong(),
                    alert.burnRateShort(), alert.threshold(), alert.budgetRemaining() * 100);
        }
        return what;
    }

    private static Map<String, Object> details(AlertEvent alert) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("alertId", alert.alertId());
        data.put("dedupKey", alert.dedupKey());
        data.put("slo", alert.slo());
        data.put("severity", alert.severity());
        data.put("kind", alert.kind());
        data.put("tier", alert.tier());
        data.put("burnRateLong", alert.burnRateLong());
        data.put("burnRateShort", alert.burnRateShort());
        data.put("budgetRemaining", alert.budgetRemaining());
        return data;
    }

}
