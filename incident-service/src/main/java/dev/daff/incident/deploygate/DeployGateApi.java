package dev.daff.incident.deploygate;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What the deploy gate's API takes and answers. */
public final class DeployGateApi {

    private DeployGateApi() {
    }

    /** A pipeline asking before it ships: which service, where, what sort of change, and its ref (commit, tag). */
    public record DecisionRequest(String service, String environment, String kind, String ref, String author) {
    }

    /** A reason and what it is about (a freeze's or incident's id, an SLO, a change); decisions before it have none. */
    public record ReasonView(String code, String severity, String text, String subject) {
    }

    /** An admin's decision to ship anyway, with why. */
    public record OverrideView(Instant at, String by, String reason) {
    }

    /**
     * @param decision          what the gate said: ALLOW, WARN or BLOCK
     * @param effectiveDecision ALLOW once an admin has overridden a WARN or BLOCK, else {@code decision}
     * @param changeId          the change posted afterwards for this service and ref, once there is one
     */
    public record DecisionView(UUID decisionId, String service, String environment, String kind, String ref,
            String author, String decision, String effectiveDecision, List<ReasonView> reasons, Instant checkedAt,
            String requestedBy, OverrideView override, UUID changeId) {
    }

    public record OverrideRequest(String reason) {
    }

    /** A freeze: {@code all: true}, or the services it covers. */
    public record FreezeRequest(String id, Instant start, Instant end, List<String> services, Boolean all,
            String reason) {
    }

    public record FreezeView(String id, Instant start, Instant end, boolean all, List<String> services, String reason,
            String createdBy, Instant createdAt) {
    }
}
