package dev.daff.incident.deploygate;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** The names a typed one was probably meant to be: "chekout" for "checkout". */
final class SpelledAlike {

    /** At most this many names are suggested, the closest first. */
    static final int AT_MOST = 3;

    private SpelledAlike() {
    }

    /**
     * Names within two edits (insertions, deletions, substitutions, ignoring case) of {@code typed}, or within a
     * quarter of its length for long names, closest first and then by name.
     */
    static List<String> among(String typed, Collection<String> names) {
        String wanted = typed.toLowerCase(Locale.ROOT);
        int allowed = Math.max(2, wanted.length() / 4);
        record Near(String name, int distance) {
        }
        return names.stream()
                .filter(name -> Math.abs(name.length() - wanted.length()) <= allowed)
                .map(name -> new Near(name, distance(wanted, name.toLowerCase(Locale.ROOT), allowed)))
                .filter(near -> near.distance() <= allowed)
                .sorted(Comparator.comparingInt(Near::distance).thenComparing(Near::name))
                .limit(AT_MOST)
                .map(Near::name)
                .toList();
    }

    /**
     * Whether {@code typed} is a short form of {@code name}: at least three letters, the same first one, and the rest
     * in the name's order ("prod" and "prd" of "production"), ignoring case.
     */
    static boolean abbreviates(String typed, String name) {
        String shortForm = typed.toLowerCase(Locale.ROOT);
        String whole = name.toLowerCase(Locale.ROOT);
        if (shortForm.length() < 3 || shortForm.length() >= whole.length() || shortForm.charAt(0) != whole.charAt(0)) {
            return false;
        }
        int at = 0;
        for (int i = 0; i < whole.length() && at < shortForm.length(); i++) {
            if (whole.charAt(i) == shortForm.charAt(at)) {
                at++;
            }
        }
        return at == shortForm.length();
    }

    /** Levenshtein distance, or more than {@code bound} once every path exceeds it (long names stay cheap). */
    static int distance(String a, String b, int bound) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            int rowBest = current[0];
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
                rowBest = Math.min(rowBest, current[j]);
            }
            if (rowBest > bound) {
                return bound + 1;
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
