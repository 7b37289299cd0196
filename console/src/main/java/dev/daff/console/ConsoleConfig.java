package dev.daff.console;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** Where the three services are and how the console signs people in; defaults in application.properties. */
@ConfigMapping(prefix = "daff.console")
public interface ConsoleConfig {

    /** slo-service's base URL, e.g. http://slo-service:8081. */
    URI sloUrl();

    /** incident-service's base URL. */
    URI incidentUrl();

    /** action-service's base URL. */
    URI actionUrl();

    /** How long one forwarded call may take in all before the console answers 504. */
    Duration upstreamTimeout();

    /**
     * The local run's development tokens file ({@code role=token} lines): when set, {@code /dev/tokens} offers a role
     * picker. Never set in production, where tokens come from the identity provider.
     */
    Optional<Path> devTokensFile();
}
