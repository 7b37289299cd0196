package dev.daff.kit.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The outbox keys (topic and message key) one of whose rows failed to send: left out of the relay's reading until
 * their retry, doubling from a second to half a minute, so that the rest of the outbox goes on meanwhile. Read in
 * batches by id, a key with more rows waiting than a batch holds would otherwise fill every batch by itself.
 */
final class HeldKeys {

    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(30);

    private record Held(Instant retryAt, Duration backoff) {
    }

    private final Map<String, Held> held = new HashMap<>();

    /** How the relay's query writes a row's key: topic names have no spaces, so the first space divides the two. */
    static String of(Object topic, Object messageKey) {
        return topic + " " + (messageKey == null ? "" : messageKey);
    }

    /** The keys to leave out of a batch read at {@code now}. */
    synchronized String[] resting(Instant now) {
        return held.entrySet().stream().filter(entry -> entry.getValue().retryAt().isAfter(now)).map(Map.Entry::getKey)
                .toArray(String[]::new);
    }

    synchronized void failed(String key, Instant now) {
        Held before = held.get(key);
        Duration backoff = before == null ? FIRST_RETRY : before.backoff().multipliedBy(2);
        backoff = backoff.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : backoff;
        held.put(key, new Held(now.plus(backoff), backoff));
    }

    synchronized void sent(String key) {
        held.remove(key);
    }

    /** After reading every waiting row: a key due for its retry that had none (removed by hand) is held no more. */
    synchronized void forgetAllBut(Set<String> waiting, Instant now) {
        held.entrySet().removeIf(entry -> !entry.getValue().retryAt().isAfter(now) && !waiting.contains(entry.getKey()));
    }
}
