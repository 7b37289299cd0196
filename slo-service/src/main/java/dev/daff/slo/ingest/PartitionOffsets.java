package dev.daff.slo.ingest;

import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.apache.kafka.common.TopicPartition;
import org.hibernate.Session;

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
     * Moves every partition's stored offset from what {@code lastStored} says this replica stored last to its next
     * offset, in the map's order (the order in which the rows are locked), as {@link #move} does one by one. The common
     * poll, whose partitions all have a stored offset, moves them in one round trip: the updates go to PostgreSQL
     * together as a JDBC batch and run there one after another. A statement and a round trip per partition, through
     * Hibernate, were a fifth of the SLI consumer's time while it counted HTTP batches (up to 12 partitions a poll).
     */
    void moveAll(SortedMap<TopicPartition, Long> nextOffsets, Function<TopicPartition, Long> lastStored) {
        List<TopicPartition> partitions = List.copyOf(nextOffsets.keySet());
        if (partitions.stream().anyMatch(partition -> lastStored.apply(partition) == null)) {
            partitions.forEach(partition -> move(partition, lastStored.apply(partition), nextOffsets.get(partition)));
            return;
        }
        int[] changed = entityManager.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement update = connection.prepareStatement("""
                    update sli_consumer_offset set next_offset = ?
                    where topic = ? and partition_no = ? and next_offset = ?
                    """)) {
                for (TopicPartition partition : partitions) {
                    update.setLong(1, nextOffsets.get(partition));
                    update.setString(2, partition.topic());
                    update.setInt(3, partition.partition());
                    update.setLong(4, lastStored.apply(partition));
                    update.addBatch();
                }
                return update.executeBatch();
            }
        });
        for (int i = 0; i < changed.length; i++) {
            if (changed[i] != 1) {
                throw new Fenced(partitions.get(i));
            }
        }
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
