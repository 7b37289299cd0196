package dev.daff.kit.messaging;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.serialization.Deserializer;

import dev.daff.kit.outbox.Outbox;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Reads an event's value as UTF-8 text, but one longer than any daff event may be is replaced by a short account of it
 * ({@link #OVERSIZED}, its size and its head), which {@link IdempotentConsumer} refuses. The broker bounds records
 * only compressed, so a producer's gzip can carry megabytes of text in one record; the dead-letter strategy sends
 * the value it was given to the dead-letter topic uncompressed, the producer refused it as too large, the channel
 * stopped on that failure, and after every restart the same record stopped it again: no change, alert or notice
 * after it was read any more. Its account is small enough to dead-letter, and consumption goes on.
 */
@RegisterForReflection // Kafka makes it from its class name, in a native image too
public class BoundedEventDeserializer implements Deserializer<String> {

    /**
     * The most an event daff writes may have ({@link Outbox#MAX_PAYLOAD_BYTES}); a value of that size and its
     * dead-letter headers still fit the dead-letter producer's 1 MiB request.
     */
    public static final int MAX_EVENT_BYTES = Outbox.MAX_PAYLOAD_BYTES;
    /** How an oversized value's account begins: no JSON document does. */
    static final String OVERSIZED = "daff:oversized-event ";
    /** Of an oversized value, this much is kept: enough to see what sent it. */
    static final int KEPT_HEAD_BYTES = 2048;

    @Override
    public String deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length <= MAX_EVENT_BYTES) {
            return new String(data, StandardCharsets.UTF_8);
        }
        // A character cut in two at the end of the head decodes as U+FFFD, which is harmless in an account.
        return OVERSIZED + data.length + " bytes; it began: " + new String(data, 0, KEPT_HEAD_BYTES, StandardCharsets.UTF_8);
    }

    /** Why {@code payload} cannot be an event, when this deserializer cut it; null otherwise. */
    static String oversized(String payload) {
        if (payload == null || !payload.startsWith(OVERSIZED)) {
            return null;
        }
        int sizeEnd = payload.indexOf(' ', OVERSIZED.length());
        String bytes = sizeEnd < 0 ? "?" : payload.substring(OVERSIZED.length(), sizeEnd);
        return "the record's value has " + bytes + " bytes; an event has at most " + MAX_EVENT_BYTES;
    }
}
