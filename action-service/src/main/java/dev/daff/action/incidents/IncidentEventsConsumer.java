package dev.daff.action.incidents;

import java.time.Clock;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.LockModeType;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.daff.action.followup.WashupActions;
import dev.daff.events.IncidentEvent;
import dev.daff.kit.messaging.IdempotentConsumer;
import dev.daff.kit.messaging.IdempotentConsumer.Subscription;
import dev.daff.kit.messaging.UnprocessableEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Blocking;

/**
 * Follows incidents: keeps what action-service knows of each ({@link KnownIncidents}), and tells follow-up when one
 * is resolved (it makes the team's WASHUP action), when its washup is reviewed (it closes it) and when it is finalised
 * (an open one is closed as WONT_DO). Each event is applied once, however often Kafka delivers it.
 */
@ApplicationScoped
public class IncidentEventsConsumer {

    /** The channel (topic daff.incident-events) in application.properties. */
    public static final String CHANNEL = "incident-events";
    static final String CONSUMER = "action-service/incident-events";
    static final Subscription<IncidentEvent> SUBSCRIPTION = Subscription.of(CONSUMER, IncidentEvent.class,
            IncidentEvent.CURRENT_VERSION, IncidentEvent.TYPES);

    private final IdempotentConsumer consumer;
    private final KnownIncidents incidents;
    private final WashupActions washups;
    private final Clock clock;

    public IncidentEventsConsumer(IdempotentConsumer consumer, KnownIncidents incidents, WashupActions washups,
            Clock clock) {
        this.consumer = consumer;
        this.incidents = incidents;
        this.washups = washups;
        this.clock = clock;
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

    private void apply(IncidentEvent event) {
        if (event.incidentId() == null) {
            throw new UnprocessableEvent("incidentId is required");
        }
        UUID incidentId = UUID.fromString(event.incidentId());
        // Locked before anything else of the incident (its actions, their events): a create checking whether it is
        // finalised takes the same row first, so the two wait for each other in one order.
        KnownIncident incident = incidents.findByIdOptional(incidentId, LockModeType.PESSIMISTIC_WRITE).orElseGet(() -> {
            KnownIncident created = new KnownIncident();
            created.id = incidentId;
            return created;
        });
        // A review older than the newest resolve was of an earlier round: the incident was reopened since, which sent
        // its washup back to draft in incident-service, and this round's WASHUP action stays open. A resolve newer
        // than the newest review is such a round: its washup needs reviewing again.
        boolean reviewOfThisRound = !older(event, incident.resolvedSequence);
        // Unknown (null) when either has no sequence: a review taken in before sequences were kept, an older producer.
        Boolean resolvedAfterReview = incident.washupReviewedSequence == null || event.sequence() == null ? null
                : event.sequence() > incident.washupReviewedSequence;
        if (IncidentEvent.WASHUP_REVIEWED.equals(event.type()) && !older(event, incident.washupReviewedSequence)
                && event.sequence() != null) {
            incident.washupReviewedSequence = event.sequence();
        }
        if (IncidentEvent.RESOLVED.equals(event.type()) && !older(event, incident.resolvedSequence)
                && event.sequence() != null) {
            incident.resolvedSequence = event.sequence();
        }
        if (older(event, incident.sequence)) {
            // A replayed dead letter: what it says of the incident was changed since. But a review stands whatever
            // came after it but a resolve (a reopened incident's washup is a draft again): skipped, the WASHUP action
            // stayed open, reminded and overdue, for a reviewed washup. And a resolve of an incident still resolved
            // still needs its WASHUP action: skipped after a newer event (its team changed, say), the incident had
            // none, and nobody was reminded to write its washup — unless its washup was reviewed since: made then,
            // nothing would ever close it (no second review comes).
            if (IncidentEvent.WASHUP_REVIEWED.equals(event.type()) && reviewOfThisRound) {
                washups.washupReviewed(incidentId);
            } else if (IncidentEvent.RESOLVED.equals(event.type()) && "RESOLVED".equals(incident.status)
                    && !older(event, incident.washupReviewedSequence)) {
                washups.incidentResolved(incidentId, incident.team, incident.severity, event.resolvedAt(),
                        resolvedAfterReview);
            }
            return;
        }
        if (event.sequence() != null) {
            incident.sequence = event.sequence();
        }
        if (event.severity() != null) {
            incident.severity = event.severity();
        }
        String teamBefore = incident.team;
        if (event.team() != null) {
            incident.team = event.team();
        }
        // FINALISED is the last status there is: a late or replayed older event never takes an incident back from
        // it (that would let actions be opened for it again, and make it a washup action of its own).
        boolean finalised = KnownIncidents.FINALISED.equals(incident.status);
        if (event.status() != null && !finalised) {
            incident.status = event.status();
        }
        incident.updatedAt = clock.instant();
        incidents.persist(incident);

        if (finalised) {
            if (IncidentEvent.WASHUP_REVIEWED.equals(event.type()) && reviewOfThisRound) {
                washups.washupReviewed(incidentId); // a review stands whenever it arrives
            }
            return;
        }
        if (teamBefore != null && !teamBefore.equals(incident.team)) {
            washups.teamChanged(incidentId, teamBefore, incident.team);
        }
        if (IncidentEvent.RESOLVED.equals(event.type())) {
            washups.incidentResolved(incidentId, incident.team, incident.severity, event.resolvedAt(),
                    resolvedAfterReview);
        } else if (IncidentEvent.WASHUP_REVIEWED.equals(event.type()) && reviewOfThisRound) {
            washups.washupReviewed(incidentId);
        } else if (IncidentEvent.FINALISED.equals(event.type()) || KnownIncidents.FINALISED.equals(incident.status)) {
            // Finalised however it is heard of: an IncidentUpdated of a finalised incident, its IncidentFinalised
            // dead-lettered, left the waived WASHUP action open for good (the replay is older, and ignored).
            washups.incidentFinalised(incidentId);
        }
    }

    /**
     * Whether {@code event} is older than the newest applied, by incident-service's sequence; an event without one
     * (from a version before it), or the first with one, is applied as before.
     */
    static boolean older(IncidentEvent event, Long appliedSequence) {
        return event.sequence() != null && appliedSequence != null && event.sequence() < appliedSequence;
    }
}
