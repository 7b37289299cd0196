package dev.daff.slo.paging.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

class KeyringTest {

    static final String K1 = Base64.getEncoder().encodeToString(new byte[32]);
    static final String K2 = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

    @Test
    void aSealedValueIsCiphertextNamingItsKeyAndOpensToThePlaintext() {
        Keyring keyring = Keyring.of(Map.of("k1", K1), "k1");
        String sealed = keyring.seal("R0UT1NGKEY");
        assertTrue(sealed.startsWith("enc:v1:k1:"), sealed);
        assertFalse(sealed.contains("R0UT1NGKEY"));
        assertNotEquals(sealed, keyring.seal("R0UT1NGKEY"), "a fresh nonce every time");
        assertEquals("R0UT1NGKEY", keyring.open(sealed));
        assertEquals(Optional.of("k1"), Keyring.keyOf(sealed));
        assertNull(keyring.seal(null));
        assertNull(keyring.open(null));
    }

    @Test
    void afterRotationOldValuesStillOpenAndResealMovesThemToTheCurrentKey() {
        String underK1 = Keyring.of(Map.of("k1", K1), "k1").seal("https://hooks.slack.com/services/T/B/x");
        Keyring rotated = Keyring.of(Map.of("k1", K1, "k2", K2), "k2");
        assertEquals("https://hooks.slack.com/services/T/B/x", rotated.open(underK1));
        assertTrue(rotated.needsSealing(underK1));

        String underK2 = rotated.reseal(underK1);
        assertEquals(Optional.of("k2"), Keyring.keyOf(underK2));
        assertFalse(rotated.needsSealing(underK2));
        assertEquals(underK2, rotated.reseal(underK2), "already under the current key: unchanged");
        assertEquals("https://hooks.slack.com/services/T/B/x", Keyring.of(Map.of("k2", K2), "k2").open(underK2),
                "once resealed, the old key can go");
        assertThrows(Keyring.UnreadableSecret.class, () -> Keyring.of(Map.of("k2", K2), "k2").open(underK1),
                "a value under a key no longer configured does not open");
    }

    @Test
    void plaintextFromBeforeSealingOpensAsItselfAndNeedsSealing() {
        Keyring keyring = Keyring.of(Map.of("k1", K1), "k1");
        assertEquals("rk-legacy", keyring.open("rk-legacy"));
        assertTrue(keyring.needsSealing("rk-legacy"));
        assertEquals("rk-legacy", keyring.open(keyring.reseal("rk-legacy")));
    }

    @Test
    void alteredOrRelabelledCiphertextIsRefused() {
        Keyring keyring = Keyring.of(Map.of("k1", K1, "k2", K1), "k1");
        String sealed = keyring.seal("secret");
        char[] chars = sealed.toCharArray();
        int last = chars.length - 2;
        chars[last] = chars[last] == 'A' ? 'B' : 'A';
        assertThrows(Keyring.UnreadableSecret.class, () -> keyring.open(new String(chars)));
        // Same key bytes under another id: the id is authenticated, so the label cannot be swapped.
        assertThrows(Keyring.UnreadableSecret.class, () -> keyring.open(sealed.replace("enc:v1:k1:", "enc:v1:k2:")));
        assertThrows(Keyring.UnreadableSecret.class, () -> keyring.open("enc:v1:k1:AAAA"));
    }

    @Test
    void unusableConfigurationIsRefusedWithoutQuotingTheKey() {
        IllegalArgumentException shortKey = assertThrows(IllegalArgumentException.class,
                () -> Keyring.of(Map.of("k1", Base64.getEncoder().encodeToString(new byte[16])), "k1"));
        assertTrue(shortKey.getMessage().contains("32 bytes"), shortKey.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Keyring.of(Map.of("k1", "not base64!"), "k1"));
        assertThrows(IllegalArgumentException.class, () -> Keyring.of(Map.of("k1", K1), "k9"));
        assertThrows(IllegalArgumentException.class, () -> Keyring.of(Map.of(), "k1"));
        assertThrows(IllegalArgumentException.class, () -> Keyring.of(Map.of("k_1", K1), "k_1"));
    }

    @Test
    void keysComeFromEnvironmentVariablesAsAKubernetesSecretGivesThem() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new EnvConfigSource(Map.of("DAFF_SECRETS_KEYS_K1", K1, "DAFF_SECRETS_KEYS_K2", K2,
                        "DAFF_SECRETS_CURRENT_KEY", "k2"), 300))
                .withMapping(SecretsConfig.class).build();
        SecretsConfig secrets = config.getConfigMapping(SecretsConfig.class);
        Keyring keyring = Keyring.of(secrets.keys(), secrets.currentKey());
        assertEquals("k2", keyring.currentKey());
        assertEquals(java.util.Set.of("k1", "k2"), keyring.keyIds());
        assertEquals("x", keyring.open(Keyring.of(Map.of("k1", K1), "k1").seal("x")));
    }
}
