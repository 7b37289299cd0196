package dev.daff.kit.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 over an outgoing webhook body with the channel's secret, sent as
 * {@code X-Daff-Signature: sha256=<hex>} so a receiver can tell daff's pages from forgeries; and beside it
 * {@code X-Daff-Signature-Timestamped: t=<epoch seconds>,sha256=<hex of "t." + body>}, which a receiver can also
 * refuse when it is old: the first alone can be replayed for ever by whoever saw one request (a proxy's log).
 */
public final class WebhookSignature {

    public static final String HEADER = "X-Daff-Signature";
    public static final String TIMESTAMPED_HEADER = "X-Daff-Signature-Timestamped";
    private static final String PREFIX = "sha256=";

    private WebhookSignature() {
    }

    public static String sign(String secret, byte[] body) {
        return PREFIX + hmacHex(secret, body);
    }

    /** {@code t=<epoch seconds>,sha256=<hex>}: the HMAC of {@code "<t>." + body}, for {@link #TIMESTAMPED_HEADER}. */
    public static String signTimestamped(String secret, byte[] body, Instant at) {
        long seconds = at.getEpochSecond();
        byte[] signed = withTimestamp(seconds, body);
        return "t=" + seconds + "," + PREFIX + hmacHex(secret, signed);
    }

    /**
     * Constant-time check of a {@link #TIMESTAMPED_HEADER} value, as a receiver should do it: signed with
     * {@code secret} over this body, at most {@code tolerance} away from {@code now}.
     */
    public static boolean verifyTimestamped(String secret, byte[] body, String header, Instant now, Duration tolerance) {
        if (header == null || !header.matches("t=\\d{1,15},sha256=[0-9a-f]{64}")) {
            return false;
        }
        long seconds = Long.parseLong(header.substring(2, header.indexOf(',')));
        if (Math.abs(now.getEpochSecond() - seconds) > tolerance.toSeconds()) {
            return false;
        }
        return MessageDigest.isEqual(signTimestamped(secret, body, Instant.ofEpochSecond(seconds))
                .getBytes(StandardCharsets.US_ASCII), header.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] withTimestamp(long seconds, byte[] body) {
        byte[] prefix = (seconds + ".").getBytes(StandardCharsets.US_ASCII);
        byte[] signed = Arrays.copyOf(prefix, prefix.length + body.length);
        System.arraycopy(body, 0, signed, prefix.length, body.length);
        return signed;
    }

    /** HMAC-SHA256 of {@code body} with {@code secret}, in lower-case hex: what other webhook schemes sign with too. */
    public static String hmacHex(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    /** Constant-time check, as a receiver should do it. */
    public static boolean verify(String secret, byte[] body, String header) {
        if (header == null) {
            return false;
        }
        return MessageDigest.isEqual(sign(secret, body).getBytes(StandardCharsets.US_ASCII),
                header.getBytes(StandardCharsets.US_ASCII));
    }
}
