package dev.daff.kit.messaging;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.serialization.Deserializer;

import dev.daff.kit.outbox.Outbox;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Reads an event's value as UTF-8 text, but one longer than any daff event may be, or one that is not UTF-8, is replaced
 * by a short account of it ({@link #OVERSIZED} or {@link #NOT_UTF8}, its size and its head), which
 * {@link IdempotentConsumer} refuses. The broker bounds records
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
    /** How the account of a value that is not UTF-8 text begins. */
    static final String NOT_UTF8 = "daff:not-utf-8-event ";
    /** Of an oversized value, or one that is not UTF-8, this much is kept: enough to see what sent it. */
    static final int KEPT_HEAD_BYTES = 2048;

    @Override
    public String deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length > MAX_EVENT_BYTES) {
            return OVERSIZED + data.length + " bytes; it began: " + head(data);
        }
        CharBuffer text = CharBuffer.allocate(data.length); // UTF-8 never has more characters than bytes
        ByteBuffer bytes = ByteBuffer.wrap(data);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder(); // reports what is not UTF-8
        CoderResult read = decoder.decode(bytes, text, true);
        if (!read.isError()) {
            read = decoder.flush(text);
        }
        if (read.isError()) {
            // Decoded leniently, a producer's Latin-1 "José" or a commit message cut inside a character was stored with
            // U+FFFD in it, and each bad byte became three: a value of a million of them made a dead letter no
            // request could carry, which stopped the channel as an oversized one did.
            return NOT_UTF8 + data.length + " bytes, the first that is not UTF-8 at byte " + bytes.position()
                    + "; it began: " + head(data);
        }
        return text.flip().toString();
    }

    /** The first {@link #KEPT_HEAD_BYTES} as text; a character cut in two at its end is U+FFFD, harmless in an account. */
    private static String head(byte[] data) {
        return new String(data, 0, Math.min(data.length, KEPT_HEAD_BYTES), StandardCharsets.UTF_8);
    }

    /** Why {@code payload} cannot be an event, when this deserializer read it as an account of a value; null otherwise. */
    static String unreadable(String payload) {
        if (payload == null) {
            return null;
        }
        if (payload.startsWith(NOT_UTF8)) {
            int accountEnd = payload.indexOf(';', NOT_UTF8.length());
            return "the record's value is not UTF-8 text: " + payload.substring(NOT_UTF8.length(),
                    accountEnd < 0 ? payload.length() : accountEnd);
        }
        if (!payload.startsWith(OVERSIZED)) {
            return null;
        }
        int sizeEnd = payload.indexOf(' ', OVERSIZED.length());
        String bytes = sizeEnd < 0 ? "?" : payload.substring(OVERSIZED.length(), sizeEnd);
        return "the record's value has " + bytes + " bytes; an event has at most " + MAX_EVENT_BYTES;
    }
}
