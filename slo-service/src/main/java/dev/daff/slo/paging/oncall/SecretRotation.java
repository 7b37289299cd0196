package dev.daff.slo.paging.oncall;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.daff.kit.db.AdvisoryLocks;
import dev.daff.slo.paging.secrets.Keyring;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import dev.daff.slo.paging.delivery.PageNotifications;
import dev.daff.slo.paging.delivery.PageNotification;

/**
 * Seals every stored channel secret under the current key: the teams' definitions and the queued (and sent)
 * notifications. It runs at start-up, so values from before sealing (migration V11) and values under a key that
 * was current before are sealed again as soon as a replica with the new configuration starts; and on demand
 * ({@code POST /api/admin/secrets/re-encrypt}), because replicas still on the old configuration may seal under the
 * old key until the rollout ends: the call after the rollout, answering what is left per key, is the step that says
 * an old key may be removed. Replicas do this one at a time (an advisory lock).
 */
@ApplicationScoped
public class SecretRotation {

    private static final Logger LOG = Logger.getLogger(SecretRotation.class);
    /** pg_advisory_xact_lock key: "daff-secrets". */
    private static final long LOCK = 0x64616666_73656372L;
    private static final int BATCH = 500;

    /** What one pass re-encrypted, and what each key now seals ({@code plaintext}: values from before sealing). */
    public record Resealed(String currentKey, int teamSecrets, int notificationSecrets, Map<String, Long> byKey) {
    }

    private final ChannelSecrets secrets;
    private final PageNotifications notifications;
    private final Keyring keyring;

    public SecretRotation(ChannelSecrets secrets, PageNotifications notifications, Keyring keyring) {
        this.secrets = secrets;
        this.notifications = notifications;
        this.keyring = keyring;
    }

    /**
     * On a thread of its own: readiness does not wait for it (paging opens a value under any configured key), and on
     * the start's main thread it cost 0.4–0.75 s, the first transactions and queries of a cold JVM.
     */
    void onStart(@Observes StartupEvent start) {
        resealInBackground();
    }

    /** The start-up pass, on a daemon thread of its own; answers that thread. */
    public Thread resealInBackground() {
        Thread resealing = new Thread(this::resealAtStart, "daff-secrets-reseal");
        resealing.setDaemon(true);
        resealing.start();
        return resealing;
    }

    private void resealAtStart() {
        try {
            Resealed resealed = reseal();
            if (resealed.teamSecrets() + resealed.notificationSecrets() > 0) {
                LOG.infof("sealed %d team and %d notification secrets under key %s", resealed.teamSecrets(),
                        resealed.notificationSecrets(), resealed.currentKey());
            }
            resealed.byKey().keySet().stream().filter(key -> !key.equals(resealed.currentKey())).forEach(key -> LOG.warnf(
                    "%d channel secrets are still under key %s, not the current one"
                            + " (if it is no longer configured, they cannot be sent)",
                    resealed.byKey().get(key), key));
        } catch (RuntimeException e) {
            // Paging must not wait for this: the next start, or POST /api/admin/secrets/re-encrypt, does it.
            LOG.warnf("channel secrets were not re-encrypted at start-up: %s", e.toString());
        }
    }

    /** Re-encrypts everything not under the current key; answers the counts. */
    public Resealed reseal() {
        int teamSecrets = QuarkusTransaction.requiringNew().call(() -> {
            lock();
            return secrets.resealAll();
        });
        int[] notificationSecrets = { 0 };
        long[] after = { 0 }; // a value that does not open (its key is gone) is passed over, not read again
        int done;
        do {
            done = QuarkusTransaction.requiringNew().call(() -> {
                lock();
                @SuppressWarnings("unchecked")
                List<Long> ids = notifications.getEntityManager().createNativeQuery("""
                        select id from page_notification where secret is not null and secret not like ?1 and id > ?2
                        order by id limit ?3 for update""")
                        .setParameter(1, Keyring.PREFIX + keyring.currentKey() + ":%").setParameter(2, after[0])
                        .setParameter(3, BATCH).getResultList().stream().map(id -> ((Number) id).longValue()).toList();
                int sealed = 0;
                for (Long id : ids) {
                    PageNotification notification = notifications.findById(id);
                    String resealed = secrets.resealOrKeep(notification.secret);
                    if (!resealed.equals(notification.secret)) {
                        notification.secret = resealed;
                        sealed++;
                    }
                    after[0] = id;
                }
                notificationSecrets[0] += sealed;
                return ids.size();
            });
        } while (done == BATCH);
        return new Resealed(keyring.currentKey(), teamSecrets, notificationSecrets[0], counts());
    }

    public String currentKey() {
        return keyring.currentKey();
    }

    /** How many stored secrets each key seals, teams and notifications together. */
    public Map<String, Long> counts() {
        return QuarkusTransaction.requiringNew().call(() -> {
            Map<String, Long> counts = new TreeMap<>(secrets.secretsByKey());
            @SuppressWarnings("unchecked")
            List<Object[]> rows = notifications.getEntityManager().createNativeQuery("""
                    select case when secret like 'enc:v1:%' then split_part(secret, ':', 3) else 'plaintext' end, count(*)
                    from page_notification where secret is not null group by 1""").getResultList();
            rows.forEach(row -> counts.merge((String) row[0], ((Number) row[1]).longValue(), Long::sum));
            return counts;
        });
    }

    private void lock() {
        AdvisoryLocks.take(notifications.getEntityManager(), LOCK);
    }
}
