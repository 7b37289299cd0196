package dev.daff.kit.audit;

import jakarta.enterprise.context.RequestScoped;

/**
 * The API call this request is, noted by {@link AuditRouteFilter} once JAX-RS has matched it, so that a transaction
 * running for it knows it is to be audited and how to name it. A transaction outside any API call (a consumer, a
 * scheduler, the outbox relay) finds none and is not audited.
 */
@RequestScoped
public class AuditRequest {

    private AuditRoute route;
    private PendingAudit gathering;

    /** The matched call, or null when this request is not a JAX-RS call. */
    AuditRoute route() {
        return route;
    }

    void route(AuditRoute matched) {
        this.route = matched;
    }

    /** The entry an act of several transactions gathers into ({@code AuditTrail.asOne}), or null. */
    PendingAudit gathering() {
        return gathering;
    }

    void gathering(PendingAudit entry) {
        this.gathering = entry;
    }
}
