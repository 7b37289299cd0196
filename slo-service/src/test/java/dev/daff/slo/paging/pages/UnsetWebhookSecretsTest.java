package dev.daff.slo.paging.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.kit.problem.ProblemException;
import dev.daff.kit.security.WebhookSignature;
import dev.daff.slo.paging.PagingConfig;

/**
 * Without signing secrets (unset, or only blanks, as an empty Secret key gives) the PagerDuty and Slack webhooks refuse
 * everything with 401, whatever key a caller signed with: every test profile sets the secrets, so the boot-time
 * services never show it. Nothing is read or changed before the refusal (the stores are null here).
 */
class UnsetWebhookSecretsTest {

    private static final byte[] ACKNOWLEDGED = """
            {"event": {"event_type": "incident.acknowledged", "data": {"incident_key": "any"}}}
            """.getBytes(StandardCharsets.UTF_8);
    private static final List<Optional<List<String>>> UNSET = List.of(Optional.empty(), Optional.of(List.of(" ", "")));

    @Test
    void pagerDutyRefusesEveryBodyWhenNoSecretIsSet() {
        for (Optional<List<String>> unset : UNSET) {
            PagerDutyWebhooks webhooks = new PagerDutyWebhooks(null, null, new ObjectMapper(), config(unset));
            for (String key : List.of(" ", "guess")) {
                String signature = "v1=" + WebhookSignature.hmacHex(key, ACKNOWLEDGED);
                ProblemException refused = assertThrows(ProblemException.class,
                        () -> webhooks.receive(ACKNOWLEDGED, signature));
                assertEquals(401, refused.status(), unset + " signed with '" + key + "'");
            }
        }
    }

    @Test
    void slackRefusesEveryInteractionWhenNoSecretIsSet() {
        Clock clock = Clock.systemUTC();
        String timestamp = String.valueOf(clock.instant().getEpochSecond());
        byte[] body = "payload=%7B%22type%22%3A%22block_actions%22%7D".getBytes(StandardCharsets.US_ASCII);
        byte[] base = ("v0:" + timestamp + ":" + new String(body, StandardCharsets.US_ASCII))
                .getBytes(StandardCharsets.US_ASCII);
        for (Optional<List<String>> unset : UNSET) {
            SlackInteractions interactions = new SlackInteractions(null, null, null, new ObjectMapper(), clock,
                    config(unset));
            for (String key : List.of(" ", "guess")) {
                String signature = "v0=" + WebhookSignature.hmacHex(key, base);
                ProblemException refused = assertThrows(ProblemException.class,
                        () -> interactions.receive(body, timestamp, signature));
                assertEquals(401, refused.status(), unset + " signed with '" + key + "'");
            }
        }
    }

    /** A configuration whose webhook secrets are {@code secrets}; nothing else of it is read by the constructors. */
    private static PagingConfig config(Optional<List<String>> secrets) {
        return (PagingConfig) Proxy.newProxyInstance(PagingConfig.class.getClassLoader(),
                new Class<?>[] { PagingConfig.class },
                (proxy, method, args) -> switch (method.getName()) {
                    case "pagerdutyWebhookSecrets", "slackSigningSecrets" -> secrets;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
