package dev.daff.incident.alerts;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
import dev.daff.incident.timeline.Timeline;
import dev.daff.kit.inbox.ProcessedEvents;
import io.smallrye.common.annotation.Blocking;

/**
 * SLO alerts become incidents: a PAGE opens one — unless an unresolved incident already covers the service,
 * which then gets the alert on its timeline. A cleared alert is noted, never taken as the incident's end:
 * humans decide that. Each alert event is applied once.
 */
@ApplicationScoped
public class AlertIncidents {

    static final String CONSUMER = "incident-service/slo-alerts";
    static final String ACTOR = "daff-slo-alerts";

    private final ProcessedEvents processed;
    private final IncidentRepository incidents;
    private final IncidentService lifecycle;
    private final Timeline timeline;
    private final ObjectMapper json;
    private final Clock clock;
    private final AlertLinks links;
    private final AlertIncidentRules rules;

    public AlertIncidents(ProcessedEvents processed, IncidentRepository incidents, IncidentService lifecycle,
            Timeline timeline, ObjectMapper json, Clock clock, AlertLinks links, AlertIncidentRules rules) {
        this.processed = processed;
        this.incidents = incidents;
        this.lifecycle = lifecycle;
        this.timeline = timeline;
        this.json = json;
        this.clock = clock;
        this.links = links;
        this.rules = rules;
    }

    @Incoming("slo-alerts")
    @Blocking
    @Transactional
    public void on(String payload) throws JsonProcessingException {
        AlertEvent alert = json.readValue(payload, AlertEvent.class);
        if (alert.eventId() == null || alert.dedupKey() == null || !processed.firstDelivery(CONSUMER, alert.eventId())) {
            return;
        }
        if (AlertEvent.FIRED.equals(alert.type())) {
            fired(alert);
        } else if (AlertEvent.RESOLVED.equals(alert.type())) {
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
