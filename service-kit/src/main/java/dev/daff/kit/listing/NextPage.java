package dev.daff.kit.listing;

import java.util.List;

import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.RestResponse;

/**
 * How every list answer says there is more: the body keeps its shape and, unless this is the last page, the
 * headers {@code Link: <…&cursor=…>; rel="next"} (RFC 8288) and {@code X-Next-Cursor} carry the way on.
 */
public final class NextPage {

    public static final String CURSOR_HEADER = "X-Next-Cursor";

    private NextPage() {
    }

    public static <T> RestResponse<List<T>> answer(Slice<T> slice, UriInfo uri) {
        return answer(slice.items(), slice.nextCursor(), uri);
    }

    public static <B> RestResponse<B> answer(B body, String nextCursor, UriInfo uri) {
        RestResponse.ResponseBuilder<B> response = RestResponse.ResponseBuilder.ok(body);
        if (nextCursor != null) {
            // Relative, so it stays right behind a proxy that rewrites the host.
            java.net.URI next = uri.getRequestUriBuilder().replaceQueryParam("cursor", nextCursor)
                    .replaceQueryParam("page").build();
            String query = next.getRawQuery();
            response.header(CURSOR_HEADER, nextCursor)
                    .header("Link", "<" + next.getRawPath() + (query == null ? "" : "?" + query) + ">; rel=\"next\"");
        }
        return response.build();
    }
}
