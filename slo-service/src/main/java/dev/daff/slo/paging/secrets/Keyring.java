package dev.daff.slo.paging.secrets;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals channel secrets (PagerDuty routing keys, Slack URLs, webhook signing secrets) with AES-256-GCM before they
 * are stored, and opens them only when a request is about to be sent. A sealed value names the key that sealed it:
 * {@code enc:v1:<keyId>:<base64url(nonce ‖ ciphertext ‖ tag)>}, so several keys can be configured during a rotation
 * and a value under an older key still opens. The key id is also the GCM associated data, so relabelling a value
 * with another id makes it unreadable rather than opening it under the wrong key.
 * <p>
 * A stored value without the {@code enc:} prefix was written before secrets were sealed (migration V11); it opens
 * as itself and {@link #needsSealing(String)} says so, and the start-up re-encryption seals it.
 */
public final class Keyring {

    public static final String PREFIX = "enc:v1:";
    /** Key ids survive the trip through environment variable names: lower-case letters and digits. */
    public static final Pattern KEY_ID = Pattern.compile("[a-z0-9]{1,32}");
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    /** A stored value that cannot be opened: tampered with, cut, or under a key that is no longer configured. */
    public static final class UnreadableSecret extends RuntimeException {
        UnreadableSecret(String message) {
            super(message, null, false, false);
        }
    }

    private final Map<String, SecretKey> keys;
    private final String current;
    private final SecureRandom random = new SecureRandom();

    private Keyring(Map<String, SecretKey> keys, String current) {
        this.keys = keys;
        this.current = current;
    }

    /**
     * A keyring from configuration: key ids (case-insensitive) to base64 of 32 random bytes, and the id that seals.
     * Refuses (with a message naming the setting, never the key) anything it could not work with.
     */
    public static Keyring of(Map<String, String> base64Keys, String currentKey) {
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        base64Keys.forEach((id, value) -> {
            String normalised = id.trim().toLowerCase(Locale.ROOT);
            if (!KEY_ID.matcher(normalised).matches()) {
                throw new IllegalArgumentException("daff.secrets.keys: key id '" + id
                        + "' must be 1-32 lower-case letters and digits");
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(value.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("daff.secrets.keys." + normalised + " is not base64");
            }
            if (bytes.length != KEY_BYTES) {
                throw new IllegalArgumentException("daff.secrets.keys." + normalised + " must be " + KEY_BYTES
                        + " bytes (base64 of `openssl rand 32`), not " + bytes.length);
            }
            keys.put(normalised, new SecretKeySpec(bytes, "AES"));
        });
        String current = currentKey == null ? "" : currentKey.trim().toLowerCase(Locale.ROOT);
        if (!keys.containsKey(current)) {
            throw new IllegalArgumentException("daff.secrets.current-key '" + currentKey
                    + "' names none of the configured daff.secrets.keys " + keys.keySet());
        }
        return new Keyring(Map.copyOf(keys), current);
    }

    /** The id of the key that seals. */
    public String currentKey() {
        return current;
    }

    public Set<String> keyIds() {
        return keys.keySet();
    }

    /** Seals {@code plaintext} under the current key; null stays null. */
    public String seal(String plaintext) {
        if (plaintext == null) {
            return null;
        }
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(current), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(current));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return PREFIX + current + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /** The plaintext of a stored value; null stays null; a value from before sealing opens as itself. */
    public String open(String stored) {
        if (stored == null || !stored.startsWith(PREFIX)) {
            return stored;
        }
        String rest = stored.substring(PREFIX.length());
        int colon = rest.indexOf(':');
        if (colon < 0) {
            throw new UnreadableSecret("a sealed value without a key id");
        }
        String id = rest.substring(0, colon);
        SecretKey key = keys.get(id);
        if (key == null) {
            throw new UnreadableSecret("sealed under key '" + id + "', which is not configured (daff.secrets.keys)");
        }
        try {
            byte[] in = Base64.getUrlDecoder().decode(rest.substring(colon + 1));
            if (in.length < NONCE_BYTES + TAG_BITS / 8) {
                throw new UnreadableSecret("a sealed value too short to be one");
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData(id));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new UnreadableSecret("a sealed value under key '" + id + "' does not open (altered or cut)");
        }
    }

    /** The key a stored value is sealed under; empty for a value from before sealing. */
    public static Optional<String> keyOf(String stored) {
        if (stored == null || !stored.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String rest = stored.substring(PREFIX.length());
        int colon = rest.indexOf(':');
        return colon < 0 ? Optional.empty() : Optional.of(rest.substring(0, colon));
    }

    /** Whether a stored value is plaintext or sealed under a key other than the current one. */
    public boolean needsSealing(String stored) {
        return stored != null && !keyOf(stored).map(current::equals).orElse(false);
    }

    /** The stored value sealed under the current key (unchanged when it already is). */
    public String reseal(String stored) {
        return needsSealing(stored) ? seal(open(stored)) : stored;
    }

    private static byte[] associatedData(String keyId) {
        return (PREFIX + keyId).getBytes(StandardCharsets.US_ASCII);
    }
}
