package dev.daff.kit.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.events.EventEnvelope;
import dev.daff.kit.inbox.ProcessedEvents;
import dev.daff.kit.inbox.ProcessedEvents.Delivery;
import dev.daff.kit.json.UnicodeText;
import dev.daff.kit.text.Sha256;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ArcContainer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;

/**
 * The one way daff's Kafka consumers apply an event: parse it, check its envelope, and apply it exactly once in a
 * transaction of its own that also records its id in the processed-event log. A failure is sorted by
 * {@link FailureKind}: transient ones are retried with backoff while the partition waits (they never reach a
 * dead-letter topic); permanent ones are thrown as {@link UnprocessableEvent} for the channel's dead-letter
 * strategy — except while the service stops, when nothing is given up on (it would be dead-lettered): the event is
 * left unacknowledged for the consumer that takes the partition over.
 */
@ApplicationScoped
public class IdempotentConsumer {

    private static final Logger LOG = Logger.getLogger(IdempotentConsumer.class);
    /** Tries that fail for a reason nobody recognises before the event is dead-lettered (transient ones aside). */
    static final int UNKNOWN_FAILURE_ATTEMPTS = 5;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    /**
     * The services' lenient mapper (a newer version's fields are skipped), refusing text that is not Unicode as a
     * request body does: a lone surrogate in a change's summary was stored as {@code ?}.
     */
    private final ObjectMapper reader;
    private final ProcessedEvents processed;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Duration maxClockSkew;
    private volatile boolean stopping;
    /** Consumers whose counters exist: at 0 from their first event, so the self-alerts' queries find them. */
    private final Set<String> counted = ConcurrentHashMap.newKeySet();

    public IdempotentConsumer(ObjectMapper json, ProcessedEvents processed, Clock clock, MeterRegistry registry,
            @ConfigProperty(name = "daff.events.max-clock-skew", defaultValue = "PT5M") Duration maxClockSkew) {
        this.reader = json.copy().registerModule(UnicodeText.module());
        this.processed = processed;
        this.clock = clock;
        this.registry = registry;
        this.maxClockSkew = maxClockSkew;
    }

    /**
     * What one consumer accepts from one topic.
     *
     * @param consumer     the name in the processed-event log, e.g. {@code action-service/incident-events}
     * @param eventClass   the contract record
     * @param types        the {@code type}s it understands; anything else is dead-lettered
     * @param maxVersion   the newest contract version it understands
     * @param fallbackId   for events from outside daff that may lack an {@code eventId}: an id derived from the
     *                     content; null when the envelope is required
     * @param rankedByTime which events the consumer ranks by {@code occurredAt}: dated more than the allowed clock skew
     *                     ahead, those are dead-lettered; null for none
     * @param content      what an event says, for events whose ids their producers choose: an id delivered again with
     *                     other content is dead-lettered, not taken for a redelivery; null when ids are daff's own
     * @param contentVersion the way {@code content} names an event: changed whenever {@code content} is, so a
     *                     redelivery of an event first seen the old way is not taken for another event
     */
    public record Subscription<E extends EventEnvelope>(String consumer, Class<E> eventClass, Set<String> types,
            int maxVersion, Function<E, String> fallbackId, Predicate<E> rankedByTime, Function<E, String> content,
            int contentVersion) {

        public static <E extends EventEnvelope> Subscription<E> of(String consumer, Class<E> eventClass, int maxVersion,
                Set<String> types) {
            return new Subscription<>(consumer, eventClass, types, maxVersion, null, null, null, 0);
        }

        public Subscription<E> identifiedBy(Function<E, String> fallback) {
            return new Subscription<>(consumer, eventClass, types, maxVersion, fallback, rankedByTime, content,
                    contentVersion);
        }

        /**
         * For events from outside daff: a producer that reuses an {@code eventId} for another event (a pipeline
         * numbering its runs afresh) had the second taken for a redelivery and dropped, acknowledged and unseen. Only
         * for events that bring an id of their own: one derived from the content already is the content.
         */
        public Subscription<E> sameEventWhenSame(int version, Function<E, String> whatItSays) {
            return new Subscription<>(consumer, eventClass, types, maxVersion, fallbackId, rankedByTime, whatItSays,
                    version);
        }

        /**
         * For a consumer that keeps the latest of these events by {@code occurredAt}: one dated further ahead than
         * clocks drift apart is dead-lettered, as it would outrank every true event after it. Any other is applied.
         */
        public Subscription<E> rankedByTime(Predicate<E> ranked) {
            return new Subscription<>(consumer, eventClass, types, maxVersion, fallbackId, ranked, content,
                    contentVersion);
        }
    }

    /**
     * The consumer's counters at 0, from the service's start (each consumer calls this on {@code StartupEvent}): a count
     * that first appears at 1 is no {@code increase()} to Prometheus, and the self-alerts on them missed the first.
     */
    public void expose(Subscription<?> subscription) {
        if (counted.add(subscription.consumer())) {
            for (String counter : List.of("daff.events.retries", "daff.events.dead-lettered", "daff.events.clock-ahead")) {
                registry.counter(counter, "consumer", subscription.consumer());
            }
        }
    }

    /** Applies {@code payload} once; {@code apply} runs inside the transaction that records the event as processed. */
    public <E extends EventEnvelope> void consume(Subscription<E> subscription, String payload, Consumer<E> apply) {
        expose(subscription);
        E event;
        String eventId;
        String digest;
        try {
            event = parse(subscription, payload);
            eventId = eventId(subscription, event);
            digest = subscription.content() == null || event.eventId() == null ? null
                    : "v" + subscription.contentVersion() + ":" + Sha256.hex(subscription.content().apply(event));
        } catch (UnprocessableEvent unreadable) {
            registry.counter("daff.events.dead-lettered", "consumer", subscription.consumer()).increment();
            throw unreadable;
        }
        // Only unrecognised failures count towards dead-lettering: a database restart's transient ones before them
        // must not use up the few tries a passing bug gets.
        int unknownFailures = 0;
        for (int attempt = 1;; attempt++) {
            try {
                QuarkusTransaction.requiringNew().run(() -> {
                    Delivery delivery = processed.deliver(subscription.consumer(), eventId, digest);
                    if (delivery == Delivery.OTHER_CONTENT) {
                        throw new UnprocessableEvent("eventId '" + eventId + "' was used before for another event;"
                                + " the first is kept: send this one with an eventId of its own");
                    }
                    if (delivery == Delivery.FIRST) {
                        apply.accept(event);
                    }
                });
                return;
            } catch (RuntimeException failure) {
                FailureKind kind = FailureKind.of(failure);
                if (stopping()) {
                    // The service is stopping and its beans and connections are going, whatever the failure says:
                    // the event stays unacknowledged and the replica that takes the partition over applies it.
                    // Giving up now would dead-letter it (a page left for somebody's replay), and trying again
                    // only logs the container's absence at ERROR each time: wait for the end.
                    LOG.infof("%s: event %s is left to the next consumer; this service is stopping (%s)",
                            subscription.consumer(), eventId, reason(failure));
                    registry.counter("daff.events.left-to-next-consumer", "consumer", subscription.consumer()).increment();
                    awaitTheEnd();
                }
                if (kind == FailureKind.PERMANENT) {
                    registry.counter("daff.events.dead-lettered", "consumer", subscription.consumer()).increment();
                    throw failure instanceof UnprocessableEvent ? failure
                            : new UnprocessableEvent("cannot be applied: " + reason(failure), failure);
                }
                if (kind == FailureKind.UNKNOWN && ++unknownFailures >= UNKNOWN_FAILURE_ATTEMPTS) {
                    LOG.errorf(failure, "%s: event %s failed %d times for an unknown reason; dead-lettering it",
                            subscription.consumer(), eventId, unknownFailures);
                    registry.counter("daff.events.dead-lettered", "consumer", subscription.consumer()).increment();
                    throw new UnprocessableEvent("failed " + unknownFailures + " times for an unknown reason: "
                            + reason(failure), failure);
                }
                registry.counter("daff.events.retries", "consumer", subscription.consumer()).increment();
                if (attempt == 1 || attempt % 10 == 0) {
                    LOG.warnf("%s: event %s will be retried (attempt %d, %s): %s", subscription.consumer(), eventId,
                            attempt, kind, reason(failure));
                }
                backoff(attempt);
            }
        }
    }

    void stopping(@Observes ShutdownEvent shutdown) {
        stopping = true;
    }

    /** From the shutdown event on, and whenever the container is not running (seen as an NPE inside Arc). */
    private boolean stopping() {
        ArcContainer container = Arc.container();
        return stopping || container == null || !container.isRunning();
    }

    private <E extends EventEnvelope> E parse(Subscription<E> subscription, String payload) {
        String unreadable = BoundedEventDeserializer.unreadable(payload);
        if (unreadable != null) {
            throw new UnprocessableEvent(unreadable);
        }
        E event;
        try {
            event = reader.readValue(payload, subscription.eventClass());
        } catch (Exception e) {
            throw new UnprocessableEvent("not a valid " + subscription.eventClass().getSimpleName() + ": " + reason(e), e);
        }
        if (event == null) {
            throw new UnprocessableEvent("empty event");
        }
        boolean external = subscription.fallbackId() != null;
        if (event.type() == null ? !external : !subscription.types().contains(event.type())) {
            throw new UnprocessableEvent("unknown event type '" + event.type() + "'; this consumer knows " + subscription.types());
        }
        if (event.version() > subscription.maxVersion() || (!external && event.version() < 1)) {
            throw new UnprocessableEvent("contract version " + event.version() + " is not understood (up to "
                    + subscription.maxVersion() + ")");
        }
        if (event.occurredAt() == null && !external) {
            throw new UnprocessableEvent("occurredAt is required");
        }
        Instant latest = clock.instant().plus(maxClockSkew);
        if (event.occurredAt() != null && event.occurredAt().isAfter(latest)) {
            if (subscription.rankedByTime() != null && subscription.rankedByTime().test(event)) {
                throw new UnprocessableEvent("occurredAt " + event.occurredAt() + " is more than " + maxClockSkew
                        + " ahead of this service's clock");
            }
            // A producer whose clock runs ahead: refusing its events would dead-letter every page it sends.
            Counter ahead = registry.counter("daff.events.clock-ahead", "consumer", subscription.consumer());
            ahead.increment();
            if (ahead.count() % 100 == 1) {
                LOG.warnf("%s: an event dated %s is more than %s ahead of this service's clock (%d so far); applied,"
                        + " but the clocks need fixing", subscription.consumer(), event.occurredAt(), maxClockSkew,
                        (long) ahead.count());
            }
        }
        return event;
    }

    private static <E extends EventEnvelope> String eventId(Subscription<E> subscription, E event) {
        String id = event.eventId();
        if (id == null && subscription.fallbackId() != null) {
            id = subscription.fallbackId().apply(event);
        }
        if (id == null || id.isBlank() || id.length() > 100) {
            throw new UnprocessableEvent("eventId must be 1 to 100 characters");
        }
        return id;
    }

    private static String reason(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.length() > 300 ? message.substring(0, 300) + "…" : message;
    }

    /**
     * Never returns: the process ends around this thread (the services give their worker pool 5 s, then exit), and
     * the record it was applying stays unacknowledged, for the partition's next owner.
     */
    public static void awaitTheEnd() {
        while (true) {
            backoff(Integer.MAX_VALUE);
        }
    }

    /**
     * Waits before the next attempt, through interrupts too: returning would acknowledge the event unapplied and
     * throwing would dead-letter it, so during shutdown the event simply stays unacknowledged and is redelivered.
     */
    private static void backoff(int attempt) {
        long millis = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(attempt - 1, 16));
        long deadline = System.nanoTime() + millis * 1_000_000;
        boolean interrupted = false;
        for (long left = millis; left > 0; left = (deadline - System.nanoTime()) / 1_000_000) {
            try {
                Thread.sleep(left);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
