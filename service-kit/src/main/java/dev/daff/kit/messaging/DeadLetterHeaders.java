package dev.daff.kit.messaging;

/** Header names on dead-letter records; the same as SmallRye Reactive Messaging's dead-letter strategy writes. */
public final class DeadLetterHeaders {

    /** The topic the record was read from, where a replay sends it back. */
    public static final String SOURCE_TOPIC = "dead-letter-topic";
    /**
     * The refused record's own time (epoch milliseconds), where the dead letter's record has the time it was refused:
     * a replay sends it back with this one, so an event that says nothing else of when it happened counts then.
     */
    public static final String RECORD_TIME = "daff-record-time";
    /** Why it was refused. */
    public static final String REASON = "dead-letter-reason";

    private DeadLetterHeaders() {
    }
}
