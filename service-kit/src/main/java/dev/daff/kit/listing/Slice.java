package dev.daff.kit.listing;

import java.util.List;
import java.util.function.Function;

/**
 * At most {@code limit} items of a list and the cursor that continues after them (null on the last page).
 * Queries fetch one item more than asked, so the last page is known without a count.
 */
public record Slice<T>(List<T> items, String nextCursor) {

    /**
     * Cuts {@code fetched} (up to {@code limit + 1} items in list order) to the page, with the next page's cursor
     * made from the last item kept.
     */
    public static <T> Slice<T> of(List<T> fetched, int limit, Function<T, String> cursorOf) {
        if (fetched.size() <= limit) {
            return new Slice<>(List.copyOf(fetched), null);
        }
        List<T> page = List.copyOf(fetched.subList(0, limit));
        return new Slice<>(page, cursorOf.apply(page.get(limit - 1)));
    }

    public <R> Slice<R> map(Function<T, R> mapping) {
        return new Slice<>(items.stream().map(mapping).toList(), nextCursor);
    }
}
