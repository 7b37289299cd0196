package dev.daff.incident.lifecycle;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Service names as people and alerts write them. "checkout " and "Checkout" are checkout: stored without the blanks
 * around them, and compared ignoring case wherever one service is looked for, so that a freeze, an open incident or
 * an SLO typed one way still holds a deploy of the service written the other.
 */
public final class ServiceNames {

    /** Blanks, with those {@code String.strip} keeps: a no-break space pasted from a chat or a document. */
    private static final Pattern SURROUNDING_BLANKS = Pattern.compile("^[\\s\\p{Z}]+|[\\s\\p{Z}]+$");

    private ServiceNames() {
    }

    /** Without the blanks around it; null stays null. */
    public static String tidy(String name) {
        return name == null ? null : SURROUNDING_BLANKS.matcher(name).replaceAll("");
    }

    /** Each tidied, once ignoring case (the first spelling kept), in order; null stays null and null names stay. */
    public static List<String> tidy(List<String> names) {
        if (names == null) {
            return null;
        }
        List<String> tidied = new ArrayList<>(names.size());
        for (String name : names) {
            String tidy = tidy(name);
            if (tidy == null || tidied.stream().noneMatch(tidy::equalsIgnoreCase)) {
                tidied.add(tidy);
            }
        }
        return tidied;
    }
}
