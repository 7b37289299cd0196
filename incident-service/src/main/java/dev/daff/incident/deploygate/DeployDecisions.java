package dev.daff.incident.deploygate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;

/** Every decision the gate gave ({@code deploy_decision}). */
@ApplicationScoped
public class DeployDecisions implements PanacheRepositoryBase<DeployDecision, UUID> {

    /** The newest override, since {@code since}, of a decision about this very change. */
    public Optional<DeployDecision> overrideOf(String service, String environment, String ref, Instant since) {
        return find("service = ?1 and environment = ?2 and ref = ?3 and overriddenAt >= ?4 order by overriddenAt desc",
                service, environment, ref, since).firstResultOptional();
    }

    /** The newest decisions, of one service when given. */
    public List<DeployDecision> newest(String service, int limit) {
        return (service == null ? find("order by checkedAt desc, id") : find("service = ?1 order by checkedAt desc, id", service))
                .page(Page.ofSize(limit)).list();
    }
}
