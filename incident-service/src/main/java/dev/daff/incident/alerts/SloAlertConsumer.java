package dev.daff.incident.alerts;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.daff.events.AlertEvent;
import dev.daff.incident.lifecycle.DetectionSource;
import dev.daff.incident.lifecycle.Incident;
import dev.daff.incident.lifecycle.IncidentApi.OpenIncident;
import dev.daff.incident.lifecycle.IncidentCommands;
import dev.daff.incident.lifecycle.IncidentTimes;
import dev.daff.incident.lifecycle.Incidents;
import dev.daff.incident.timeline.Actor;
import dev.daff.incident.timeline.Timeline;
import dev.daff.kit.messaging.IdempotentConsumer;
import dev.daff.kit.messaging.IdempotentConsumer.Subscription;
import dev.daff.kit.messaging.UnprocessableEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Blocking;

/**
 * SLO alerts become incidents: a PAGE opens one — unless an unresolved incident already covers the service,
 * which then gets the alert on its timeline. A cleared alert is noted, never taken as the incident's end:
 * humans decide that. Each alert event is applied once.
 */
@ApplicationScoped
public class SloAlertConsumer {

    /** The channel (topic daff.slo-alerts) in application.properties. */
    public static final String CHANNEL = "slo-alerts";
    static final String CONSUMER = "incident-service/slo-alerts";
    static final Subscription<AlertEvent> SUBSCRIPTION = Subscription.of(CONSUMER, AlertEvent.class,
            AlertEvent.CURRENT_VERSION, Set.of(AlertEvent.FIRED, AlertEvent.RESOLVED));
    static final Actor ACTOR = Actor.daff("daff-slo-alerts");

    private final IdempotentConsumer consumer;
    private final Incidents incidents;
    private final IncidentCommands lifecycle;
    private final Timeline timeline;
    private final Clock clock;
    private final AlertLinks links;
    private final AlertIncidentConfig config;

    public SloAlertConsumer(IdempotentConsumer consumer, Incidents incidents, IncidentCommands lifecycle,
            Timeline timeline, Clock clock, AlertLinks links, AlertIncidentConfig config) {
        this.consumer = consumer;
        this.incidents = incidents;
        this.lifecycle = lifecycle;
        this.timeline = timeline;
        this.clock = clock;
        this.links = links;
        this.config = config;
    }

    /** Its counters from the service's start ({@link IdempotentConsumer#expose}). */
    void exposeCounters(@Observes StartupEvent start) {
        consumer.expose(SUBSCRIPTION);
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
            Optional<AlertLink> link = links.findByIdOptional(alert.dedupKey());
            if (link.isPresent()) {
                timeline.record(link.get().incidentId, notAhead(alert.resolvedAt()), Timeline.ALERT_RESOLVED, null,
                        ACTOR, "Alert cleared: " + describe(alert), details(alert));
            } else if ((AlertEvent.PAGE.equals(alert.severity()) || incidents.openFor(alert.service()).isPresent())
                    && AlertClearedFirst.findByIdOptional(alert.dedupKey()).isEmpty()) {
                // Its firing has not been heard of: dead-lettered, it comes when replayed, and a PAGE's, or a TICKET's
                // with an incident open to join, would say on that incident that the alert still fired, for good. (A
                // TICKET's alone went on no incident, usually, and is not kept.)
                AlertClearedFirst cleared = new AlertClearedFirst();
                cleared.dedupKey = alert.dedupKey();
                cleared.resolvedAt = notAhead(alert.resolvedAt());
                cleared.receivedAt = clock.instant();
                cleared.persist();
            }
        }
    }

    /**
     * slo-service's clock may run ahead of this one: what it says happened "in the future" happened now (an incident
     * cannot be detected in the future, and refusing the firing would leave its page without an incident).
     */
    private Instant notAhead(Instant reported) {
        return IncidentTimes.noLaterThan(reported, clock.instant());
    }

    private void fired(AlertEvent alert) {
        Instant firedAt = notAhead(alert.firedAt());
        Optional<Incident> open = incidents.openFor(alert.service());
        Incident incident;
        if (open.isPresent()) {
            incident = open.get();
        } else if (AlertEvent.PAGE.equals(alert.severity())) {
            incident = lifecycle.openIncident(new OpenIncident(title(alert), summary(alert), config.severityFor(alert.tier()),
                    List.of(alert.service()), alert.team(), null, firedAt, DetectionSource.SLO_BURN), ACTOR);
        } else {
            AlertClearedFirst.deleteById(alert.dedupKey()); // nothing to record it on
            return; // a TICKET alone is work for the team's queue, not an incident
        }
        timeline.record(incident.id, firedAt, Timeline.ALERT_FIRED, null, ACTOR, "Alert fired: " + describe(alert),
                details(alert));
        links.add(alert.dedupKey(), incident.id, clock.instant());
        AlertClearedFirst.<AlertClearedFirst> findByIdOptional(alert.dedupKey()).ifPresent(cleared -> {
            timeline.record(incident.id, cleared.resolvedAt, Timeline.ALERT_RESOLVED, null, ACTOR, "Alert cleared: "
                    + describe(alert) + " (its clearing was heard of before its firing)", details(alert));
            cleared.delete();
        });
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
