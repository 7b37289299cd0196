package dev.daff.slo.ingest;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.apache.kafka.common.TopicPartition;

/**
 * The next offset of each SLI partition ({@code sli_consumer_offset}), stored in the transaction that stored the
 * buckets it produced: where a replica resumes a partition, and the fence that stops a replica which lost a partition
 * from counting it again.
 */
@ApplicationScoped
public class PartitionOffsets {

    /** The batch read a partition that another replica has written since: it was assigned away while we worked. */
    static final class Fenced extends RuntimeException {
        Fenced(TopicPartition partition) {
            super("partition " + partition + " was counted by another replica meanwhile; this batch is rolled back",
                    null, false, false);
        }
    }

    private final EntityManager entityManager;

    public PartitionOffsets(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** The stored next offset per partition of the topic. */
    @SuppressWarnings("unchecked")
    Map<Integer, Long> stored(String topic) {
        List<Object[]> rows = entityManager
                .createNativeQuery("select partition_no, next_offset from sli_consumer_offset where topic = ?1")
                .setParameter(1, topic).getResultList();
        return rows.stream().collect(Collectors.toMap(row -> ((Number) row[0]).intValue(),
                row -> ((Number) row[1]).longValue()));
    }

    /**
     * Moves a partition's stored offset from {@code expected} (null: nothing stored yet) to {@code next}; a row that
     * holds anything else means another replica counted this partition meanwhile, and {@link Fenced} is thrown.
     */
    void move(TopicPartition partition, Long expected, long next) {
        int changed;
        if (expected == null) {
            changed = entityManager.createNativeQuery("""
                    insert into sli_consumer_offset (topic, partition_no, next_offset) values (?1, ?2, ?3)
                    on conflict (topic, partition_no) do nothing
                    """)
                    .setParameter(1, partition.topic()).setParameter(2, partition.partition()).setParameter(3, next)
                    .executeUpdate();
        } else {
            changed = entityManager.createNativeQuery("""
                    update sli_consumer_offset set next_offset = ?3
                    where topic = ?1 and partition_no = ?2 and next_offset = ?4
                    """)
                    .setParameter(1, partition.topic()).setParameter(2, partition.partition()).setParameter(3, next)
                    .setParameter(4, expected)
                    .executeUpdate();
        }
        if (changed != 1) {
            throw new Fenced(partition);
        }
    }
}
