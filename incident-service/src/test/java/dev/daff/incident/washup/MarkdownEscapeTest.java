package dev.daff.incident.washup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Someone's text kept on one line for a list item or a heading. Plain logic, no framework. */
class MarkdownEscapeTest {

    @Test
    void eachLineBreakWithTheWhitespaceAroundItBecomesOneSpace() {
        assertEquals("DNS failed in one zone then recovered", MarkdownEscape.oneLine(
                "  DNS failed  \r\n  in one zone\n\n\t\nthen\u2028recovered \u000B "));
        assertEquals("spaces   inside a line stay", MarkdownEscape.oneLine("spaces   inside a line stay"));
        assertEquals("", MarkdownEscape.oneLine(" \n \r\n "));
    }

    /** The same text through the old regex, for anything without a Unicode-only space next to a line break. */
    @Test
    void theSameAsTheRegexItReplaces() {
        for (String text : new String[] { "a\nb", "a \n b", "a\r\n\r\nb", "a\u0085b", "a\fb", "  a  b  ", "a" + " ".repeat(4_000)
                + "b", "x\n" + " ".repeat(100) + "\ny" }) {
            assertEquals(text.strip().replaceAll("\\s*\\R\\s*", " "), MarkdownEscape.oneLine(text), text);
        }
    }

    @Test
    void inlineCodeStaysOnOneLineBehindALongerFence() {
        assertEquals("`` a `b` c ``", MarkdownEscape.code("a `b`\n c"));
    }
}
