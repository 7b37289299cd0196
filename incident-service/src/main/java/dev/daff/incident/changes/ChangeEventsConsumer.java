package dev.daff.incident.changes;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.daff.events.ChangeEvent;
import dev.daff.incident.changes.ChangesApi.NewChange;
import dev.daff.incident.timeline.Actor;
import dev.daff.kit.messaging.IdempotentConsumer;
import dev.daff.kit.messaging.IdempotentConsumer.Subscription;
import dev.daff.kit.problem.ProblemException;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Blocking;

/**
 * Change events from CI/CD on {@code daff.change-events}, stored as if posted to {@code /api/changes}. A change
 * that would be refused over HTTP fails here too, and goes to the dead-letter topic (reason in the
 * {@code dead-letter-reason} header) while consumption goes on. A redelivered record is recognised by its
 * {@code eventId}, or by its content when the pipeline sent none, and stored once; an {@code eventId} sent again
 * with another change is dead-lettered, not dropped as a redelivery.
 */
@ApplicationScoped
public class ChangeEventsConsumer {

    public static final String CHANNEL = "change-events";
    static final String CONSUMER = "incident-service/change-events";
    static final Actor ACTOR = Actor.daff("daff-change-events");
    /** How {@link #content} names a change: a new one whenever it names more or less of it. */
    static final int CONTENT_VERSION = 1;
    static final Subscription<ChangeEvent> SUBSCRIPTION = Subscription
            .of(CONSUMER, ChangeEvent.class, ChangeEvent.CURRENT_VERSION, Set.of(ChangeEvent.REPORTED))
            .identifiedBy(ChangeEventsConsumer::contentId)
            .sameEventWhenSame(CONTENT_VERSION, ChangeEventsConsumer::content);

    private final ChangeLogService changes;
    private final IdempotentConsumer consumer;

    public ChangeEventsConsumer(ChangeLogService changes, IdempotentConsumer consumer) {
        this.changes = changes;
        this.consumer = consumer;
    }

    /** Its counters from the service's start ({@link IdempotentConsumer#expose}). */
    void exposeCounters(@Observes StartupEvent start) {
        consumer.expose(SUBSCRIPTION);
    }

    @Incoming(CHANNEL)
    @Blocking
    public void on(String payload) {
        consumer.consume(SUBSCRIPTION, payload, event -> changes.record(new NewChange(event.service(),
                kind(event.kind()), event.summary(), event.author(), event.startedAt(), event.endedAt(), event.ref(),
                event.environment(), event.rollbackUrl()), ACTOR));
    }

    /**
     * An id for a change event sent without one: the same change reported twice is the same event, whatever the case
     * its service is written in (it is stored under the catalog's spelling).
     */
    static String contentId(ChangeEvent event) {
        String identity = joined(serviceAsStored(event), event.kind(), event.startedAt(), event.endedAt(), event.ref(),
                event.environment(), event.summary());
        return UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * Everything a change event says of its change, for telling a redelivery from an {@code eventId} a pipeline used
     * again for another change.
     */
    static String content(ChangeEvent event) {
        return joined(serviceAsStored(event), event.kind(), event.summary(), event.author(), event.startedAt(),
                event.endedAt(), event.ref(), event.environment(), event.rollbackUrl());
    }

    private static String serviceAsStored(ChangeEvent event) {
        return String.valueOf(event.service()).toLowerCase(Locale.ROOT);
    }

    private static String joined(Object... parts) {
        return Stream.of(parts).map(String::valueOf).collect(Collectors.joining("\u0000"));
    }

    private static ChangeKind kind(String kind) {
        try {
            return kind == null ? null : ChangeKind.valueOf(kind);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField("kind", "cannot be '" + kind + "'; one of " + List.of(ChangeKind.values()));
        }
    }
}
