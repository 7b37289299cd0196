package dev.daff.incident.alerts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.scheduler.Scheduled;

import dev.daff.kit.db.AdvisoryLocks;

/** Which incident an alert (an SLO alert's dedup key, an Alertmanager group's key digest) belongs to. */
@ApplicationScoped
public class AlertLinks implements PanacheRepositoryBase<AlertLink, String> {

    /** The key prefix of the link from one firing of an Alertmanager alert to the incident it went on. */
    static final String ALERT_FIRING_PREFIX = "alertmanager-alert:";
    /** How long such a link is kept when no clearing comes to delete it. */
    static final Duration ALERT_FIRING_KEPT = Duration.ofDays(30);

    private final Clock clock;

    public AlertLinks(Clock clock) {
        this.clock = clock;
    }

    /**
     * The key's link, read once any other transaction that asked for the same key has ended: Alertmanager's pair of
     * instances each notify, and two notifications of one new group on two replicas would otherwise each open an
     * incident; the second now finds the first's.
     */
    Optional<AlertLink> findInTurn(String key) {
        AdvisoryLocks.take(getEntityManager(), "alert-link\n" + key);
        return findByIdOptional(key);
    }

    /** Links a key seen for the first time. */
    void add(String key, UUID incidentId, Instant at) {
        AlertLink link = new AlertLink();
        link.dedupKey = key;
        link.incidentId = incidentId;
        link.linkedAt = at;
        persist(link);
    }

    /** Links the key to {@code incidentId}, replacing the incident it named before (a group's resolved incident). */
    void relink(String key, UUID incidentId, Instant at) {
        AlertLink link = findByIdOptional(key).orElseGet(AlertLink::new);
        link.dedupKey = key;
        link.incidentId = incidentId;
        link.linkedAt = at;
        persist(link);
    }

    @Scheduled(every = "1h", delayed = "1m", identity = "alertmanager-alert-links-retention",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void retention() {
        forgetOldAlertFirings();
        forgetOldClearings();
    }

    /** Forgets a clearing heard of before its firing once it is {@link #ALERT_FIRING_KEPT} old: the firing never came. */
    @Transactional
    public int forgetOldClearings() {
        return (int) AlertClearedFirst.delete("receivedAt < ?1", clock.instant().minus(ALERT_FIRING_KEPT));
    }

    /**
     * Forgets which incident each Alertmanager alert fired on once the link is {@link #ALERT_FIRING_KEPT} old: the
     * clearing deletes it, but an alert whose clearing never comes (a receiver with send_resolved off, Alertmanager's
     * state lost) would keep its row for good. A clearing after that goes where it went before these links: the
     * group's open incident, or the resolved one it was on. Answers how many were forgotten.
     */
    @Transactional
    public int forgetOldAlertFirings() {
        return (int) delete("dedupKey like ?1 and linkedAt < ?2", ALERT_FIRING_PREFIX + "%",
                clock.instant().minus(ALERT_FIRING_KEPT));
    }
}
