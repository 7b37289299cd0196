package dev.daff.slo.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.daff.events.SliObservedBatch.Observation;
import dev.daff.kit.json.IsoInstantWriter;
import dev.daff.kit.json.IsoInstants;

/**
 * Reads the observation arrays daff's HTTP ingest writes — {@code [{"at":"2026-12-02T06:28:20.5Z","good":1,"total":1},…]},
 * exactly as Jackson writes {@link Observation}s, no spaces — without Jackson. Reading them through Jackson (a
 * parser, a creator call and a field buffer per observation) was a third of the SLI consumer's time while it counted
 * HTTP batches. Anything else (spaces, other key orders or fields, nulls, fractions, numbers as strings, leading
 * zeros, offsets) answers null and is read by Jackson, so what a record means is the same either way.
 */
final class ObservationArrays {

    private static final String AT = "{\"at\":";
    private static final String GOOD = ",\"good\":";
    private static final String TOTAL = ",\"total\":";
    /** Up to 18 digits always fit a long; longer numbers are left to Jackson. */
    private static final int MAX_DIGITS = 18;

    private ObservationArrays() {
    }

    /**
     * {@code observations} (none null) in the canonical form, the same text as Jackson writes with the services'
     * mapper: Jackson's serializers (a generator, a property writer per field) were most of the cost of putting an
     * accepted HTTP batch on the topic.
     */
    static String write(List<Observation> observations) {
        StringBuilder text = new StringBuilder(observations.size() * 64 + 2).append('[');
        for (int i = 0; i < observations.size(); i++) {
            Observation observation = observations.get(i);
            if (i > 0) {
                text.append(',');
            }
            text.append(AT);
            if (observation.at() == null) {
                text.append("null");
            } else {
                text.append('"').append(IsoInstantWriter.text(observation.at())).append('"');
            }
            text.append(GOOD).append(observation.good()).append(TOTAL).append(observation.total()).append('}');
        }
        return text.append(']').toString();
    }

    /** A value that is a JSON array is a batch of observations (an object is one event). */
    static boolean isArray(String value) {
        if (value == null) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!Character.isWhitespace(c)) {
                return c == '[';
            }
        }
        return false;
    }

    /** The observations of {@code value} if it is in the canonical form; null otherwise. */
    static List<Observation> readCanonical(String value) {
        int length = value.length();
        if (length < 2 || value.charAt(0) != '[' || value.charAt(length - 1) != ']') {
            return null;
        }
        List<Observation> observations = new ArrayList<>(Math.max(1, length / 48));
        if (length == 2) {
            return observations;
        }
        Cursor cursor = new Cursor(value);
        cursor.position = 1;
        while (true) {
            Observation observation = observation(cursor);
            if (observation == null) {
                return null;
            }
            observations.add(observation);
            char next = value.charAt(cursor.position++);
            if (next == ']') {
                return cursor.position == length ? observations : null;
            }
            if (next != ',') {
                return null;
            }
        }
    }

    private static Observation observation(Cursor cursor) {
        if (!cursor.skip(AT)) {
            return null;
        }
        Instant at;
        if (cursor.skip("null")) {
            at = null;
        } else {
            if (!cursor.skip("\"")) {
                return null;
            }
            int end = cursor.text.indexOf('"', cursor.position);
            if (end < 0) {
                return null;
            }
            at = IsoInstants.parseUtc(cursor.text.substring(cursor.position, end));
            if (at == null) {
                return null;
            }
            cursor.position = end + 1;
        }
        if (!cursor.skip(GOOD)) {
            return null;
        }
        long good = cursor.number();
        if (cursor.failed || !cursor.skip(TOTAL)) {
            return null;
        }
        long total = cursor.number();
        if (cursor.failed || !cursor.skip("}")) {
            return null;
        }
        return new Observation(at, good, total);
    }

    /** Where reading has got to in one value. */
    private static final class Cursor {
        final String text;
        int position;
        boolean failed;

        Cursor(String text) {
            this.text = text;
        }

        boolean skip(String expected) {
            if (text.startsWith(expected, position)) {
                position += expected.length();
                return true;
            }
            return false;
        }

        /** An integer as JSON writes it ({@code -?(0|[1-9][0-9]*)}, at most {@value #MAX_DIGITS} digits). */
        long number() {
            boolean negative = position < text.length() && text.charAt(position) == '-';
            int from = negative ? position + 1 : position;
            int to = from;
            long value = 0;
            while (to < text.length() && to - from <= MAX_DIGITS) {
                char c = text.charAt(to);
                if (c < '0' || c > '9') {
                    break;
                }
                value = value * 10 + (c - '0');
                to++;
            }
            int digits = to - from;
            if (digits == 0 || digits > MAX_DIGITS || (digits > 1 && text.charAt(from) == '0')) {
                failed = true;
                return 0;
            }
            position = to;
            return negative ? -value : value;
        }
    }
}
