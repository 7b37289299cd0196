package dev.daff.slo.paging.pages;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.kit.problem.ProblemException;
import dev.daff.kit.security.WebhookSignature;
import dev.daff.slo.paging.PagingConfig;
import dev.daff.slo.paging.delivery.SlackText;
import dev.daff.slo.paging.oncall.TeamDefinition;
import dev.daff.slo.paging.oncall.TeamService;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * The Slack page's buttons. Slack posts the click form-encoded ({@code payload=} JSON) with {@code X-Slack-Signature}:
 * {@code v0=} HMAC-SHA256 of {@code v0:<X-Slack-Request-Timestamp>:<raw body>} with the app's signing secret. A
 * request not signed with one of the configured secrets, or stamped more than {@link #MAX_AGE} away from the service
 * clock (a replay), is 401 and changes nothing. Acknowledge acknowledges the page as the team member whose
 * {@code slackUserId} clicked; anyone else is told so in Slack (the answer body is what Slack shows the clicker, and
 * only them) and nothing changes.
 */
@ApplicationScoped
public class SlackInteractions {

    /** How far a request's timestamp may be from the service clock: Slack's own advice against replays. */
    static final Duration MAX_AGE = Duration.ofMinutes(5);

    /** What Slack shows the person who clicked (ephemeral: nobody else sees it), and what it did. */
    public record Reply(String response_type, boolean replace_original, String text) {
        static Reply of(String text) {
            return new Reply("ephemeral", false, text);
        }
    }

    private final Pages pages;
    private final Pager pager;
    private final TeamService teams;
    private final ObjectMapper json;
    private final Clock clock;
    private final List<String> secrets;

    public SlackInteractions(Pages pages, Pager pager, TeamService teams, ObjectMapper json, Clock clock,
            PagingConfig config) {
        this.pages = pages;
        this.pager = pager;
        this.teams = teams;
        this.json = json;
        this.clock = clock;
        this.secrets = config.slackSigningSecrets().orElse(List.of()).stream().filter(s -> !s.isBlank()).toList();
    }

    public Reply receive(byte[] body, String timestamp, String signature) {
        if (!signedBySlack(body, timestamp, signature)) {
            throw new ProblemException(401, "bad-signature", "Not signed by Slack",
                    "X-Slack-Signature is missing, matches no configured signing secret, or X-Slack-Request-Timestamp"
                            + " is more than 5 minutes from now.", List.of());
        }
        JsonNode payload = payload(body);
        String slackUser = payload.path("user").path("id").asText("");
        JsonNode action = payload.path("actions").path(0);
        String actionId = action.path("action_id").asText("");
        if (!"block_actions".equals(payload.path("type").asText()) || !PageMessages.SLACK_ACKNOWLEDGE.equals(actionId)) {
            return Reply.of("Nothing to do."); // the "Open incident" link, or another kind of interaction
        }
        UUID pageId;
        try {
            pageId = UUID.fromString(action.path("value").asText(""));
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("The Acknowledge button carries no page id.");
        }
        Optional<Page> page = QuarkusTransaction.requiringNew().call(() -> pages.findByIdOptional(pageId));
        if (page.isEmpty()) {
            return Reply.of("daff has no such page.");
        }
        if (Page.RESOLVED.equals(page.get().state)) {
            return Reply.of("This page is already resolved: its alert has cleared.");
        }
        Optional<TeamDefinition.Member> member = teams.definition(page.get().team)
                .flatMap(team -> team.memberBySlackId(slackUser));
        if (member.isEmpty()) {
            return Reply.of("Not acknowledged: your Slack user (" + SlackText.escaped(slackUser) + ") is not a member"
                    + " of team " + page.get().team + " in daff. An admin can add your slackUserId to the team.");
        }
        String who = member.get().name() == null ? member.get().handle() : member.get().name();
        if (!Page.TRIGGERED.equals(page.get().state)) {
            // anyone's text (a token's name, a PagerDuty agent's): no @channel, no disguised link in the reply
            return Reply.of("Already acknowledged by " + SlackText.escaped(page.get().acknowledgedBy) + ".");
        }
        try {
            pager.acknowledge(pageId, "slack:" + slackUser, member.get().handle(), false);
        } catch (ProblemException e) {
            // resolved in the meantime: its problem says so
            return Reply.of("Not acknowledged: " + SlackText.escaped(e.getMessage()));
        }
        return Reply.of("Acknowledged by " + SlackText.escaped(who) + " (" + member.get().handle()
                + "): escalation stopped.");
    }

    private JsonNode payload(byte[] body) {
        String form = new String(body, StandardCharsets.UTF_8);
        for (String field : form.split("&")) {
            int equals = field.indexOf('=');
            if (equals > 0 && field.substring(0, equals).equals("payload")) {
                try {
                    return json.readTree(URLDecoder.decode(field.substring(equals + 1), StandardCharsets.UTF_8));
                } catch (Exception e) {
                    break;
                }
            }
        }
        throw ProblemException.badRequest("The body is not a Slack interaction (form field payload with JSON).");
    }

    /** Slack signs with one secret; while it is rotated, either the old or the new one is accepted. */
    private boolean signedBySlack(byte[] body, String timestamp, String header) {
        if (header == null || timestamp == null || secrets.isEmpty()) {
            return false;
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(clock.instant().getEpochSecond() - seconds) > MAX_AGE.toSeconds()) {
            return false;
        }
        byte[] base = concat(("v0:" + timestamp.strip() + ":").getBytes(StandardCharsets.UTF_8), body);
        byte[] given = header.strip().getBytes(StandardCharsets.US_ASCII);
        boolean matches = false;
        for (String secret : secrets) {
            byte[] expected = ("v0=" + WebhookSignature.hmacHex(secret, base)).getBytes(StandardCharsets.US_ASCII);
            matches |= MessageDigest.isEqual(expected, given);
        }
        return matches;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] joined = new byte[first.length + second.length];
        System.arraycopy(first, 0, joined, 0, first.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return joined;
    }
}
