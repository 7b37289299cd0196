package dev.daff.slo.paging.pages;

import java.time.Duration;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.daff.events.AlertEvent;
import dev.daff.slo.paging.delivery.PageNotification;
import dev.daff.slo.paging.delivery.SlackText;
import dev.daff.slo.paging.secrets.Keyring;

/**
 * What a page says, per channel. A page must be unmistakable: which SLO and service, how fast the budget
 * burns, how much is left and when it runs out at this rate — so nobody mistakes it for routine noise.
 */
public final class PageMessages {

    static final int PAGERDUTY_SUMMARY_LIMIT = 1024;

    /** The Acknowledge button's {@code action_id}; its {@code value} is the page id ({@link SlackInteractions}). */
    public static final String SLACK_ACKNOWLEDGE = "daff_acknowledge";
    /** The "Open incident" button's {@code action_id}: a link, Slack tells daff of the click and nothing changes. */
    public static final String SLACK_OPEN_INCIDENT = "daff_open_incident";

    private final ObjectMapper json;
    private final Keyring keyring;
    private final String publicUrl;
    private final String consoleUrl;

    public PageMessages(ObjectMapper json, Keyring keyring, String publicUrl, String consoleUrl) {
        this.json = json;
        this.keyring = keyring;
        this.publicUrl = publicUrl;
        this.consoleUrl = consoleUrl;
    }

    public static String summary(AlertEvent alert) {
        String head = "PAGE: SLO " + alert.slo() + " (" + alert.service() + ")";
        String body = switch (alert.kind()) {
            case "NO_DATA" -> " has received no events for " + alert.tier()
                    + ": telemetry or traffic is missing, so the SLO is blind";
            case "VOLUME_DROP" -> " traffic fell below " + percent(alert.threshold())
                    + " of its usual level: requests may be failing before they are counted";
            case "BUDGET_EXHAUSTION" -> String.format(Locale.ROOT, " will exhaust its error budget within %s at the"
                    + " burn rate of the last %s (%.1f×); %s of the budget left", hours(alert.threshold()),
                    alert.tier().substring(alert.tier().indexOf('@') + 1), alert.burnRateLong(),
                    percent(alert.budgetRemaining())) + exhaustion(alert);
            case "BUDGET_DROP" -> String.format(Locale.ROOT, " burned at least %s of its error budget within %s"
                    + " (burn rate %.1f×); %s of the budget left", percent(alert.threshold()),
                    alert.tier().substring(alert.tier().indexOf('/') + 1), alert.burnRateLong(),
                    percent(alert.budgetRemaining())) + exhaustion(alert);
            default -> String.format(Locale.ROOT, " is burning its error budget %.1f× too fast (%.1f× over the short"
                    + " window, tier %s, threshold %.1f×); %s of the budget left", alert.burnRateLong(),
                    alert.burnRateShort(), alert.tier(), alert.threshold(), percent(alert.budgetRemaining()))
                    + exhaustion(alert);
        };
        return truncate(head + body, PAGERDUTY_SUMMARY_LIMIT);
    }

    private static String exhaustion(AlertEvent alert) {
        if (alert.exhaustionAt() == null || alert.firedAt() == null) {
            return "";
        }
        Duration left = Duration.between(alert.firedAt(), alert.exhaustionAt());
        if (left.isNegative() || left.isZero()) {
            return "; budget exhausted";
        }
        return "; budget exhausted in " + human(left) + " at this rate";
    }

    private static String hours(double hours) {
        return human(Duration.ofSeconds(Math.round(hours * 3600)));
    }

    public static String human(Duration duration) {
        long minutes = Math.max(1, duration.toMinutes());
        if (minutes < 120) {
            return minutes + " min";
        }
        long hours = minutes / 60;
        return hours < 48 ? hours + " h " + (minutes % 60) + " min" : (hours / 24) + " days";
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f %%", fraction * 100);
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    /** The summary, led by why the page was re-opened if it was: the person paged again must see it first. */
    static String headline(Page page) {
        return page.reopenReason == null ? page.summary : "RE-OPENED: " + page.reopenReason + " — " + page.summary;
    }

    String statusLink(String slo) {
        return publicUrl + "/api/slos/" + slo + "/status";
    }

    /**
     * PagerDuty Events API v2, without its {@code routing_key}: the body is stored with the notification, the key is
     * not; {@link dev.daff.slo.paging.delivery.PagerDutyRouting} adds it when the body is sent.
     */
    public String pagerDuty(String action, Page page, AlertEvent alert) {
        ObjectNode event = json.createObjectNode();
        event.put("event_action", action);
        event.put("dedup_key", pagerDutyKey(page));
        if ("trigger".equals(action)) {
            ObjectNode payload = event.putObject("payload");
            payload.put("summary", truncate(headline(page), PAGERDUTY_SUMMARY_LIMIT));
            payload.put("source", alert.service());
            payload.put("severity", "critical");
            payload.put("component", alert.slo());
            payload.put("group", page.team);
            payload.put("class", alert.kind());
            ObjectNode details = payload.putObject("custom_details");
            details.put("slo", alert.slo());
            details.put("tier", alert.tier());
            details.put("kind", alert.kind());
            ObjectNode burn = details.putObject("burn_rates");
            burn.put("long_window", alert.burnRateLong());
            burn.put("short_window", alert.burnRateShort());
            burn.put("threshold", alert.threshold());
            details.put("budget_remaining", alert.budgetRemaining());
            details.put("exhaustion_at", alert.exhaustionAt() == null ? null : alert.exhaustionAt().toString());
            details.put("fired_at", alert.firedAt() == null ? null : alert.firedAt().toString());
            ObjectNode links = details.putObject("links");
            links.put("slo_status", statusLink(alert.slo()));
            links.put("page", publicUrl + "/api/pages/" + page.id);
            ArrayNode topLinks = event.putArray("links");
            topLinks.addObject().put("href", statusLink(alert.slo())).put("text", "SLO status and budget");
        }
        return write(event);
    }


    /** Slack incoming webhook: a text fallback and blocks. */
    public String slack(String action, Page page, AlertEvent alert) {
        // the service is anyone's text, and the summary holds it
        String text = SlackText.escaped("resolve".equals(action) ? "RESOLVED: " + page.summary : headline(page));
        ObjectNode message = json.createObjectNode();
        message.put("text", text);
        ArrayNode blocks = message.putArray("blocks");
        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text")
                .put("text", truncate(("resolve".equals(action) ? "RESOLVED " : "PAGE ") + alert.slo() + " (" + alert.service() + ")", 150));
        blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", text);
        ArrayNode context = blocks.addObject().put("type", "context").putArray("elements");
        context.addObject().put("type", "mrkdwn").put("text", "<" + statusLink(alert.slo()) + "|SLO status> · team "
                + SlackText.escaped(page.team) + " · dedup " + SlackText.escaped(page.dedupKey));
        if (!"resolve".equals(action)) {
            ArrayNode buttons = blocks.addObject().put("type", "actions").put("block_id", "daff_page")
                    .putArray("elements");
            ObjectNode acknowledge = buttons.addObject().put("type", "button").put("action_id", SLACK_ACKNOWLEDGE)
                    .put("style", "primary").put("value", page.id.toString());
            acknowledge.putObject("text").put("type", "plain_text").put("text", "Acknowledge");
            ObjectNode open = buttons.addObject().put("type", "button").put("action_id", SLACK_OPEN_INCIDENT)
                    .put("url", consoleUrl + "/#/incidents?team=" + java.net.URLEncoder.encode(page.team,
                            java.nio.charset.StandardCharsets.UTF_8));
            open.putObject("text").put("type", "plain_text").put("text", "Open incident");
        }
        return write(message);
    }

    /** Generic webhook: the page and the alert it came from. */
    public String webhook(String action, Page page, String recipient, JsonNode alert) {
        ObjectNode message = json.createObjectNode();
        message.put("type", "resolve".equals(action) ? "page.resolved" : "page.triggered");
        ObjectNode view = message.putObject("page");
        view.put("id", page.id.toString());
        view.put("dedupKey", page.dedupKey);
        view.put("state", page.state);
        view.put("team", page.team);
        view.put("recipient", recipient);
        view.put("summary", page.summary);
        view.put("reopenReason", page.reopenReason);
        view.put("createdAt", page.createdAt.toString());
        message.set("alert", alert);
        return write(message);
    }

    /**
     * The key PagerDuty groups the page's triggers by: a new one each time the page is re-opened, since PagerDuty
     * folds a trigger into the open incident with its key, and an acknowledged incident notifies nobody. Given with its
     * SLO to another team, a triggered page counts as re-opened ({@link PagesFollowTheirSlo}): the old team's incident
     * stays open in its PagerDuty, and acknowledged there ("not ours any more") under the page's key, it stopped the
     * new team from being paged.
     */
    static String pagerDutyKey(Page page) {
        return page.reopenedCount == 0 ? page.dedupKey : page.dedupKey + REOPENED + page.reopenedCount;
    }

    private static final String REOPENED = "#reopened-";

    /** The page's dedup key, from a key PagerDuty reports back ({@link #pagerDutyKey}). */
    static String pageKeyOf(String pagerDutyKey) {
        return pagerDutyKey.replaceFirst(REOPENED + "\\d+$", "");
    }

    /** A resolve or acknowledge for the PagerDuty incident {@code trigger} opened (under its own key). */
    String pagerDutyFollowUp(String action, PageNotification trigger) {
        ObjectNode event = json.createObjectNode();
        event.put("event_action", action);
        event.put("dedup_key", dedupKeyOf(trigger));
        return write(event);
    }

    /**
     * Which follow-ups (resolve, acknowledge) one trigger stands for: one per channel, and on PagerDuty one per
     * channel and key, as each re-open opened an incident of its own there.
     */
    String followUpKey(PageNotification trigger) {
        // The secret as it opens, not as sealed: sealed again (the team re-sent it, a key rotation) it is one channel.
        String channel = trigger.channelType + ' ' + trigger.channelRef + ' ' + trigger.endpoint + ' ' + opened(trigger.secret);
        return "pagerduty".equals(trigger.channelType) ? channel + '\n' + dedupKeyOf(trigger) : channel;
    }

    private String opened(String sealed) {
        try {
            return keyring.open(sealed);
        } catch (Keyring.UnreadableSecret e) {
            return sealed; // its sends fail alike; told apart as stored
        }
    }

    private String dedupKeyOf(PageNotification trigger) {
        try {
            return json.readTree(trigger.body).path("dedup_key").asText();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a stored PagerDuty trigger is not JSON", e);
        }
    }

    private String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
