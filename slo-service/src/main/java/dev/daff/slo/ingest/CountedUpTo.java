package dev.daff.slo.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Whether this replica knows its SLI partitions to be counted up to now, give or take {@code complete-within}, partition
 * by partition. A silence is only the service's when daff has read everything sent: while the broker stalls, or the
 * consumer works through a backlog, every SLO looks silent and every burn looks over. What rests on a silence (NO_DATA,
 * a volume drop, an alert resolving) waits for this; a burn seen in what was counted still fires. One partition held
 * back (its dead-letter topic refusing writes, a backlog in one SLO) holds back only the SLOs counted there, and those
 * of the partitions it lately forwarded records to: judged for the replica as a whole, it kept NO_DATA from every SLO on
 * the replica, their partitions counted to the end.
 * <p>
 * Every {@code check-every} the consumer thread notes the end offset of each partition without a note standing; once
 * it has counted a partition up to its note, all that was sent there before the note is counted. A broker that does not
 * answer leaves the notes unconfirmed.
 */
@ApplicationScoped
public class CountedUpTo {

    private static final Logger LOG = Logger.getLogger(CountedUpTo.class);

    private final long checkEveryNanos;
    private final long completeWithinNanos;
    private final boolean counting;
    /**
     * Per partition this replica owns, when its last confirmed note was taken ({@link System#nanoTime}): all sent there
     * before it is counted. A partition owned and not here is unknown. Replaced whole by the consumer thread.
     */
    private volatile Map<Integer, Long> confirmedNanos = Map.of();
    /** The partitions this replica owns, as the consumer thread last saw them; null until it has looked. */
    private volatile Set<Integer> owned;
    /**
     * What a partition not confirmed since the last assignment counts as confirmed at: {@code complete-within} before
     * the assignment (or the start), so it is unknown from the first.
     */
    private volatile long unknownBefore;
    /**
     * Per SLO partition, the partitions this replica lately forwarded its SLOs' records from ({@link System#nanoTime} of
     * the last): a producer that keys by service puts an SLO's events on another partition, and while that one is
     * behind, the SLO's events may be waiting in it. Replaced whole by the consumer thread.
     */
    private volatile Map<Integer, Map<Integer, Long>> forwardedTo = Map.of();
    /** How long a partition that forwarded records counts as one where its targets' records may wait. */
    static final Duration FORWARDING_REMEMBERED = Duration.ofHours(1);
    private volatile boolean wasComplete = true;
    /** Only the consumer thread touches these: each standing note's end offset, and when it was taken. */
    private final Map<TopicPartition, Long> noted = new HashMap<>();
    private final Map<TopicPartition, Long> notedNanos = new HashMap<>();
    private long nextCheckNanos;

    public CountedUpTo(@ConfigProperty(name = "daff.sli.counted.check-every") Duration checkEvery,
            @ConfigProperty(name = "daff.sli.counted.complete-within") Duration completeWithin,
            @ConfigProperty(name = "daff.sli.consumer.enabled", defaultValue = "true") boolean counting,
            MeterRegistry registry) {
        this.checkEveryNanos = checkEvery.toNanos();
        this.completeWithinNanos = completeWithin.toNanos();
        this.counting = counting;
        this.nextCheckNanos = System.nanoTime();
        this.unknownBefore = nextCheckNanos - completeWithinNanos - 1;
        Gauge.builder("daff.sli.counted.behind", this, CountedUpTo::behindSeconds).baseUnit("seconds")
                .description("How long ago everything sent to this replica's SLI partitions was last known counted")
                .register(registry);
    }

    /**
     * Called by the consumer thread between polls, after what the last poll returned was counted. A partition's note
     * stands until counting reaches it, then the next is taken: a consumer steadily a few seconds behind still confirms.
     */
    void check(Consumer<?, ?> consumer) {
        long now = System.nanoTime();
        if (now - nextCheckNanos < 0) {
            return;
        }
        nextCheckNanos = now + checkEveryNanos;
        Set<TopicPartition> assignment = consumer.assignment();
        noted.keySet().retainAll(assignment);
        notedNanos.keySet().retainAll(assignment);
        Map<Integer, Long> confirmed = new HashMap<>();
        Set<TopicPartition> toNote = new HashSet<>();
        for (TopicPartition partition : assignment) {
            Long before = confirmedNanos.get(partition.partition());
            if (before != null) {
                confirmed.put(partition.partition(), before);
            }
            if (!noted.containsKey(partition)) {
                toNote.add(partition);
            } else if (reached(consumer, partition, noted.get(partition))) {
                confirmed.put(partition.partition(), notedNanos.get(partition));
                toNote.add(partition);
            } // else counting has not got there yet: the same note stands
        }
        confirmedNanos = Map.copyOf(confirmed);
        owned = assignment.stream().map(TopicPartition::partition).collect(Collectors.toUnmodifiableSet());
        if (toNote.isEmpty()) {
            return;
        }
        try {
            consumer.endOffsets(toNote, Duration.ofSeconds(2)).forEach((partition, end) -> {
                noted.put(partition, end);
                notedNanos.put(partition, now);
            });
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            LOG.debugf("SLI partitions' end offsets not read: %s", e.toString()); // asked again at the next check
        }
    }

    /**
     * Partitions were assigned (at start, after a rebalance, to a consumer made anew): their backlog, perhaps another
     * replica's, is unknown until a note taken now is reached. Called by the consumer thread.
     */
    void assigned() {
        confirmedNanos = Map.of();
        owned = null;
        noted.clear();
        notedNanos.clear();
        nextCheckNanos = System.nanoTime();
        unknownBefore = nextCheckNanos - completeWithinNanos - 1;
    }

    /**
     * Records were read in other partitions than their SLOs' and forwarded: SLO partition → the partitions they were
     * read in. Called by the consumer thread.
     */
    void forwarded(Map<Integer, Set<Integer>> sourcesByTarget) {
        if (sourcesByTarget.isEmpty()) {
            return;
        }
        long at = System.nanoTime();
        Map<Integer, Map<Integer, Long>> links = new HashMap<>(forwardedTo);
        sourcesByTarget.forEach((target, sources) -> {
            Map<Integer, Long> from = new HashMap<>(links.getOrDefault(target, Map.of()));
            sources.forEach(source -> from.put(source, at));
            links.put(target, Map.copyOf(from));
        });
        forwardedTo = Map.copyOf(links);
    }

    private static boolean reached(Consumer<?, ?> consumer, TopicPartition partition, Long end) {
        try {
            return end == null || consumer.position(partition, Duration.ofMillis(200)) >= end;
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (KafkaException | IllegalStateException e) {
            return false; // the partition taken away meanwhile: the next note asks again
        }
    }

    /**
     * Whether all that was sent to every partition this replica owns up to about now is counted; always when it counts
     * nothing. Logged when it changes.
     */
    public boolean complete() {
        boolean complete = behindNanos() <= completeWithinNanos;
        if (complete != wasComplete) {
            wasComplete = complete;
            if (complete) {
                LOG.info("SLI counting has caught up: NO_DATA, volume drops and resolving alerts are judged again");
            } else {
                LOG.warnf("SLI counting is more than %d s behind on some partition (the broker unreachable, a backlog, a"
                        + " partition held back): NO_DATA, volume drops and resolving alerts of the SLOs counted there"
                        + " wait until it catches up", completeWithinNanos / 1_000_000_000);
            }
        }
        return complete;
    }

    /**
     * Whether all that was sent to {@code partition} up to about now is counted, and to the partitions of this replica
     * that lately forwarded records to it: what an SLO counted there may trust.
     */
    public boolean complete(int partition) {
        complete(); // says so in the log when the replica falls behind or catches up
        return !counting || System.nanoTime() - confirmedFor(partition) <= completeWithinNanos;
    }

    /**
     * Up to when everything sent to {@code partition} is known counted, on the time of {@code now}: what was worked out
     * from an SLO's counts at {@code now} is as old as that. Between an assignment and the first note reached after it,
     * {@code complete-within} before the assignment: what the replica before left uncounted is not known.
     */
    public Instant countedAt(Instant now, int partition) {
        return counting ? now.minusNanos(Math.max(0, System.nanoTime() - confirmedFor(partition))) : now;
    }

    /**
     * When all sent to {@code partition}, and to the owned partitions that lately forwarded records to it, was counted.
     */
    private long confirmedFor(int partition) {
        long confirmed = confirmedOf(partition);
        Set<Integer> partitions = owned;
        long now = System.nanoTime();
        for (Map.Entry<Integer, Long> source : forwardedTo.getOrDefault(partition, Map.of()).entrySet()) {
            if (partitions != null && partitions.contains(source.getKey())
                    && now - source.getValue() <= FORWARDING_REMEMBERED.toNanos()) {
                confirmed = Math.min(confirmed, confirmedOf(source.getKey()));
            }
        }
        return confirmed;
    }

    private long confirmedOf(int partition) {
        return confirmedNanos.getOrDefault(partition, unknownBefore);
    }

    /** How long ago the partition furthest behind was last known counted; 0 when this replica counts nothing. */
    private long behindNanos() {
        Set<Integer> partitions = owned;
        long now = System.nanoTime();
        if (!counting || partitions != null && partitions.isEmpty()) {
            return 0;
        }
        if (partitions == null) {
            return now - unknownBefore; // assigned, not looked at yet: unknown
        }
        return partitions.stream().mapToLong(partition -> now - confirmedOf(partition)).max().orElse(0);
    }

    private double behindSeconds() {
        return behindNanos() / 1e9;
    }
}
