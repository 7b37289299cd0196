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

    /** Someone's text as inline code: a fence longer than any run of backticks in it, so it cannot close early. */
    static String code(String text) {
        String content = text.strip().replaceAll("\\s*\\R\\s*", " ");
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
