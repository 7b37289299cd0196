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
    private final PartitionOwners owners;
    private volatile Set<Integer> partitions = Set.of();
    private volatile int partitionCount = 1;

    public SloOwnership(Event<OwnershipChanged> changed, PartitionOwners owners) {
        this.changed = changed;
        this.owners = owners;
    }

    void assigned(Set<Integer> owned, int totalPartitions) {
        this.partitions = Set.copyOf(owned);
        this.partitionCount = Math.max(1, totalPartitions);
        changed.fire(new OwnershipChanged(partitions, partitionCount));
    }

    public boolean owns(String slo) {
        return partitions.contains(partitionOf(slo, partitionCount));
    }

    /**
     * Throws {@link PartitionOwners.NotOwner} unless this replica still owns the SLO in the database (not only in its
     * own belief, which a paused replica keeps after its partitions moved on); holds that until the caller's
     * transaction ends. Call it in the transaction that stores what this replica concluded about the SLO.
     */
    public void confirm(String slo) {
        owners.confirm(dev.daff.events.Topics.SLI_EVENTS, partitionOf(slo, partitionCount));
    }

    /** The SLI partition an SLO's events are counted in. */
    public int partitionOf(String slo) {
        return partitionOf(slo, partitionCount);
    }

    public Set<Integer> partitions() {
        return partitions;
    }

    int partitionCount() {
        return partitionCount;
    }

    /** Kafka's default partitioner for a keyed record: murmur2 of the key bytes. */
    static int partitionOf(String slo, int partitionCount) {
        return Utils.toPositive(Utils.murmur2(slo.getBytes(StandardCharsets.UTF_8))) % partitionCount;
    }
}
