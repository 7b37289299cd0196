package dev.daff.slo.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Reads an SLI record's key or value as UTF-8 text, but never decodes one far longer than
 * {@link SliRecords#MAX_RECORD_CHARS}: of such a one only the head is kept, and a header says how many bytes it had.
 * The broker bounds records only compressed, so one fetch of a producer's gzip can hold hundreds of megabytes of
 * text; decoded whole, a poll of them filled the heap, the JVM exited on it, and after every restart the same poll
 * did it again — no SLO was counted or paged for any more. Kept short, they are refused and dead-lettered like any
 * oversized record, each at most its own bytes in memory, once, while it is read. What one poll decodes in all is
 * bounded too ({@link PollBudget}).
 */
@RegisterForReflection // Kafka makes it from its class name, in a native image too
public class SliTextDeserializer implements Deserializer<String> {

    /** On a record whose value was cut: how many bytes it had. */
    static final String OVERSIZED_VALUE_HEADER = "daff-oversized-value-bytes";
    /** On a record whose key was cut: how many bytes it had. */
    static final String OVERSIZED_KEY_HEADER = "daff-oversized-key-bytes";
    /**
     * Longer than this, text has more than {@link SliRecords#MAX_RECORD_CHARS} characters whatever it holds (UTF-8
     * takes at most three bytes for one of Java's characters), so it is refused without being decoded whole.
     */
    static final int DECODED_BYTES = 3 * SliRecords.MAX_RECORD_CHARS;

    private String oversizedHeader = OVERSIZED_VALUE_HEADER;

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        oversizedHeader = isKey ? OVERSIZED_KEY_HEADER : OVERSIZED_VALUE_HEADER;
    }

    @Override
    public String deserialize(String topic, byte[] data) {
        return data == null ? null : deserialize(topic, null, ByteBuffer.wrap(data));
    }

    @Override
    public String deserialize(String topic, Headers headers, byte[] data) {
        return data == null ? null : deserialize(topic, headers, ByteBuffer.wrap(data));
    }

    @Override
    public String deserialize(String topic, Headers headers, ByteBuffer data) {
        if (headers != null) {
            headers.remove(oversizedHeader); // only this reader says so, not whoever produced the record
        }
        if (data == null) {
            return null;
        }
        int length = data.remaining();
        if (!PollBudget.take(Math.min(length, DECODED_BYTES))) {
            return PollBudget.DEFERRED; // read again at the next poll
        }
        if (length <= DECODED_BYTES || headers == null) {
            return decode(data, length);
        }
        headers.add(oversizedHeader, Integer.toString(length).getBytes(StandardCharsets.UTF_8));
        return decode(data, SliDeadLetters.MAX_OVERSIZED_VALUE_CHARS); // the head: enough to see what sent it
    }

    /** Why a record read by this deserializer is too long to be read, or null when it is not. */
    static String tooLong(ConsumerRecord<String, String> record) {
        String bound = "a record's key and value hold at most " + SliRecords.MAX_RECORD_CHARS + " characters; this one's ";
        for (String header : new String[] { OVERSIZED_VALUE_HEADER, OVERSIZED_KEY_HEADER }) {
            Header cut = record.headers().lastHeader(header);
            if (cut != null && cut.value() != null) {
                return bound + (header.equals(OVERSIZED_KEY_HEADER) ? "key" : "value") + " has "
                        + new String(cut.value(), StandardCharsets.UTF_8) + " bytes";
            }
        }
        if (record.value() != null && record.value().length() > SliRecords.MAX_RECORD_CHARS) {
            return bound + "value has " + record.value().length() + " characters";
        }
        return null;
    }

    private static String decode(ByteBuffer data, int bytes) {
        if (data.hasArray()) {
            return new String(data.array(), data.arrayOffset() + data.position(), bytes, StandardCharsets.UTF_8);
        }
        byte[] copy = new byte[bytes];
        data.duplicate().get(copy);
        return new String(copy, StandardCharsets.UTF_8);
    }
}
