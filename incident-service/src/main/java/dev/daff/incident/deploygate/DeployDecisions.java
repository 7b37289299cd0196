package dev.daff.incident.deploygate;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;

/** Every decision the gate gave ({@code deploy_decision}). */
@ApplicationScoped
public class DeployDecisions implements PanacheRepositoryBase<DeployDecision, UUID> {

    /** How many overrides of one change {@link #overridesOf} reads: re-runs of one pipeline within a day. */
    static final int OVERRIDES_READ = 100;

    /** The overrides, newest first, since {@code since}, of decisions about this very change (copies included). */
    public List<DeployDecision> overridesOf(String service, String environment, String ref, Instant since) {
        return find("service = ?1 and environment = ?2 and ref = ?3 and overriddenAt >= ?4 order by overriddenAt desc,"
                + " checkedAt desc", service, environment, ref, since).page(Page.ofSize(OVERRIDES_READ)).list();
    }

    /** The newest decisions, of one service when given. */
    public List<DeployDecision> newest(String service, int limit) {
        return (service == null ? find("order by checkedAt desc, id") : find("service = ?1 order by checkedAt desc, id", service))
                .page(Page.ofSize(limit)).list();
    }
}
