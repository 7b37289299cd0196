package dev.daff.incident.alerts;

import java.util.Map;

import dev.daff.incident.lifecycle.Severity;
import io.smallrye.config.ConfigMapping;

/** How SLO alerts become incidents. */
@ConfigMapping(prefix = "daff.incidents")
public interface AlertIncidentConfig {

    /** Severity of an incident opened by a PAGE alert whose tier has no entry in {@link #severityByTier()}. */
    Severity defaultAlertSeverity();

    /** Severity by alert tier, e.g. {@code daff.incidents.severity-by-tier."1h/5m"=SEV1}. */
    Map<String, Severity> severityByTier();

    default Severity severityFor(String tier) {
        return tier == null ? defaultAlertSeverity() : severityByTier().getOrDefault(tier, defaultAlertSeverity());
    }
}
