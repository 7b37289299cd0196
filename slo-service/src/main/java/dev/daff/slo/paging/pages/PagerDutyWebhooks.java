package dev.daff.slo.paging.pages;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.kit.problem.ProblemException;
import dev.daff.kit.security.WebhookSignature;
import dev.daff.slo.paging.PagingConfig;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Two-way acknowledgement with PagerDuty: its V3 webhook subscriptions tell daff when someone acknowledged or resolved
 * the PagerDuty incident a page opened ({@code data.incident_key} is the page's dedup key). The body must carry a
 * valid {@code X-PagerDuty-Signature} ({@code v1=} HMAC-SHA256 with one of the subscription secrets); anything else is
 * 401 and changes nothing. {@code incident.acknowledged} acknowledges the page as PagerDuty's user (without telling
 * PagerDuty back); {@code incident.resolved} acknowledges it too but never resolves it while its alert still fires —
 * daff resolves a page when the burn stops. Replays, other event types and unknown keys change nothing.
 */
@ApplicationScoped
public class PagerDutyWebhooks {

    /** What an accepted delivery did, in words for PagerDuty's delivery log. */
    public record Outcome(String event, String dedupKey, String result) {
    }

    private final Pages pages;
    private final Pager pager;
    private final ObjectMapper json;
    private final List<String> secrets;

    public PagerDutyWebhooks(Pages pages, Pager pager, ObjectMapper json, PagingConfig config) {
        this.pages = pages;
        this.pager = pager;
        this.json = json;
        this.secrets = config.pagerdutyWebhookSecrets().orElse(List.of()).stream().filter(s -> !s.isBlank()).toList();
    }

    public Outcome receive(byte[] body, String signature) {
        if (!signedByPagerDuty(body, signature)) {
            throw new ProblemException(401, "bad-signature", "Not signed by PagerDuty",
                    "X-PagerDuty-Signature is missing or matches no configured subscription secret.", List.of());
        }
        JsonNode event;
        try {
            event = json.readTree(body).path("event");
        } catch (Exception e) {
            throw ProblemException.badRequest("The body is not a PagerDuty V3 webhook event.");
        }
        String type = event.path("event_type").asText("");
        String dedupKey = event.path("data").path("incident_key").asText("");
        if (!type.equals("incident.acknowledged") && !type.equals("incident.resolved") || dedupKey.isEmpty()) {
            return new Outcome(type, dedupKey, "ignored");
        }
        // Decided and applied in one transaction, on the page's locked row: read unlocked, a re-open committing in
        // between let the old incident's acknowledgement stop the re-opened page's escalation.
        return QuarkusTransaction.requiringNew().call(() -> apply(event, type, dedupKey));
    }

    private Outcome apply(JsonNode event, String type, String dedupKey) {
        Optional<Page> page = pages.find("dedupKey", PageMessages.pageKeyOf(dedupKey)).withLock(LockModeType.PESSIMISTIC_WRITE)
                .firstResultOptional();
        if (page.isEmpty()) {
            return new Outcome(type, dedupKey, "no daff page has this key");
        }
        if (Page.RESOLVED.equals(page.get().state)) {
            return new Outcome(type, dedupKey, "the page is already resolved");
        }
        if (!dedupKey.equals(PageMessages.pagerDutyKey(page.get()))) {
            // The incident a re-open superseded (PagerDuty keeps it until the page resolves): acknowledging or closing
            // it there says nothing of the re-opened page, whose escalation must go on.
            return new Outcome(type, dedupKey, "not the page's current PagerDuty incident ("
                    + PageMessages.pagerDutyKey(page.get()) + "): the page is left as it is");
        }
        JsonNode agent = event.path("agent");
        // Cut to what the page keeps (200 characters): a name too long to store refused the acknowledge, and the
        // page went on escalating to people who had acknowledged it.
        String who = fitted(agent.path("summary").asText("someone"), 200 - " (PagerDuty)".length()) + " (PagerDuty)";
        String subject = fitted("pagerduty:" + agent.path("id").asText("unknown"), 200);
        boolean wasTriggered = Page.TRIGGERED.equals(page.get().state);
        pager.acknowledge(page.get().id, subject, who, true);
        String acknowledged = wasTriggered ? "acknowledged by " + who : "already acknowledged";
        return new Outcome(type, dedupKey, type.equals("incident.resolved")
                ? acknowledged + "; not resolved: its alert still fires, and daff resolves the page when the burn stops"
                : acknowledged);
    }

    /** PagerDuty sends one {@code v1=} signature per active secret, comma-separated, while a secret is rotated. */
    private boolean signedByPagerDuty(byte[] body, String header) {
        if (header == null || secrets.isEmpty()) {
            return false;
        }
        for (String secret : secrets) {
            byte[] expected = ("v1=" + WebhookSignature.hmacHex(secret, body)).getBytes(StandardCharsets.US_ASCII);
            for (String given : header.split(",")) {
                if (MessageDigest.isEqual(expected, given.strip().getBytes(StandardCharsets.US_ASCII))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String fitted(String text, int most) {
        return text.length() <= most ? text : text.substring(0, most);
    }
}
