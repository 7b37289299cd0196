package dev.daff.kit.json;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;

/**
 * Reads {@link Instant}s as Jackson's own deserializer does, with a fast path for the form daff writes and nearly
 * every client sends: {@code 2026-12-02T06:28:20Z}, optionally with 1–9 fraction digits. The JSR-310 deserializer
 * parses every string through {@link DateTimeFormatter#ISO_INSTANT}, which builds a parse context and a map of
 * fields per value; on the SLI consumer that was most of the time spent reading an event (each carries two
 * instants). Anything else — offsets, lower case, numbers, leap seconds, 24:00, bad dates — goes to Jackson's own
 * code unchanged, so what is accepted, refused and how it reads is the same.
 */
public final class IsoInstants extends InstantDeserializer<Instant> {

    private static final long serialVersionUID = 1L;
    /** The first and last instant of the years 0001 to 9999: what PostgreSQL and every conversion on the way take. */
    public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    /**
     * The last microsecond, not nanosecond: PostgreSQL keeps microseconds and the driver rounds the rest, so
     * {@code 9999-12-31T23:59:59.9999995Z} was stored as the year 10000, and every event that carried it from the
     * database afterwards was refused by the service reading it.
     */
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    /** Larger than any instant of the years 0001 to 9999 as a number, in seconds or milliseconds. */
    private static final java.math.BigDecimal LARGEST_NUMBER = java.math.BigDecimal.valueOf(1_000_000_000_000_000L);

    public IsoInstants() {
        super(InstantDeserializer.INSTANT, (Boolean) null);
    }

    /**
     * Refuses instants outside the years 0001 to 9999, which Jackson reads ({@code -1000000000-01-01T00:00:00Z}, a
     * huge number) but no conversion to the database survives: one in a Kafka event failed its commit, was taken for
     * a transient failure and retried forever, and no event after it on its partition was applied.
     */
    @Override
    public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        // Jackson reads a number this large as its long value, which has overflowed to 0: 1e300 was 1970-01-01.
        if (parser.currentToken() == JsonToken.VALUE_NUMBER_FLOAT
                && parser.getDecimalValue().abs().compareTo(LARGEST_NUMBER) > 0) {
            return (Instant) context.handleWeirdNumberValue(Instant.class, parser.getNumberValue(),
                    "an instant must be in the years 0001 to 9999");
        }
        Instant instant = super.deserialize(parser, context);
        if (instant != null && !inYears(instant)) {
            return (Instant) context.handleWeirdStringValue(Instant.class, parser.getText(),
                    "an instant must be in the years 0001 to 9999");
        }
        return instant;
    }

    /** Whether {@code instant} lies in the years 0001 to 9999. */
    public static boolean inYears(Instant instant) {
        return !instant.isBefore(EARLIEST) && !instant.isAfter(LATEST);
    }

    /** {@link Instant#parse}, refusing (DateTimeException) instants outside the years 0001 to 9999. */
    public static Instant parseInYears(String text) {
        Instant instant = Instant.parse(text);
        if (!inYears(instant)) {
            throw new DateTimeException("an instant must be in the years 0001 to 9999: " + text);
        }
        return instant;
    }

    @Override
    protected Instant _fromString(JsonParser parser, DeserializationContext context, String text) throws IOException {
        if (_formatter == DateTimeFormatter.ISO_INSTANT) {
            Instant fast = parseUtc(text);
            if (fast != null) {
                return fast;
            }
        }
        return super._fromString(parser, context, text);
    }

    /**
     * {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} as an instant, the same one Jackson reads; null for anything else,
     * including invalid dates, which a caller hands to Jackson.
     */
    public static Instant parseUtc(String text) {
        int length = text.length();
        if (length < 20 || length > 30 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-'
                || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
                || second > 59) {
            return null;
        }
        int nanos = 0;
        if (length > 20) {
            int fractionDigits = length - 21;
            if (text.charAt(19) != '.' || fractionDigits < 1) {
                return null;
            }
            int fraction = digits(text, 20, fractionDigits);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction;
            for (int i = fractionDigits; i < 9; i++) {
                nanos *= 10;
            }
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return null; // 2026-02-30 and the like: Jackson's own code says why
        }
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600 + minute * 60 + second, nanos);
    }

    /** The decimal value of {@code count} ASCII digits from {@code from}; -1 if any is not a digit. */
    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
