package dev.daff.incident.washup;

/** Someone's text made literal in Markdown. Plain logic, no framework. */
final class MarkdownEscape {

    private MarkdownEscape() {
    }

    /**
     * One line of someone's text made literal: HTML's {@code < > &} become entities (so no tag, comment or
     * autolink can start, in any renderer), the characters of inline Markdown (emphasis, code, links and images,
     * strikethrough, table cells, headings) are backslash-escaped, and a line that would start a block (a list,
     * a quote, a heading or thematic break, a setext underline) gets its first marker escaped too. Other
     * punctuation stays as typed, so the Markdown still reads well as plain text.
     */
    static String escapeLine(String line) {
        StringBuilder out = new StringBuilder(line.length() + 16);
        int digits = 0;
        while (digits < line.length() && Character.isDigit(line.charAt(digits)) && line.charAt(digits) < 128) {
            digits++;
        }
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '\\', '`', '*', '_', '[', ']', '|', '~', '#' -> out.append('\\').append(c);
                case '-', '+', '=' -> out.append(i == 0 ? "\\" : "").append(c);
                case '.', ')' -> out.append(i == digits && digits > 0 ? "\\" : "").append(c);
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * Someone's text on one line: each line break, with the blank lines and whitespace around it, becomes one space.
     * Line by line, in one pass: the regex {@code \s*\R\s*} did the same but scanned a run of spaces again from each
     * of its positions, and a timeline of 300 notes of 4,000 spaces cost 5 s of CPU on every washup.md.
     */
    static String oneLine(String text) {
        String breaksAsNewlines = text.replace('\u000B', '\n').replace('\f', '\n').replace('\u0085', '\n')
                .replace('\u2028', '\n').replace('\u2029', '\n');
        return String.join(" ", breaksAsNewlines.strip().lines().map(String::strip).filter(line -> !line.isEmpty())
                .toList());
    }

    /** Someone's text as inline code: a fence longer than any run of backticks in it, so it cannot close early. */
    static String code(String text) {
        String content = oneLine(text);
        int longest = 0;
        int run = 0;
        for (char c : content.toCharArray()) {
            run = c == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        String fence = "`".repeat(longest + 1);
        return fence + " " + content + " " + fence;
    }
}
