package dev.daff.incident.changes;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.daff.kit.http.OutboundAddresses;
import io.smallrye.config.ConfigMapping;
import jakarta.validation.constraints.Min;

/** How changes are related to each other and to incidents; a value out of range stops the service at its start. */
@ConfigMapping(prefix = "daff.changes")
public interface ChangeConfig {

    /** Two changes closer than this (between their time ranges) on related services are "concurrent". */
    Duration concurrentWindow();

    /**
     * At most this many concurrent changes in the answer to a reported change (the most related first): on a busy
     * platform a window holds hundreds, and a pipeline's log needs the few that matter.
     */
    @Min(0)
    int concurrentLimit();

    /** How far before impact start "what changed?" looks when the request names no {@code lookback}. */
    Duration defaultLookback();

    /** The longest {@code lookback} a request may ask for. */
    Duration maxLookback();

    /**
     * How long after impact start "what changed?" keeps looking (until resolution, or now, but never past this),
     * so an impact start edited to long ago cannot turn one request into a scan of the whole change log.
     */
    Duration maxAfterImpact();

    /** How many hops of dependencies (and of dependents) are followed from an incident's services. */
    @Min(0)
    int dependencyDepth();

    /**
     * A catalog service that at least this many services depend on directly counts as a shared platform even
     * without {@code shared: true}; 0 turns that off.
     */
    @Min(0)
    int sharedPlatformMinDependents();

    /** Hosts a rollback hook may name although they are inside the network (loopback, private addresses). */
    Optional<List<String>> allowedHosts();

    /**
     * How long a rollback hook has to connect and answer: a responder waits on it, and a hook that hangs is put on the
     * timeline as not answering.
     */
    Duration rollbackHookDeadline();

    /** The secret rollback hooks are signed with ({@code X-Daff-Signature}); without one no hook is fired. */
    Optional<String> rollbackSigningSecret();

    /** Where a rollback hook may point: checked when the catalog stores it and again before each call. */
    default OutboundAddresses rollbackHookAddresses(OutboundAddresses.Resolver resolver) {
        return new OutboundAddresses(allowedHosts().orElse(List.of()), "daff.changes.allowed-hosts", resolver);
    }
}
