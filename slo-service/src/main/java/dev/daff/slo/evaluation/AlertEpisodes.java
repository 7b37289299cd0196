package dev.daff.slo.evaluation;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.daff.events.AlertEvent;
import dev.daff.events.Topics;
import dev.daff.kit.outbox.Outbox;
import dev.daff.slo.burn.AlertKind;
import dev.daff.slo.burn.AlertTransition;
import dev.daff.slo.burn.Severity;
import dev.daff.slo.burn.TransitionType;
import dev.daff.slo.definition.Slo;
import dev.daff.slo.definition.SloService.SloDeleted;

/**
 * Alert episodes as stored ({@code slo_alert}) and announced: each FIRED or RESOLVED is written with its
 * {@link AlertEvent} on the outbox in one transaction (the caller's), so a page never goes out for an episode that
 * was not stored, nor an episode stays unannounced.
 */
@ApplicationScoped
public class AlertEpisodes {

    private final SloAlerts stored;
    private final Outbox outbox;
    private final Clock clock;

    public AlertEpisodes(SloAlerts stored, Outbox outbox, Clock clock) {
        this.stored = stored;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** The SLO's unresolved episodes, as the FIRED transitions that opened them. */
    List<AlertTransition> open(String slo) {
        return open(List.of(slo)).getOrDefault(slo, List.of());
    }

    /** The unresolved episodes of each named SLO that has any, as the FIRED transitions that opened them. */
    Map<String, List<AlertTransition>> open(Collection<String> slos) {
        return stored.list("sloName in ?1 and resolvedAt is null", slos).stream()
                .map(alert -> new AlertTransition(TransitionType.FIRED, alert.alertId, alert.dedupKey, alert.sloName,
                        Severity.valueOf(alert.severity), AlertKind.valueOf(alert.kind), alert.tier, alert.burnRateLong,
                        alert.burnRateShort, alert.threshold, alert.budgetRemaining, alert.exhaustionAt, alert.firedAt,
                        null))
                .collect(Collectors.groupingBy(AlertTransition::slo));
    }

    /**
     * Stores the episode and puts its event on the outbox. A FIRED for an episode already stored as
     * unresolved (this replica restarted and lost its in-memory state) announces nothing new.
     */
    void announce(Slo slo, AlertTransition transition) {
        Optional<SloAlert> active = stored.active(slo.name, transition.severity().name(), transition.kind().name());
        SloAlert alert;
        if (transition.type() == TransitionType.FIRED) {
            if (active.isPresent()) {
                return;
            }
            alert = new SloAlert();
            alert.alertId = transition.alertId();
            alert.dedupKey = transition.dedupKey();
            alert.sloName = slo.name;
            alert.severity = transition.severity().name();
            alert.kind = transition.kind().name();
            alert.tier = transition.tier();
            alert.firedAt = transition.firedAt();
        } else {
            if (active.isEmpty()) {
                return;
            }
            alert = active.get();
            alert.resolvedAt = transition.resolvedAt();
        }
        alert.burnRateLong = transition.burnRateLong();
        alert.burnRateShort = transition.burnRateShort();
        alert.threshold = transition.threshold();
        alert.budgetRemaining = transition.budgetRemaining();
        alert.exhaustionAt = transition.exhaustionAt();
        stored.persist(alert);
        publish(alert, transition.type() == TransitionType.FIRED ? AlertEvent.FIRED : AlertEvent.RESOLVED, slo.service,
                slo.team);
    }

    /**
     * A deleted SLO's open episodes end with it, in the deleting transaction: their AlertResolved goes out through
     * the outbox (and resolves their pages), whichever replica served the delete.
     */
    void resolveAllOfDeleted(@Observes SloDeleted deleted) {
        Instant now = clock.instant();
        for (SloAlert alert : stored.list("sloName = ?1 and resolvedAt is null", deleted.name())) {
            alert.resolvedAt = now;
            publish(alert, AlertEvent.RESOLVED, deleted.service(), deleted.team());
        }
    }

    private void publish(SloAlert alert, String type, String service, String team) {
        outbox.publish(Topics.SLO_ALERTS, alert.sloName, new AlertEvent(UUID.randomUUID().toString(), type,
                AlertEvent.CURRENT_VERSION, AlertEvent.FIRED.equals(type) ? alert.firedAt : alert.resolvedAt,
                alert.alertId, alert.dedupKey, alert.sloName, service, team, alert.severity, alert.kind, alert.tier,
                alert.burnRateLong, alert.burnRateShort, alert.threshold, alert.budgetRemaining, alert.exhaustionAt,
                alert.firedAt, alert.resolvedAt));
    }
}
