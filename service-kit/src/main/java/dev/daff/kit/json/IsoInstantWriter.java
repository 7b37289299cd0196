package dev.daff.kit.json;

import java.time.Instant;
import java.time.format.DateTimeFormatter;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.datatype.jsr310.ser.InstantSerializer;

/**
 * Writes {@link Instant}s exactly as Jackson's own serializer does, without going through
 * {@link DateTimeFormatter#ISO_INSTANT} ({@code Instant.toString}) for the years 1970–9999: a printer context and a
 * {@code LocalDateTime} per value made writing instants most of the cost of writing an SLI batch record. The same
 * text — fraction digits in groups of three, as many as needed, seconds always — comes out; anything else (a
 * {@code @JsonFormat}, timestamps, earlier or later years) goes to Jackson's code.
 */
public final class IsoInstantWriter extends InstantSerializer {

    private static final long serialVersionUID = 1L;
    /** 9999-12-31T23:59:59Z: the last second with a four-digit year. */
    private static final long LAST_FOUR_DIGIT_SECOND = 253_402_300_799L;

    public IsoInstantWriter() {
        super();
    }

    private IsoInstantWriter(IsoInstantWriter base, Boolean useTimestamp, DateTimeFormatter formatter, JsonFormat.Shape shape) {
        super(base, useTimestamp, formatter, shape);
    }

    private IsoInstantWriter(IsoInstantWriter base, Boolean useTimestamp, Boolean useNanoseconds, DateTimeFormatter formatter) {
        super(base, useTimestamp, useNanoseconds, formatter);
    }

    // Jackson makes a copy of the serializer for each property it writes: the copies must stay this class.
    @Override
    protected InstantSerializer withFormat(Boolean useTimestamp, DateTimeFormatter formatter,
            JsonFormat.Shape shape) {
        return new IsoInstantWriter(this, useTimestamp, formatter, shape);
    }

    @Override
    protected InstantSerializer withFeatures(Boolean writeZoneId, Boolean writeNanoseconds) {
        return new IsoInstantWriter(this, _useTimestamp, writeNanoseconds, _formatter);
    }

    @Override
    protected String formatValue(Instant value, SerializerProvider provider) {
        if (_formatter == null && value.getEpochSecond() >= 0 && value.getEpochSecond() <= LAST_FOUR_DIGIT_SECOND) {
            return format(value.getEpochSecond(), value.getNano());
        }
        return super.formatValue(value, provider);
    }

    /** {@code value} as this serializer writes it without a {@code @JsonFormat}: {@code value.toString()}. */
    public static String text(Instant value) {
        if (value.getEpochSecond() >= 0 && value.getEpochSecond() <= LAST_FOUR_DIGIT_SECOND) {
            return format(value.getEpochSecond(), value.getNano());
        }
        return value.toString();
    }

    /** {@code Instant.ofEpochSecond(epochSecond, nanos).toString()} for 1970–9999. */
    static String format(long epochSecond, int nanos) {
        long days = epochSecond / 86_400;
        int secondOfDay = (int) (epochSecond % 86_400);
        // Days to a civil date (H. Hinnant's algorithm), in eras of 400 years from 0000-03-01.
        long shifted = days + 719_468;
        long era = shifted / 146_097;
        int dayOfEra = (int) (shifted - era * 146_097);
        int yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        int monthFromMarch = (5 * dayOfYear + 2) / 153;
        int day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1;
        int month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
        int year = (int) (yearOfEra + era * 400) + (month <= 2 ? 1 : 0);

        char[] text = new char[30];
        put(text, 0, year, 4);
        text[4] = '-';
        put(text, 5, month, 2);
        text[7] = '-';
        put(text, 8, day, 2);
        text[10] = 'T';
        put(text, 11, secondOfDay / 3_600, 2);
        text[13] = ':';
        put(text, 14, secondOfDay / 60 % 60, 2);
        text[16] = ':';
        put(text, 17, secondOfDay % 60, 2);
        int length = 19;
        if (nanos != 0) {
            text[length++] = '.';
            if (nanos % 1_000_000 == 0) {
                put(text, length, nanos / 1_000_000, 3);
                length += 3;
            } else if (nanos % 1_000 == 0) {
                put(text, length, nanos / 1_000, 6);
                length += 6;
            } else {
                put(text, length, nanos, 9);
                length += 9;
            }
        }
        text[length++] = 'Z';
        return new String(text, 0, length);
    }

    /** {@code value} as {@code count} decimal digits, zero-padded, at {@code from}. */
    private static void put(char[] text, int from, int value, int count) {
        for (int i = from + count - 1; i >= from; i--) {
            text[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
