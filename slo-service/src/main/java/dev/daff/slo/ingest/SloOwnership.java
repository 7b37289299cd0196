package dev.daff.slo.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.utils.Utils;

/**
 * Which SLOs this replica owns: those whose name hashes to a partition of {@link dev.daff.events.Topics#SLI_EVENTS}
 * assigned to this replica's consumer. Only the owner counts, evaluates and alerts, so two replicas never both
 * page for one SLO.
 */
@ApplicationScoped
public class SloOwnership {

    private volatile Set<Integer> partitions = Set.of();
    private volatile int partitionCount = 1;

    void assigned(Set<Integer> owned, int totalPartitions) {
        this.partitions = Set.copyOf(owned);
        this.partitionCount = Math.max(1, totalPartitions);
    }

    public boolean owns(String slo) {
        return partitions.contains(partitionOf(slo, partitionCount));
    }

    public Set<Integer> partitions() {
        return partitions;
    }

    /** Kafka's default partitioner for a keyed record: murmur2 of the key bytes. */
    static int partitionOf(String slo, int partitionCount) {
        return Utils.toPositive(Utils.murmur2(slo.getBytes(StandardCharsets.UTF_8))) % partitionCount;
    }
}
