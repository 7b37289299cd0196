package dev.daff.slo.paging.secrets;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The one {@link Keyring}, from {@link SecretsConfig}; a missing or unusable key stops the service at start-up. */
public class KeyringProducer {

    @Produces
    @Singleton
    Keyring keyring(SecretsConfig config) {
        return Keyring.of(config.keys(), config.currentKey());
    }
}
