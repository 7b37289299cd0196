package dev.daff.slo.evaluation;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;

/** Stored alert episodes. */
@ApplicationScoped
public class SloAlerts implements PanacheRepositoryBase<SloAlert, String> {

    /** The unresolved episode of (SLO, severity, kind), if any: there is at most one. */
    public Optional<SloAlert> active(String slo, String severity, String kind) {
        return find("sloName = ?1 and severity = ?2 and kind = ?3 and resolvedAt is null", slo, severity, kind)
                .firstResultOptional();
    }

    /** Newest first; only unresolved ones unless {@code includeResolved}; all SLOs when {@code slo} is null. */
    public List<SloAlert> list(boolean includeResolved, String slo) {
        return list(includeResolved, slo, null, null, null, Integer.MAX_VALUE);
    }

    /**
     * At most {@code max} episodes, newest first (ties by id), of one SLO and one severity when given, starting after
     * the episode fired at {@code afterFiredAt} with id {@code afterId} when given.
     */
    public List<SloAlert> list(boolean includeResolved, String slo, String severity, Instant afterFiredAt, String afterId,
            int max) {
        StringBuilder query = new StringBuilder(includeResolved ? "1 = 1" : "resolvedAt is null");
        Parameters parameters = new Parameters();
        if (slo != null) {
            query.append(" and sloName = :slo");
            parameters.and("slo", slo);
        }
        if (severity != null) {
            query.append(" and severity = :severity");
            parameters.and("severity", severity);
        }
        if (afterFiredAt != null) {
            query.append(" and (firedAt < :at or (firedAt = :at and alertId < :id))");
            parameters.and("at", afterFiredAt).and("id", afterId);
        }
        return find(query.toString(), Sort.descending("firedAt", "alertId"), parameters).range(0, max - 1).list();
    }
}
