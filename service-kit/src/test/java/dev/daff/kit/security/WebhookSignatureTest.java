package dev.daff.kit.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

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
}
