package dev.daff.localinfra;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.restassured.response.Response;

/** Walks a paged list the way a client does, checking the paging headers on the way. */
public final class ListPages {

    private static final Pattern NEXT = Pattern.compile("<([^>]+)>; rel=\"next\"");

    private ListPages() {
    }

    /**
     * Follows {@code Link: rel="next"} from {@code first} to the last page and answers every page; each next link
     * must carry the page's {@code X-Next-Cursor}, and the two headers come and go together.
     */
    public static List<Response> all(String first) {
        List<Response> pages = new ArrayList<>();
        String next = first;
        while (next != null) {
            Response page = given().when().get(next);
            page.then().statusCode(200);
            pages.add(page);
            String header = page.header("Link");
            assertEquals(header == null, page.header("X-Next-Cursor") == null, "Link and X-Next-Cursor go together");
            if (header == null) {
                next = null;
            } else {
                Matcher m = NEXT.matcher(header);
                assertTrue(m.find(), header);
                next = m.group(1);
                assertTrue(next.contains("cursor=" + page.header("X-Next-Cursor")), next);
                assertTrue(pages.size() < 1000, "paging does not end");
            }
        }
        return pages;
    }
}
