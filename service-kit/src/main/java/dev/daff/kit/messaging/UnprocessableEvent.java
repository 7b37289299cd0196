package dev.daff.kit.messaging;

/**
 * An event that can never be applied, however often it is retried: bad JSON, an unknown type or version, an
 * envelope that lies about time, or a rule it breaks. The channel's failure strategy puts it on the
 * dead-letter topic with this message as the reason, and consumption goes on.
 */
public class UnprocessableEvent extends RuntimeException {

    public UnprocessableEvent(String reason) {
        super(reason, null, false, false);
    }

    public UnprocessableEvent(String reason, Throwable cause) {
        super(reason, cause, false, false);
    }
}
