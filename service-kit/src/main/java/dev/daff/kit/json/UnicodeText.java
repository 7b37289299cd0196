package dev.daff.kit.json;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.module.SimpleModule;

/**
 * Request text must be Unicode. JSON's {@code \u005Cu} escapes can spell half of a UTF-16 surrogate pair
 * ({@code "\u005CuD800"}), which is no character: PostgreSQL's UTF-8 stored it as {@code ?} while the 201 echoed
 * the text as sent, so what a client read back differed from what it was told was stored. Such text is a 400
 * naming its field, as any other value the services cannot keep.
 */
public final class UnicodeText {

    /**
     * Thrown where a text holds an unpaired surrogate; says where in the text (in UTF-16 units, as JSON's escapes
     * count), never the text itself, which the 400 would echo.
     */
    public static final class UnpairedSurrogate extends InvalidFormatException {
        UnpairedSurrogate(JsonParser parser, int index) {
            super(parser, "an unpaired UTF-16 surrogate at character " + index, null, String.class);
        }
    }

    private UnicodeText() {
    }

    /** The module that checks every string and map key a mapper reads. */
    public static SimpleModule module() {
        return new SimpleModule("daff-unicode-text").addDeserializer(String.class, new Strings())
                .addKeyDeserializer(String.class, new Keys());
    }

    /**
     * Whether {@code text} says nothing to a reader: null, or only white space, spaces {@link String#isBlank} does not
     * know (U+00A0 no-break, U+2007, U+202F), invisible format characters (U+200B zero-width space, U+FEFF),
     * controls, blank fillers (U+3164, U+2800) and combining marks with nothing to mark. A washup's root cause of
     * one no-break space passed for written, and opened the finalisation gate.
     */
    public static boolean blank(CharSequence text) {
        return text == null || text.codePoints().allMatch(UnicodeText::saysNothing);
    }

    /**
     * Blank fillers that are letters or symbols to Unicode and show as nothing: the Hangul fillers and the blank
     * braille pattern, which pass for written text in chat tools.
     */
    private static final String FILLERS = "\u115F\u1160\u3164\uFFA0\u2800";

    private static boolean saysNothing(int c) {
        int type = Character.getType(c);
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || type == Character.FORMAT
                || Character.isISOControl(c) || FILLERS.indexOf(c) >= 0
                // marks alone mark nothing: a text of combining accents and no letter
                || type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                || type == Character.COMBINING_SPACING_MARK;
    }

    /** The index of the first surrogate without its partner in {@code text}, or -1 when it is all characters. */
    public static int unpairedSurrogate(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char unit = text.charAt(i);
            if (!Character.isSurrogate(unit)) {
                continue;
            }
            if (Character.isHighSurrogate(unit) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
                continue;
            }
            return i;
        }
        return -1;
    }

    private static String checked(JsonParser parser, String text) throws UnpairedSurrogate {
        if (text != null) {
            int at = unpairedSurrogate(text);
            if (at >= 0) {
                throw new UnpairedSurrogate(parser, at);
            }
        }
        return text;
    }

    private static final class Strings extends StdScalarDeserializer<String> {
        Strings() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            return checked(parser, StringDeserializer.instance.deserialize(parser, context));
        }

        @Override
        public Object getEmptyValue(DeserializationContext context) {
            return "";
        }
    }

    private static final class Keys extends KeyDeserializer {
        @Override
        public Object deserializeKey(String key, DeserializationContext context) throws IOException {
            return checked(context.getParser(), key);
        }
    }
}
