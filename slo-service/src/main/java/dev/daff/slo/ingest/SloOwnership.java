package dev.daff.slo.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import org.apache.kafka.common.utils.Utils;

/**
 * Which SLOs this replica owns: those whose name hashes to a partition of {@link dev.daff.events.Topics#SLI_EVENTS}
 * assigned to this replica's consumer. Only the owner counts, evaluates and alerts, so two replicas never both
 * page for one SLO. A change is announced as {@link OwnershipChanged} on the consumer thread, before any record of
 * a newly assigned partition is counted, so the new owner can load what the old one stored first.
 */
@ApplicationScoped
public class SloOwnership {

    /** This replica now owns exactly these partitions (of {@code partitionCount}). */
    public record OwnershipChanged(Set<Integer> partitions, int partitionCount) {
    }

    private final Event<OwnershipChanged> changed;
    private volatile Set<Integer> partitions = Set.of();
    private volatile int partitionCount = 1;

    public SloOwnership(Event<OwnershipChanged> changed) {
        this.changed = changed;
    }

    void assigned(Set<Integer> owned, int totalPartitions) {
        this.partitions = Set.copyOf(owned);
        this.partitionCount = Math.max(1, totalPartitions);
        changed.fire(new OwnershipChanged(partitions, partitionCount));
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
