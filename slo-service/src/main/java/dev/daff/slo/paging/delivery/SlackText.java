package dev.daff.slo.paging.delivery;

/**
 * Someone's text inside a Slack message's {@code text} or {@code mrkdwn}: Slack reads {@code <…>} as a mention
 * ({@code <!channel>}, {@code <@U…>}) or a link whose label hides its address ({@code <https://…|label>}), so its
 * three control characters are sent as the entities Slack documents for them.
 */
public final class SlackText {

    private SlackText() {
    }

    public static String escaped(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
