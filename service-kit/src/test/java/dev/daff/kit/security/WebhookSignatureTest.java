package dev.daff.kit.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    @Test
    void signatureIsHmacSha256OfTheBodyWithTheChannelSecret() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
        byte[] body = "what do ya want for nothing?".getBytes(StandardCharsets.UTF_8);
        assertEquals("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                WebhookSignature.sign("Jefe", body));
    }

    @Test
    void verifiesWithTheChannelSecretOnly() {
        byte[] body = "{\"page\":1}".getBytes(StandardCharsets.UTF_8);
        String header = WebhookSignature.sign("channel-secret", body);
        assertTrue(WebhookSignature.verify("channel-secret", body, header));
        assertFalse(WebhookSignature.verify("another-secret", body, header));
        assertFalse(WebhookSignature.verify("channel-secret", "{\"page\":2}".getBytes(StandardCharsets.UTF_8), header));
        assertFalse(WebhookSignature.verify("channel-secret", body, null));
    }

    /**
     * The timestamped signature is the HMAC of "t." + body (as a receiver recomputes it with any HMAC library), and is
     * refused once older, or further ahead, than the receiver's tolerance: a captured request cannot be replayed later.
     */
    @Test
    void theTimestampedSignatureCoversTheTimeAndExpires() {
        byte[] body = "{\"page\":1}".getBytes(StandardCharsets.UTF_8);
        Instant at = Instant.parse("2026-12-05T10:00:00Z");
        String header = WebhookSignature.signTimestamped("channel-secret", body, at);
        assertEquals("t=1796464800,sha256=" + WebhookSignature.hmacHex("channel-secret",
                "1796464800.{\"page\":1}".getBytes(StandardCharsets.UTF_8)), header);
        Duration tolerance = Duration.ofMinutes(5);
        assertTrue(WebhookSignature.verifyTimestamped("channel-secret", body, header, at.plusSeconds(299), tolerance));
        assertTrue(WebhookSignature.verifyTimestamped("channel-secret", body, header, at.minusSeconds(299), tolerance));
        assertFalse(WebhookSignature.verifyTimestamped("channel-secret", body, header, at.plusSeconds(301), tolerance),
                "replayed six minutes later");
        assertFalse(WebhookSignature.verifyTimestamped("another-secret", body, header, at, tolerance));
        assertFalse(WebhookSignature.verifyTimestamped("channel-secret", "{\"page\":2}".getBytes(StandardCharsets.UTF_8),
                header, at, tolerance));
        assertFalse(WebhookSignature.verifyTimestamped("channel-secret", body,
                header.replace("t=1796464800", "t=1796464900"), at.plusSeconds(100), tolerance), "a time moved forward");
        for (String malformed : new String[] { null, "", "sha256=" + "0".repeat(64), "t=,sha256=x", "t=1796464800" }) {
            assertFalse(WebhookSignature.verifyTimestamped("channel-secret", body, malformed, at, tolerance), malformed);
        }
    }
}
