package dev.daff.slo.paging.secrets;

import java.util.Map;

import io.smallrye.config.ConfigMapping;

/**
 * The keys that seal teams' channel secrets at rest (see {@link Keyring}). In production both come from a Secret
 * as environment variables: {@code DAFF_SECRETS_KEYS_<ID>} and {@code DAFF_SECRETS_CURRENT_KEY}.
 */
@ConfigMapping(prefix = "daff.secrets")
public interface SecretsConfig {

    /**
     * Key id (1-32 lower-case letters and digits) to base64 of 32 random bytes. Every key a stored value may be
     * sealed under must be here: during a rotation the old and the new one.
     */
    Map<String, String> keys();

    /** The id of the key new values are sealed under. */
    String currentKey();
}
