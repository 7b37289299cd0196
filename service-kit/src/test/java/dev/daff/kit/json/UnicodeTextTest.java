package dev.daff.kit.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Request text with half a surrogate pair is refused wherever a string is read; whole pairs read as before. */
class UnicodeTextTest {

    record Note(String text, List<String> tags, Map<String, String> labels) {
    }

    final ObjectMapper json = new ObjectMapper().registerModule(UnicodeText.module());

    @Test
    void aLoneSurrogateIsRefusedInAFieldAnItemAKeyAndAValue() {
        for (String body : List.of("{\"text\": \"a\\uD800b\"}", "{\"text\": \"\\uDE00\"}", "{\"text\": \"ends \\uD83D\"}",
                "{\"tags\": [\"ok\", \"\\uDC00x\"]}", "{\"labels\": {\"\\uD800\": \"v\"}}",
                "{\"labels\": {\"k\": \"\\uDBFF\\uDBFF\"}}")) {
            assertThrows(UnicodeText.UnpairedSurrogate.class, () -> json.readValue(body, Note.class), body);
        }
    }

    @Test
    void wholePairsAndPlainTextReadAsSent() throws Exception {
        Note note = json.readValue("{\"text\": \"grin \\uD83D\\uDE00 \u00e9\", \"tags\": [\"\uD83D\uDE80\"],"
                + " \"labels\": {\"\\uD83D\\uDE00\": \"\"}}", Note.class);
        assertEquals("grin \uD83D\uDE00 \u00e9", note.text());
        assertEquals(List.of("\uD83D\uDE80"), note.tags());
        assertEquals(Map.of("\uD83D\uDE00", ""), note.labels());
        assertEquals(1, UnicodeText.unpairedSurrogate("a\uD83D\uDE00".substring(0, 2)));
        assertEquals(-1, UnicodeText.unpairedSurrogate(""));
    }

    @Test
    void textOfSpacesAndInvisibleCharactersIsBlankAndAnyVisibleCharacterIsNot() {
        for (String nothing : new String[] {null, "", " \t\n", "\u00a0", "\u200b", "\u2007\u202f", "\ufeff", "\u0000",
                "\u3000\u200d", "\u3164", "\u2800\u2800", "\u0301\u0308", "\u115f\u1160\uffa0"}) {
            assertEquals(true, UnicodeText.blank(nothing), String.valueOf(nothing));
        }
        for (String something : new String[] {"x", "\u00a0.", "\u200b\uD83D\uDE00", "\u00e9", "e\u0301",
                "\ud55c\uae00", "\u2801"}) {
            assertEquals(false, UnicodeText.blank(something), something);
        }
    }
}
