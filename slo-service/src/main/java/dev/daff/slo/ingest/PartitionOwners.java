package dev.daff.slo.ingest;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

/**
 * The replica that owns each SLI partition ({@code sli_partition_owner}), as claimed when Kafka assigned it. The
 * consumer's offsets fence counting; this fences alerting: a transition is stored only while its SLO's partition is
 * still this replica's, checked under a share lock that a new owner's claim waits for.
 */
@ApplicationScoped
public class PartitionOwners {

    /** The SLO's partition now belongs to another replica: whatever this one was about to store is stale. */
    public static final class NotOwner extends RuntimeException {
        NotOwner(String topic, int partition) {
            super("partition " + topic + "-" + partition + " is owned by another replica now", null, false, false);
        }
    }

    private final EntityManager entityManager;
    private final Clock clock;
    /** This process: a restarted replica is a new owner and must claim again. */
    private final String replicaId = UUID.randomUUID().toString();

    public PartitionOwners(EntityManager entityManager, Clock clock) {
        this.entityManager = entityManager;
        this.clock = clock;
    }

    public String replicaId() {
        return replicaId;
    }

    /** Claims the partitions for this replica, in the caller's transaction (waits for an old owner's confirmations). */
    void claim(String topic, Collection<Integer> partitions) {
        for (int partition : partitions.stream().sorted().toList()) {
            entityManager.createNativeQuery("""
                    insert into sli_partition_owner (topic, partition_no, owner, claimed_at) values (?1, ?2, ?3, ?4)
                    on conflict (topic, partition_no) do update set owner = excluded.owner, claimed_at = excluded.claimed_at
                    """)
                    .setParameter(1, topic).setParameter(2, partition).setParameter(3, replicaId)
                    .setParameter(4, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
                    .executeUpdate();
        }
    }

    /**
     * Throws {@link NotOwner} unless the partition is this replica's; holds it (a share lock) until the caller's
     * transaction ends, so no other replica can claim it meanwhile.
     */
    void confirm(String topic, int partition) {
        @SuppressWarnings("unchecked")
        List<String> owner = entityManager.createNativeQuery("""
                select owner from sli_partition_owner where topic = ?1 and partition_no = ?2 for share
                """)
                .setParameter(1, topic).setParameter(2, partition).getResultList();
        if (owner.isEmpty() || !owner.get(0).equals(replicaId)) {
            throw new NotOwner(topic, partition);
        }
    }
}
