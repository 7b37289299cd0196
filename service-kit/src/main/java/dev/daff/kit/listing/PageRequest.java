package dev.daff.kit.listing;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import dev.daff.kit.problem.ProblemException;

/**
 * One page's worth of a list, as the query string asks for it: {@code limit} items (default
 * {@value #DEFAULT_LIMIT}, at most {@value #MAX_LIMIT}) after {@code cursor}, the opaque position the previous
 * page handed out. Every list in this service pages this way, so no answer grows with the data behind it.
 */
public record PageRequest(int limit, List<String> after) {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 500;

    /** Reads {@code limit} and {@code cursor} as sent; either may be null. Bad values are 400s naming the parameter. */
    public static PageRequest of(String limit, String cursor) {
        return new PageRequest(limit(limit), cursor == null || cursor.isEmpty() ? null : decode(cursor));
    }

    static int limit(String text) {
        if (text == null || text.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text.trim());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below, like an out-of-range number
        }
        throw ProblemException.invalidField("limit", "must be a whole number from 1 to " + MAX_LIMIT);
    }

    public boolean isFirst() {
        return after == null;
    }

    /** The cursor to hand out for continuing after an item whose sort key is {@code parts}. */
    public static String cursorAfter(Object... parts) {
        String joined = String.join("\n", java.util.Arrays.stream(parts).map(String::valueOf).toList());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(joined.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> decode(String cursor) {
        try {
            return List.of(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\n", -1));
        } catch (IllegalArgumentException e) {
            throw badCursor();
        }
    }

    /** Part {@code index} of the cursor as an instant, or 400 when the cursor is not one this list gave out. */
    public Instant instant(int index) {
        try {
            return dev.daff.kit.json.IsoInstants.parseInYears(part(index));
        } catch (java.time.DateTimeException e) {
            throw badCursor();
        }
    }

    public UUID uuid(int index) {
        try {
            return UUID.fromString(part(index));
        } catch (IllegalArgumentException e) {
            throw badCursor();
        }
    }

    public long number(int index) {
        try {
            return Long.parseLong(part(index));
        } catch (NumberFormatException e) {
            throw badCursor();
        }
    }

    public String text(int index) {
        return part(index);
    }

    /** How many parts a cursor of this list has; another list's cursor is refused rather than misread. */
    public PageRequest expectParts(int count) {
        if (after != null && after.size() != count) {
            throw badCursor();
        }
        return this;
    }

    private String part(int index) {
        if (after == null || index >= after.size()) {
            throw badCursor();
        }
        return after.get(index);
    }

    private static ProblemException badCursor() {
        return ProblemException.invalidField("cursor", "is not a cursor this list gave out; start again without one");
    }
}
