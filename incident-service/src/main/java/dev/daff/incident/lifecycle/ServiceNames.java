package dev.daff.incident.lifecycle;

import java.util.ArrayList;
import java.util.List;

/**
 * Service names as people and alerts write them. "checkout " and "Checkout" are checkout: stored without the blanks
 * around them, and compared ignoring case wherever one service is looked for, so that a freeze, an open incident or
 * an SLO typed one way still holds a deploy of the service written the other.
 */
public final class ServiceNames {

    private ServiceNames() {
    }

    /**
     * Without the blanks around it, with those {@code String.strip} keeps (a no-break space pasted from a chat or a
     * document); null stays null. A loop, not a regular expression: "[blanks]+$" tries again from every blank of a
     * long run that does not end the name, and a run of many thousand spaces inside a name held a request thread for
     * minutes.
     */
    public static String tidy(String name) {
        if (name == null) {
            return null;
        }
        int start = 0;
        int end = name.length();
        while (start < end && blank(name.charAt(start))) {
            start++;
        }
        while (end > start && blank(name.charAt(end - 1))) {
            end--;
        }
        return name.substring(start, end);
    }

    /** {@code [\s\p{Z}]}: Java's whitespace and Unicode's separators (spaces, line and paragraph separators). */
    private static boolean blank(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
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
