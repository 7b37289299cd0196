package dev.daff.slo.paging.listing;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.jboss.resteasy.reactive.RestResponse;

import dev.daff.kit.problem.ProblemException;

/**
 * One page of a list endpoint, by keyset: {@code ?limit=} (default {@value #DEFAULT_LIMIT}, at most
 * {@value #MAX_LIMIT}) rows in the endpoint's order, starting after {@code ?cursor=}. The answer stays a JSON
 * array; when more rows follow, its {@value #NEXT_CURSOR} header holds the cursor for the next page. A cursor is
 * opaque to clients (it holds the last row's sort key), so a row written meanwhile never shifts a page the way an
 * offset would.
 */
public record Listing(int limit, Optional<Key> after) {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 500;
    public static final String NEXT_CURSOR = "X-Next-Cursor";

    /**
     * A row's place in the order: its time and id for time-ordered lists (newest first), or only a name for lists in
     * name order ({@code at} null).
     */
    public record Key(Instant at, String id) {

        String encode() {
            String plain = (at == null ? "" : at.toString()) + "|" + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
        }

        static Key decode(String cursor) {
            try {
                String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                int bar = plain.indexOf('|');
                if (bar < 0 || bar == plain.length() - 1) {
                    throw new IllegalArgumentException("no id");
                }
                return new Key(bar == 0 ? null : Instant.parse(plain.substring(0, bar)), plain.substring(bar + 1));
            } catch (IllegalArgumentException | DateTimeException e) {
                throw ProblemException.invalidField("cursor", "is not a cursor this endpoint gave out");
            }
        }
    }

    /** The query parameters as sent: {@code limit} and {@code cursor} may be absent. */
    public static Listing of(String limit, String cursor) {
        int rows = DEFAULT_LIMIT;
        if (limit != null) {
            try {
                rows = Integer.parseInt(limit.strip());
            } catch (NumberFormatException e) {
                rows = -1;
            }
            if (rows < 1 || rows > MAX_LIMIT) {
                throw ProblemException.invalidField("limit", "must be a whole number from 1 to " + MAX_LIMIT);
            }
        }
        return new Listing(rows, cursor == null || cursor.isBlank() ? Optional.empty() : Optional.of(Key.decode(cursor)));
    }

    /** Rows to fetch: one more than the page holds, to tell whether another page follows. */
    public int fetch() {
        return limit + 1;
    }

    /** The cursor's key for a time-ordered list; 400 when it came from a list in name order. */
    public Optional<Key> afterTime() {
        after.filter(key -> key.at() == null).ifPresent(key -> {
            throw ProblemException.invalidField("cursor", "is not a cursor this endpoint gave out");
        });
        return after;
    }

    /** The cursor's name for a list in name order. */
    public Optional<String> afterName() {
        after.filter(key -> key.at() != null).ifPresent(key -> {
            throw ProblemException.invalidField("cursor", "is not a cursor this endpoint gave out");
        });
        return after.map(Key::id);
    }

    /** The first {@link #limit()} of {@code fetched} as views, with {@value #NEXT_CURSOR} when there were more. */
    public <E, V> RestResponse<List<V>> answer(List<E> fetched, Function<E, Key> key, Function<E, V> view) {
        List<E> page = fetched.size() > limit ? fetched.subList(0, limit) : fetched;
        RestResponse.ResponseBuilder<List<V>> response = RestResponse.ResponseBuilder.ok(page.stream().map(view).toList());
        if (fetched.size() > limit) {
            response.header(NEXT_CURSOR, key.apply(page.get(page.size() - 1)).encode());
        }
        return response.build();
    }
}
