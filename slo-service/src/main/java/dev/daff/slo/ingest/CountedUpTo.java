package dev.daff.slo.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

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
 * Whether this replica knows its SLI partitions to be counted up to now, give or take {@code complete-within}. A
 * silence is only the service's when daff has read everything sent: while the broker stalls, or the consumer works
 * through a backlog, every SLO looks silent and every burn looks over. What rests on a silence (NO_DATA, a volume
 * drop, an alert resolving) waits for this; a burn seen in what was counted still fires.
 * <p>
 * Every {@code check-every} the consumer thread notes the partitions' end offsets; once it has counted up to them, all
 * that was sent before the note is counted. A broker that does not answer leaves the last note unconfirmed.
 */
@ApplicationScoped
public class CountedUpTo {

    private static final Logger LOG = Logger.getLogger(CountedUpTo.class);

    private final long checkEveryNanos;
    private final long completeWithinNanos;
    private final boolean counting;
    /** When the last confirmed note was taken ({@link System#nanoTime}): all sent before it is counted. */
    private volatile long confirmedNanos;
    private volatile boolean wasComplete = true;
    /** Only the consumer thread touches these. */
    private Map<TopicPartition, Long> noted;
    private long notedNanos;
    private long nextCheckNanos;

    public CountedUpTo(@ConfigProperty(name = "daff.sli.counted.check-every") Duration checkEvery,
            @ConfigProperty(name = "daff.sli.counted.complete-within") Duration completeWithin,
            @ConfigProperty(name = "daff.sli.consumer.enabled", defaultValue = "true") boolean counting,
            MeterRegistry registry) {
        this.checkEveryNanos = checkEvery.toNanos();
        this.completeWithinNanos = completeWithin.toNanos();
        this.counting = counting;
        this.confirmedNanos = unknown(); // nothing known until the first note is reached
        this.nextCheckNanos = System.nanoTime();
        Gauge.builder("daff.sli.counted.behind", this, CountedUpTo::behindSeconds).baseUnit("seconds")
                .description("How long ago everything sent to this replica's SLI partitions was last known counted")
                .register(registry);
    }

    /**
     * Called by the consumer thread between polls, after what the last poll returned was counted. A note stands until
     * counting reaches it, then the next is taken: a consumer steadily a few seconds behind still confirms.
     */
    void check(Consumer<?, ?> consumer) {
        long now = System.nanoTime();
        if (now - nextCheckNanos < 0) {
            return;
        }
        nextCheckNanos = now + checkEveryNanos;
        Set<TopicPartition> owned = consumer.assignment();
        if (owned.isEmpty()) {
            confirmedNanos = now; // nothing to count here
            noted = null;
            return;
        }
        if (noted != null && noted.keySet().containsAll(owned)) {
            if (!reached(consumer, noted)) {
                return; // counting has not got there yet: the same note stands
            }
            confirmedNanos = notedNanos;
        }
        try {
            noted = consumer.endOffsets(owned, Duration.ofSeconds(2));
            notedNanos = now;
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
        confirmedNanos = unknown();
        noted = null;
        nextCheckNanos = System.nanoTime();
    }

    private long unknown() {
        return System.nanoTime() - completeWithinNanos - 1;
    }

    private static boolean reached(Consumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
        try {
            for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                if (end.getValue() != null && consumer.position(end.getKey(), Duration.ofMillis(200)) < end.getValue()) {
                    return false;
                }
            }
            return true;
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (KafkaException | IllegalStateException e) {
            return false; // a partition taken away meanwhile: the next note asks again
        }
    }

    /** Whether all that was sent up to about now is counted; always when this replica counts nothing. */
    public boolean complete() {
        boolean complete = !counting || behindSeconds() * 1e9 <= completeWithinNanos;
        if (complete != wasComplete) {
            wasComplete = complete;
            if (complete) {
                LOG.info("SLI counting has caught up: NO_DATA, volume drops and resolving alerts are judged again");
            } else {
                LOG.warnf("SLI counting is more than %d s behind (the broker unreachable, or a backlog): NO_DATA, volume"
                        + " drops and resolving alerts wait until it catches up", completeWithinNanos / 1_000_000_000);
            }
        }
        return complete;
    }

    /**
     * Up to when everything sent to this replica's SLI partitions is known counted, on the time of {@code now}: what
     * was worked out from the counts at {@code now} is as old as that. Between an assignment and the first note reached
     * after it, {@code complete-within} before the assignment: what the replica before left uncounted is not known.
     */
    public Instant countedAt(Instant now) {
        return counting ? now.minusNanos(Math.max(0, System.nanoTime() - confirmedNanos)) : now;
    }

    private double behindSeconds() {
        return counting ? (System.nanoTime() - confirmedNanos) / 1e9 : 0.0;
    }
}
