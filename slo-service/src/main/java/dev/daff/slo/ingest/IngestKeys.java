package dev.daff.slo.ingest;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import dev.daff.events.SliObservedBatch;
import dev.daff.kit.problem.ProblemException;
import dev.daff.slo.ingest.SliIngestResource.Observation;

/**
 * The Idempotency-Keys HTTP ingest took ({@code sli_ingest_key}), each with a digest of the batch it first came with.
 * The consumer counts a keyed batch once per SLO, key and position, whatever it holds: without this, a new batch sent
 * under a used key would be answered 202 and then silently not counted. Now it is refused before it reaches the log.
 */
@ApplicationScoped
public class IngestKeys {

    private final EntityManager entityManager;
    private final SeenEvents seenEvents;

    public IngestKeys(EntityManager entityManager, SeenEvents seenEvents) {
        this.entityManager = entityManager;
        this.seenEvents = seenEvents;
    }

    /**
     * Takes {@code key} for this batch of {@code slo}, or refuses the batch (422) if the key came with a different one.
     * Commits before the batch is sent: a retry after a failed send finds its own digest and goes on.
     */
    @Transactional
    void claim(String slo, String key, List<Observation> observations, Instant now) {
        byte[] digest = digest(observations);
        // Waits for a request that is taking the same key at this moment, then sees its digest.
        int taken = entityManager.createNativeQuery("""
                insert into sli_ingest_key (slo_name, idempotency_key, batch_sha256, first_used_at)
                values (?1, ?2, ?3, ?4) on conflict do nothing""")
                .setParameter(1, slo).setParameter(2, key).setParameter(3, digest)
                .setParameter(4, OffsetDateTime.ofInstant(now, ZoneOffset.UTC)).executeUpdate();
        if (taken == 1) {
            forgetEarlierUse(slo, key);
        }
        List<?> first = entityManager.createNativeQuery(
                "select batch_sha256 from sli_ingest_key where slo_name = ?1 and idempotency_key = ?2")
                .setParameter(1, slo).setParameter(2, key).getResultList();
        if (!first.isEmpty() && !Arrays.equals(digest, (byte[]) first.get(0))) {
            throw new ProblemException(422, "idempotency-key-reused", "Idempotency-Key already used",
                    "This Idempotency-Key came with a different batch for this SLO in the last "
                            + BucketRetention.IDEMPOTENCY_HORIZON.toHours() + " hours; nothing of this batch was "
                            + "stored. Send a new key for a new batch.");
        }
    }

    /**
     * A key taken anew was last used before its row expired, but what the consumer counted under it may be
     * remembered for longer: the consumer records it when it counts, up to a consumer's lag after the key was
     * taken. Left there, it would drop this new batch, which was answered 202.
     */
    private void forgetEarlierUse(String slo, String key) {
        List<String> ids = new ArrayList<>();
        for (int first = 0; first < SliPublisher.MAX_BATCH; first += SliObservedBatch.MAX_OBSERVATIONS) {
            ids.add(IngestIds.ofBatch(slo, key, first));
        }
        seenEvents.forget(ids);
    }

    /** Forgets up to {@code max} keys first taken before {@code cutoff}, the oldest first; answers how many. */
    int forgetBefore(Instant cutoff, int max) {
        return entityManager.createNativeQuery("""
                delete from sli_ingest_key where ctid = any(array(
                    select ctid from sli_ingest_key where first_used_at < ?1 order by first_used_at limit ?2
                    for update skip locked))
                """)
                .setParameter(1, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC)).setParameter(2, max).executeUpdate();
    }

    /** The batch as the client sent it: an observation without {@code at} is "now" on every retry. */
    private static byte[] digest(List<Observation> observations) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        ByteBuffer observation = ByteBuffer.allocate(5 * Long.BYTES);
        for (Observation sent : observations) {
            observation.clear();
            observation.putLong(sent.at() == null ? 0 : 1)
                    .putLong(sent.at() == null ? 0 : sent.at().getEpochSecond())
                    .putLong(sent.at() == null ? 0 : sent.at().getNano())
                    .putLong(sent.good()).putLong(sent.total());
            sha256.update(observation.array());
        }
        return sha256.digest();
    }
}
