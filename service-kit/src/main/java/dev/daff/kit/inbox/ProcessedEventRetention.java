package dev.daff.kit.inbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * Keeps the processed-event log to the ids that can still be delivered again. A record can come back only while its
 * topic (or a dead-letter topic an admin replays) still holds it — seven days in {@code deploy/} — so an id not
 * delivered for {@code daff.events.processed-retention} (30 days) never will be; without this the log grew with
 * every event the service ever consumed.
 */
@ApplicationScoped
public class ProcessedEventRetention {

    private static final Logger LOG = Logger.getLogger(ProcessedEventRetention.class);
    static final int BATCH = 10_000;
    /** Longer than any topic keeps a record, with room for a replay: less would apply a redelivery twice. */
    static final Duration SHORTEST = Duration.ofDays(8);

    private final ProcessedEvents processed;
    private final Clock clock;
    private final Duration retention;

    public ProcessedEventRetention(ProcessedEvents processed, Clock clock,
            @ConfigProperty(name = "daff.events.processed-retention", defaultValue = "P30D") Duration retention) {
        this.processed = processed;
        this.clock = clock;
        this.retention = retention;
    }

    void checkAtStart(@Observes StartupEvent startup) {
        if (retention.compareTo(SHORTEST) < 0) {
            throw new IllegalStateException("daff.events.processed-retention must be at least " + SHORTEST.toDays()
                    + " days (the topics keep records for seven days), not " + retention);
        }
    }

    @Scheduled(every = "${daff.events.processed-retention-every:1h}", identity = "processed-event-retention",
            delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        forgetExpired();
    }

    /** Answers how many event ids were forgotten. */
    public int forgetExpired() {
        Instant cutoff = clock.instant().minus(retention);
        int forgotten = 0;
        int batch;
        do {
            batch = processed.forgetNotDeliveredSince(cutoff, BATCH);
            forgotten += batch;
        } while (batch == BATCH);
        if (forgotten > 0) {
            LOG.infof("forgot %d processed event ids not delivered since %s", forgotten, cutoff);
        }
        return forgotten;
    }
}
