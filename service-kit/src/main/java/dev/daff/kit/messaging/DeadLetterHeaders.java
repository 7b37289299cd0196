package dev.daff.kit.messaging;

/** Header names on dead-letter records; the same as SmallRye Reactive Messaging's dead-letter strategy writes. */
public final class DeadLetterHeaders {

    /** The topic the record was read from, where a replay sends it back. */
    public static final String SOURCE_TOPIC = "dead-letter-topic";
    /** Why it was refused. */
    public static final String REASON = "dead-letter-reason";

    private DeadLetterHeaders() {
    }
}
