package dev.daff.slo.openslo;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenSLO's duration-shorthand: a whole number (0 only where the specification uses it, as alertAfter: 0m) and one case-sensitive unit — {@code m} minutes, {@code h}
 * hours, {@code d} days, {@code w} weeks, {@code M} months, {@code Q} quarters, {@code Y} years. The last three
 * have no fixed length, so daff (whose windows are fixed lengths) can read them but never use them.
 */
final class ShorthandDuration {

    private static final Pattern SHORTHAND = Pattern.compile("(0|[1-9][0-9]{0,8})([mhdwMQY])");

    private ShorthandDuration() {
    }

    /** The fixed length of {@code field}'s duration; refuses malformed text and calendar units. */
    static Optional<Duration> of(Field field) {
        Optional<String> text = field.requiredString();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Matcher matcher = SHORTHAND.matcher(text.get());
        if (!matcher.matches()) {
            field.refuse("'" + text.get() + "' is not a duration-shorthand: a whole number and one of m, h, d, "
                    + "w, M, Q, Y (case-sensitive: m is minutes, M months)");
            return Optional.empty();
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "m" -> Optional.of(Duration.ofMinutes(amount));
            case "h" -> Optional.of(Duration.ofHours(amount));
            case "d" -> Optional.of(Duration.ofDays(amount));
            case "w" -> Optional.of(Duration.ofDays(7 * amount));
            default -> {
                field.refuse("'" + text.get() + "' is in " + unit(matcher.group(2)) + ", which have no fixed length; daff "
                        + "measures fixed rolling windows (write days, as 30d)");
                yield Optional.empty();
            }
        };
    }

    private static String unit(String letter) {
        return switch (letter) {
            case "M" -> "months";
            case "Q" -> "quarters";
            default -> "years";
        };
    }

    /** The shortest shorthand for a whole number of minutes: 30d, 6h, 5m. */
    static String format(Duration duration) {
        long minutes = duration.toMinutes();
        if (minutes % (24 * 60) == 0) {
            return minutes / (24 * 60) + "d";
        }
        if (minutes % 60 == 0) {
            return minutes / 60 + "h";
        }
        return minutes + "m";
    }
}
